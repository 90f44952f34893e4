"""Product changes made for bench/draft_bench.py: a model call costs no more
than it must, and still keeps its deadline."""
import asyncio
import time

from authoring.llm import BACKENDS, ModelClient, Settings
from authoring.sections import SECTIONS
from tests.conftest import SECRET
from tests.fake_openai import slow_drip

FAQ = SECTIONS["faq"]


def settings_for(server, **kw):
    return Settings(**(dict(base_url=server.base_url, api_key=SECRET, model="test-model", timeout=2.0,
                            retries=1, retry_seconds=20.0) | kw))


async def tasks_per_call(settings) -> tuple[list, list]:
    """The tasks one call starts, through ModelClient and through the bare SDK: each
    task is a task step or more of CPU per call."""
    import openai
    started = []
    loop = asyncio.get_running_loop()
    loop.set_task_factory(lambda loop, coro, **kw: started.append(coro.__qualname__) or asyncio.Task(coro, loop=loop, **kw))
    messages, schema = [{"role": "user", "content": "hi"}], BACKENDS["json_schema"].schema(FAQ.output)
    client = ModelClient(settings)
    bare = openai.AsyncOpenAI(base_url=settings.base_url, api_key=SECRET, max_retries=0,
                              http_client=openai.DefaultAioHttpClient())
    try:
        seen = []
        for _ in range(2):  # the second call: connections made
            started.clear()
            reply = await client.complete("faq", messages, schema)
            assert reply.text and reply.problem is None
            ours = list(started)
            started.clear()
            await bare.chat.completions.create(model=settings.model, messages=messages,
                                               response_format={"type": "json_schema", "json_schema": {
                                                   "name": "faq", "schema": schema, "strict": True}})
            seen.append((ours, list(started)))
    finally:
        await client.close()
        await bare.close()
    return seen[-1]


def test_a_model_call_starts_no_task_the_bare_sdk_does_not(fake):
    ours, bare = asyncio.run(tasks_per_call(settings_for(fake)))
    assert ours == bare  # asyncio.wait_for ran every call in a task of its own


def test_the_overall_deadline_still_cuts_a_dripping_body(fake):
    fake.push(slow_drip(6.0), slow_drip(6.0))
    client_settings = settings_for(fake, timeout=1.0)

    async def call():
        client = ModelClient(client_settings)
        try:
            return await client.complete("faq", [{"role": "user", "content": "hi"}], BACKENDS["json_schema"].schema(FAQ.output))
        finally:
            await client.close()

    started = time.perf_counter()
    reply = asyncio.run(call())
    assert reply.fault and "no complete answer within 1s after 2 tries" in reply.problem
    assert time.perf_counter() - started < 5
