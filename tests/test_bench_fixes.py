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


def test_the_request_body_is_what_the_sdks_create_would_send():
    """ModelClient posts the body as built, skipping the SDK's typed transform of
    create()'s arguments: that transform must change nothing in any body we build."""
    from openai._utils import async_maybe_transform
    from openai.types.chat.completion_create_params import CompletionCreateParamsNonStreaming

    from authoring import prompting
    from authoring.facts import load_facts
    from authoring.llm.client import request
    from authoring.sections import plan
    from pathlib import Path

    facts = load_facts(Path(__file__).resolve().parents[1] / "examples" / "leaving-las-vegas.yaml").facts
    for mode in BACKENDS:
        settings = Settings(base_url="http://127.0.0.1:1/v1", model="test-model", mode=mode)
        for section in (s for s in plan(facts)[0] if s.output):
            messages = prompting.messages(section, facts)
            messages = messages + [{"role": "assistant", "content": "{}"}, {"role": "user", "content": "again"}]
            body = request(settings, section.id, messages, settings.backend.schema(section.output, section.sizes(facts)))
            sent = asyncio.run(async_maybe_transform(body, CompletionCreateParamsNonStreaming))
            assert sent == body, (mode, section.id)
