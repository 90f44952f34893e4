"""The fake OpenAI server, driven by the real openai SDK over HTTP."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel, Field

openai = pytest.importorskip("openai")

from tests.fake_openai import (  # noqa: E402
    LOREM, FakeOpenAI, content, default, delay, drop, error, example_for, hang, invalid_json_200,
    json_content, raw, refusal, slow_drip, tool_call, truncated,
)

ROOT = Path(__file__).resolve().parents[1]
MESSAGES = [{"role": "system", "content": "You write film pages."},
            {"role": "user", "content": "Write the overview."}]


@pytest.fixture
def server():
    with FakeOpenAI() as s:
        yield s


def client_for(server: FakeOpenAI, **kw) -> "openai.OpenAI":
    kw.setdefault("max_retries", 0)
    kw.setdefault("timeout", 10)
    return openai.OpenAI(base_url=server.base_url, api_key="sk-test", **kw)


def ask(client, **kw):
    kw.setdefault("model", "test-model")
    kw.setdefault("messages", MESSAGES)
    return client.chat.completions.create(**kw)


class Award(BaseModel):
    award: str = Field(min_length=3, max_length=40)
    result: Literal["won", "nominated"]
    year: int = Field(ge=1929, le=2100)


class Page(BaseModel):
    title: str = Field(min_length=1, max_length=10)
    paragraphs: list[str] = Field(min_length=2)
    awards: list[Award] = Field(min_length=1)
    rating: float = Field(gt=0, le=10)
    note: str | None = None


# ------------------------------------------------------------ plain replies

def test_plain_reply_and_request_recording(server):
    server.push(content("Hello there.", usage={"prompt_tokens": 12, "completion_tokens": 3}))
    reply = ask(client_for(server), temperature=0.2)
    assert reply.object == "chat.completion"
    assert reply.id.startswith("chatcmpl-")
    assert reply.model == "test-model"
    assert reply.choices[0].message.role == "assistant"
    assert reply.choices[0].message.content == "Hello there."
    assert reply.choices[0].finish_reason == "stop"
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens, reply.usage.total_tokens) == (12, 3, 15)

    [request] = server.requests
    assert request.method == "POST" and request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-test"
    assert request.header("Content-Type").startswith("application/json")
    assert request.body["messages"] == MESSAGES
    assert request.body["temperature"] == 0.2
    assert server.calls == 1 and server.chat_requests == [request.body] and server.pending == 0


def test_default_reply_is_lorem_with_estimated_usage(server):
    reply = ask(client_for(server))
    assert reply.choices[0].message.content == LOREM
    assert reply.usage.prompt_tokens > 0 and reply.usage.completion_tokens > 0
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens


def test_scripted_queue_then_handler_then_default():
    seen = []

    def handler(body):
        seen.append(body["messages"][-1]["content"])
        return "from handler" if len(seen) == 1 else None

    with FakeOpenAI(handler, replies=[content("first"), lambda body: content(body["model"])]) as server:
        client = client_for(server)
        answers = [ask(client, model=f"m{i}").choices[0].message.content for i in range(4)]
    assert answers == ["first", "m1", "from handler", LOREM]
    assert seen == ["Write the overview."] * 2


def test_handler_exception_becomes_500_and_is_kept(server):
    server.handler = lambda body: 1 / 0
    with pytest.raises(openai.InternalServerError) as info:
        ask(client_for(server))
    assert "ZeroDivisionError" in info.value.message
    assert isinstance(server.errors[0], ZeroDivisionError)


def test_models_endpoint():
    with FakeOpenAI(models=["smollm2", "other"]) as server:
        client = client_for(server)
        assert [m.id for m in client.models.list()] == ["smollm2", "other"]
        assert client.models.retrieve("smollm2").id == "smollm2"
        with pytest.raises(openai.NotFoundError):
            client.models.retrieve("missing")
        assert server.count("/models") == 1


# ------------------------------------------------------ structured replies

def test_json_schema_reply_is_valid_for_the_schema(server):
    schema = Page.model_json_schema()
    reply = ask(client_for(server), response_format={
        "type": "json_schema", "json_schema": {"name": "page", "schema": schema, "strict": False}})
    page = Page.model_validate_json(reply.choices[0].message.content)
    assert len(page.paragraphs) == 2 and page.awards[0].result == "won" and 0 < page.rating <= 10
    assert server.last.body["response_format"]["json_schema"]["schema"] == schema


def test_json_object_with_schema_key(server):
    schema = Award.model_json_schema()
    reply = ask(client_for(server), response_format={"type": "json_object", "schema": schema})
    Award.model_validate_json(reply.choices[0].message.content)
    reply = ask(client_for(server), response_format={"type": "json_object"})
    assert json.loads(reply.choices[0].message.content) == {}


def test_sdk_parse_helper_gets_a_valid_object(server):
    client = client_for(server)
    parse = getattr(client.chat.completions, "parse", None)
    if parse is None:  # older SDKs keep it under beta
        parse = client.beta.chat.completions.parse
    class Small(BaseModel):  # strict structured outputs: every field required
        title: str
        year: int
        genres: list[str]
    reply = parse(model="m", messages=MESSAGES, response_format=Small)
    assert isinstance(reply.choices[0].message.parsed, Small)
    assert server.last.body["response_format"]["type"] == "json_schema"


def test_json_content_helper(server):
    server.push(json_content({"title": "Vegas", "n": [1, 2]}))
    assert json.loads(ask(client_for(server)).choices[0].message.content) == {"title": "Vegas", "n": [1, 2]}


def test_tool_call_reply(server):
    tools = [{"type": "function", "function": {"name": "other", "parameters": {"type": "object"}}},
             {"type": "function", "function": {"name": "write_page", "parameters": Page.model_json_schema()}}]
    reply = ask(client_for(server), tools=tools,
                tool_choice={"type": "function", "function": {"name": "write_page"}})
    [call] = reply.choices[0].message.tool_calls
    assert reply.choices[0].finish_reason == "tool_calls"
    assert call.type == "function" and call.function.name == "write_page"
    Page.model_validate_json(call.function.arguments)
    assert server.last.body["tools"] == tools

    server.push(tool_call("other", {"x": 1}))
    reply = ask(client_for(server), tools=tools)
    assert json.loads(reply.choices[0].message.tool_calls[0].function.arguments) == {"x": 1}
    assert reply.choices[0].message.content is None


def test_truncated_and_refusal(server):
    server.push(truncated('{"title": "Leav'), refusal("I can't help with that."))
    client = client_for(server)
    cut = ask(client)
    assert cut.choices[0].finish_reason == "length" and cut.choices[0].message.content == '{"title": "Leav'
    no = ask(client).choices[0].message
    assert no.content is None and no.refusal == "I can't help with that."


def test_streaming(server):
    server.push(content("A fairly long answer, streamed in pieces."))
    stream = ask(client_for(server), stream=True)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert text == "A fairly long answer, streamed in pieces."


# ------------------------------------------------------------------ errors

def test_rate_limit_with_retry_after(server):
    server.push(error(429, "Rate limit reached", headers={"Retry-After": "7"}))
    with pytest.raises(openai.RateLimitError) as info:
        ask(client_for(server))
    exc = info.value
    assert exc.status_code == 429
    assert exc.response.headers["retry-after"] == "7"
    assert exc.body["message"] == "Rate limit reached" and exc.code == "rate_limit_exceeded"


@pytest.mark.parametrize("status, exc_type", [
    (400, "BadRequestError"), (401, "AuthenticationError"), (403, "PermissionDeniedError"),
    (404, "NotFoundError"), (500, "InternalServerError"), (503, "InternalServerError")])
def test_error_statuses_map_to_sdk_errors(server, status, exc_type):
    server.push(error(status, f"status {status}"))
    with pytest.raises(getattr(openai, exc_type)) as info:
        ask(client_for(server))
    assert info.value.status_code == status and f"status {status}" in info.value.message


def test_sdk_retries_honour_retry_after(server):
    server.push(error(429, "busy", headers={"Retry-After": "0"}), error(503, "overloaded"), content("done"))
    assert ask(client_for(server, max_retries=2)).choices[0].message.content == "done"
    assert server.calls == 3


def test_hang_times_out_and_server_still_closes_quickly():
    server = FakeOpenAI(replies=[hang()])
    try:
        started = time.monotonic()
        with pytest.raises(openai.APITimeoutError):
            ask(client_for(server, timeout=0.5))
        assert time.monotonic() - started < 5
        assert server.in_flight == 1  # still hanging on the server side
    finally:
        started = time.monotonic()
        server.close()
        assert time.monotonic() - started < 2


def test_close_cuts_a_hanging_request_off():
    server = FakeOpenAI(replies=[hang()])
    errors = []

    async def main():
        async def call():
            try:
                await openai.AsyncOpenAI(base_url=server.base_url, api_key="k", max_retries=0,
                                         timeout=30).chat.completions.create(model="m", messages=MESSAGES)
            except openai.APIConnectionError as exc:
                errors.append(exc)
        task = asyncio.create_task(call())
        while server.in_flight == 0:
            await asyncio.sleep(0.01)
        started = time.monotonic()
        await asyncio.to_thread(server.close)
        await asyncio.wait_for(task, 5)
        return time.monotonic() - started

    assert asyncio.run(main()) < 3
    assert len(errors) == 1


def test_drop_raises_connection_error(server):
    server.push(drop())
    with pytest.raises(openai.APIConnectionError) as info:
        ask(client_for(server))
    assert not isinstance(info.value, openai.APITimeoutError)
    assert ask(client_for(server)).choices[0].message.content == LOREM  # server still serves


def test_invalid_json_200(server):
    server.push(invalid_json_200())
    with pytest.raises((ValueError, openai.APIError)):
        ask(client_for(server))


def test_raw_reply(server):
    server.push(raw(502, "<html>Bad gateway</html>"))
    with pytest.raises(openai.APIStatusError) as info:
        ask(client_for(server))
    assert info.value.status_code == 502


# ------------------------------------------------------- timing and load

def test_delay_and_slow_drip(server):
    server.push(delay(0.3, content("late")), slow_drip(0.4, content("dripping slowly, a few bytes at a time")),
                content("x").delay(0.2).slow_drip(0.2))
    client = client_for(server)
    for expected, least in [("late", 0.3), ("dripping slowly, a few bytes at a time", 0.4), ("x", 0.4)]:
        started = time.monotonic()
        assert ask(client).choices[0].message.content == expected
        assert time.monotonic() - started >= least * 0.9


def test_slow_drip_beats_per_read_timeouts_but_not_an_overall_deadline(server):
    # httpx timeouts apply to each read: a body dripping in never trips them,
    # so callers need an overall deadline (asyncio.wait_for) as well.
    server.push(slow_drip(1.0), slow_drip(5.0))
    started = time.monotonic()
    assert ask(client_for(server, timeout=0.3)).choices[0].message.content == LOREM
    assert time.monotonic() - started >= 0.9

    async def main():
        client = openai.AsyncOpenAI(base_url=server.base_url, api_key="k", max_retries=0, timeout=0.3)
        await asyncio.wait_for(client.chat.completions.create(model="m", messages=MESSAGES), 0.5)

    started = time.monotonic()
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(main())
    assert time.monotonic() - started < 2


def test_default_reply_with_delay(server):
    server.push(default().delay(0.2))
    started = time.monotonic()
    assert ask(client_for(server)).choices[0].message.content == LOREM
    assert time.monotonic() - started >= 0.18


def test_latency_and_concurrency_with_async_client():
    with FakeOpenAI(latency=0.3) as server:
        async def main():
            client = openai.AsyncOpenAI(base_url=server.base_url, api_key="k", max_retries=0, timeout=10)
            started = time.monotonic()
            replies = await asyncio.gather(*[
                client.chat.completions.create(model="m", messages=[{"role": "user", "content": str(i)}])
                for i in range(10)])
            return replies, time.monotonic() - started

        replies, elapsed = asyncio.run(main())
        assert len(replies) == 10 and all(r.choices[0].message.content == LOREM for r in replies)
        assert 0.3 <= elapsed < 2.5  # in parallel, not 10 x 0.3 s
        assert server.calls == 10 and server.in_flight == 0 and server.max_in_flight >= 5
        assert sorted(b["messages"][0]["content"] for b in server.chat_requests) == [str(i) for i in range(10)]
        server.reset()
        assert server.calls == 0 and server.requests == []


def test_unknown_path_is_a_404_json_error(server):
    import urllib.error
    import urllib.request
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{server.base_url}/embeddings", data=b"{}", timeout=5)
    assert info.value.code == 404
    assert "error" in json.loads(info.value.read())


def test_command_line_entry_point():
    proc = subprocess.Popen([sys.executable, "-m", "tests.fake_openai", "--port", "0", "--latency", "0.05"],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        line = proc.stdout.readline()
        base_url = line.split()[3]
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        client = openai.OpenAI(base_url=base_url, api_key="k", max_retries=0, timeout=10)
        assert client.chat.completions.create(model="m", messages=MESSAGES).choices[0].message.content == LOREM
    finally:
        proc.terminate()
        assert proc.wait(timeout=5) == 0
        proc.stdout.close()


# ---------------------------------------------------------------- example_for

def test_example_for_refs_and_bounds():
    schema = {
        "$defs": {
            "Name": {"type": "string", "minLength": 30, "maxLength": 35},
            "Item": {"type": "object", "required": ["name", "kind", "n"],
                     "properties": {"name": {"$ref": "#/$defs/Name"}, "kind": {"enum": ["b", "a"]},
                                    "n": {"type": "integer", "exclusiveMinimum": 4, "maximum": 9},
                                    "optional": {"type": "string"}}},
        },
        "type": "object",
        "required": ["items", "code", "score", "flag", "when", "maybe"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}, "minItems": 2},
            "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "score": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
            "flag": {"type": "boolean"},
            "when": {"type": "string", "format": "date"},
            "maybe": {"anyOf": [{"type": "null"}, {"type": "integer", "minimum": 3}]},
            "short": {"type": "string", "maxLength": 5},
        },
    }
    out = example_for(schema)
    assert set(out) == {"items", "code", "score", "flag", "when", "maybe"}
    assert len(out["items"]) == 2
    item = out["items"][0]
    assert 30 <= len(item["name"]) <= 35 and item["name"].startswith("Lorem ipsum")
    assert item["kind"] == "b" and item["n"] == 5 and "optional" not in item
    assert out["code"] == "AAA" and 0 < out["score"] < 1 and out["when"] == "2000-01-01" and out["maybe"] == 3
    assert example_for({"type": "string", "maxLength": 5}) == "Lorem"
    assert example_for({"type": "array", "items": {"type": "integer"}, "minItems": 3, "uniqueItems": True}) \
        == [0, 1, 2]


def test_example_for_pydantic_and_facts_schemas():
    from authoring.facts import Facts, export_schema
    Page.model_validate(example_for(Page.model_json_schema()))
    facts = Facts.model_validate(example_for(export_schema()))
    assert facts.title == LOREM and 1870 <= facts.year <= 2100


def test_example_for_recursive_schema_terminates():
    schema = {"$defs": {"Node": {"type": "object", "required": ["child"],
                                 "properties": {"child": {"$ref": "#/$defs/Node"}}}},
              "$ref": "#/$defs/Node"}
    out = example_for(schema)
    depth = 0
    while isinstance(out, dict):
        out, depth = out["child"], depth + 1
    assert depth > 3
