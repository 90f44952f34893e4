"""Faults a real API sends that a polite server does not, and settings that cannot
work: each a clear message and the documented exit status, never a traceback.
The real openai SDK talks over HTTP to tests/fake_openai.py throughout."""
from __future__ import annotations

import asyncio
import json
import time
from email.utils import formatdate

import openai
import pytest
from typer.testing import CliRunner

from authoring.cache import Cache
from authoring.cli import app
from authoring.llm import FatalModelError, Settings
from authoring.llm.client import retry_after
from authoring.pipeline import generate, request_key
from authoring.sections import SECTIONS
from tests.conftest import EXAMPLE, SECRET
from tests.fake_batch import FakeBatchOpenAI
from tests.fake_openai import FakeOpenAI, content, error, html_200, insufficient_quota, raw
from tests.test_batch import MODEL_SECTIONS, make_seeds, report
from tests.test_generation import FACTS, run, section_name

SLUG = "leaving-las-vegas-1995"
REASONING = "o3-mini"


def draft(tmp_path, *args):
    return CliRunner().invoke(app, ["draft", str(EXAMPLE), "--out", str(tmp_path / "out"), *map(str, args)])


def batch(*args):
    return CliRunner().invoke(app, ["batch", *map(str, args)])


def assert_clean(result, code):
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, (ValueError, AttributeError))
    assert SECRET not in result.output


# ------------------------------------------------------------------ 15. credentials in the URL

@pytest.mark.parametrize("where", ["flag", "env"])
def test_credentials_in_the_base_url_are_refused_and_never_printed(model_env, tmp_path, monkeypatch, where):
    url = f"http://user:{SECRET}@127.0.0.1:{model_env.port}/v1"
    if where == "env":
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        result = draft(tmp_path)
    else:
        result = draft(tmp_path, "--base-url", url)
    assert_clean(result, 2)
    assert "credentials" in result.output and "OPENAI_API_KEY" in result.output
    assert model_env.calls == 0 and not (tmp_path / "out").exists()


def test_a_base_url_that_is_not_http_is_refused(model_env, tmp_path):
    result = draft(tmp_path, "--base-url", "127.0.0.1:8000/v1")
    assert_clean(result, 2)
    assert "http://" in result.output and model_env.calls == 0


# ------------------------------------------------------------------ 21. a 200 that is not JSON

def test_an_html_200_is_retried_then_the_section_completes(fake):
    fake.push(html_200())
    result = run(fake, [SECTIONS["faq"]])["faq"]
    assert result.body, result.problems
    assert result.usage.calls == 2 and result.usage.retries == 1


def test_an_html_200_that_persists_fails_the_section_with_the_content_type(fake):
    fake.handler = lambda body: html_200() if section_name(body) == "faq" else None
    results = run(fake, [SECTIONS["faq"], SECTIONS["ending"]], retries=1)
    assert results["faq"].body is None
    assert "the response was not JSON (text/html) after 2 tries" in results["faq"].problems[-1]
    assert results["ending"].body


def test_an_html_200_in_draft_writes_the_page_and_names_the_fault(model_env, tmp_path, monkeypatch):
    monkeypatch.setenv("AUTHORING_RETRIES", "1")
    model_env.handler = lambda body: html_200() if section_name(body) == "faq" else None
    result = draft(tmp_path)
    assert_clean(result, 1)  # a section got no usable answer
    assert "not JSON (text/html)" in result.output
    assert (tmp_path / "out" / SLUG / "page.md").exists()


def test_a_json_200_that_is_not_a_completion_is_retried_then_named(fake):
    fake.handler = lambda body: raw(200, {"detail": "gateway says hello"})
    result = run(fake, [SECTIONS["faq"]], retries=1)["faq"]
    assert result.body is None and "JSON but not a chat completion" in result.problems[-1]


# ------------------------------------------------------------------ 22. insufficient_quota

def test_insufficient_quota_stops_draft_at_once(model_env, tmp_path, monkeypatch):
    monkeypatch.setenv("AUTHORING_RETRIES", "1")  # the old code retried, so keep its run short
    model_env.handler = lambda body: insufficient_quota()
    started = time.perf_counter()
    result = draft(tmp_path)
    assert_clean(result, 1)
    assert "quota" in result.output and "429" in result.output and "test-model" in result.output
    assert model_env.calls <= MODEL_SECTIONS  # one call per section at most: no retry
    assert not (tmp_path / "out" / SLUG / "page.md").exists()
    assert time.perf_counter() - started < 10


def test_insufficient_quota_raises_fatal_from_the_client(fake):
    fake.push(insufficient_quota())
    with pytest.raises(FatalModelError, match="insufficient_quota"):
        run(fake, [SECTIONS["faq"]])
    assert fake.calls == 1


def test_insufficient_quota_stops_the_batch(model_env, tmp_path, monkeypatch):
    monkeypatch.setenv("AUTHORING_RETRIES", "1")
    make_seeds(tmp_path / "seeds", 6)
    model_env.handler = lambda body: insufficient_quota()
    out = tmp_path / "out"
    result = batch(tmp_path / "seeds", "--out", out, "--concurrency", "4")
    assert_clean(result, 1)
    assert "stopped" in result.output and "quota" in result.output
    assert report(out)["status"] == "stopped"
    assert model_env.calls <= 4 + MODEL_SECTIONS  # no retries, no further titles


# ------------------------------------------------------------------ 23. Retry-After forms

def test_retry_after_ms_is_honoured(fake):
    fake.push(error(429, "slow down", headers={"retry-after-ms": "2500"}))
    started = time.perf_counter()
    assert run(fake, [SECTIONS["faq"]])["faq"].body
    assert time.perf_counter() - started >= 2.4  # the backoff alone waits at most 1.5 s


def test_retry_after_as_an_http_date_is_honoured(fake):
    fake.push(error(429, "slow down", headers={"Retry-After": formatdate(time.time() + 4, usegmt=True)}))
    started = time.perf_counter()
    assert run(fake, [SECTIONS["faq"]])["faq"].body
    assert time.perf_counter() - started >= 2.5  # whole seconds: 3 to 4 s from now


def _rate_limited(headers: dict) -> openai.RateLimitError:
    import httpx2
    request = httpx2.Request("POST", "http://127.0.0.1/v1/chat/completions")
    return openai.RateLimitError("slow down", response=httpx2.Response(429, headers=headers, request=request),
                                 body=None)


@pytest.mark.parametrize("headers, low, high", [
    ({"retry-after": "3600"}, 60, 60),                                     # capped as before
    ({"retry-after-ms": "250", "retry-after": "9"}, 0.25, 0.25),          # ms wins
    ({"retry-after-ms": "soon", "retry-after": "2"}, 2, 2),                # a bad ms falls back
    ({"retry-after": formatdate(time.time() - 60, usegmt=True)}, 0, 0),    # a date in the past
    ({"retry-after": "Tomorrow at noon"}, 0, 0),
    ({"retry-after": "nan"}, 0, 0),
    ({}, 0, 0),
])
def test_retry_after_forms(headers, low, high):
    assert low <= retry_after(_rate_limited(headers)) <= high


# ------------------------------------------------------------------ 24. reasoning models

@pytest.fixture
def reasoning():
    with FakeOpenAI(models=("test-model",), reasoning_models=(REASONING,)) as server:
        yield server


def test_the_fake_rejects_what_openai_rejects_for_reasoning_models(reasoning):
    client = openai.OpenAI(base_url=reasoning.base_url, api_key="sk-test", max_retries=0)
    messages = [{"role": "user", "content": "hi"}]
    with pytest.raises(openai.BadRequestError) as exc:
        client.chat.completions.create(model=REASONING, messages=messages, max_tokens=10)
    assert exc.value.code == "unsupported_parameter" and exc.value.param == "max_tokens"
    with pytest.raises(openai.BadRequestError) as exc:
        client.chat.completions.create(model=REASONING, messages=messages, max_completion_tokens=10, temperature=0.7)
    assert exc.value.code == "unsupported_value" and exc.value.param == "temperature"
    ok = client.chat.completions.create(model=REASONING, messages=messages, max_completion_tokens=10, temperature=1)
    assert ok.choices[0].message.content
    assert client.chat.completions.create(model="test-model", messages=messages, max_tokens=10, temperature=0.7)
    client.close()


def test_a_reasoning_model_gets_max_completion_tokens_and_no_temperature(reasoning):
    results = run(reasoning, [SECTIONS["faq"], SECTIONS["ending"]], model=REASONING)
    assert all(r.body for r in results.values()), [r.problems for r in results.values()]
    for body in reasoning.chat_requests:
        assert "max_tokens" not in body and "temperature" not in body and body["max_completion_tokens"] > 0


def test_other_models_keep_max_tokens_and_temperature(fake):
    assert run(fake, [SECTIONS["faq"]])["faq"].body
    body = fake.chat_requests[0]
    assert body["max_tokens"] == SECTIONS["faq"].max_tokens and body["temperature"] == 0.7


@pytest.mark.parametrize("env, sent, absent", [
    ({"AUTHORING_TOKENS_PARAM": "max_completion_tokens"}, {"temperature": 0.7}, "max_tokens"),
    ({"AUTHORING_TEMPERATURE": "default"}, {"max_tokens": SECTIONS["faq"].max_tokens}, "temperature"),
    ({"AUTHORING_TEMPERATURE": "0.2"}, {"temperature": 0.2}, "max_completion_tokens"),
])
def test_sampling_settings_from_the_environment(fake, monkeypatch, env, sent, absent):
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    settings = Settings.from_env(base_url=fake.base_url, api_key=SECRET, model="test-model", timeout=2.0)
    assert asyncio.run(generate(FACTS, settings, [SECTIONS["faq"]], Cache(None)))["faq"].body
    body = fake.chat_requests[0]
    assert body.items() >= sent.items() and absent not in body


def test_the_cache_key_follows_the_sampling_sent():
    section, messages, schema = SECTIONS["faq"], [{"role": "user", "content": "x"}], {"type": "object"}
    keys = {request_key(Settings(base_url="http://h/v1", model=model, **kw), "json_schema", section, messages, schema)
            for model, kw in [("test-model", {}), ("test-model", {"temperature": 0.2}),
                              ("test-model", {"temperature": "default"}),
                              ("test-model", {"tokens_param": "max_completion_tokens"})]}
    assert len(keys) == 4
    # an ordinary model's key is what it was before the sampling table: old caches still answer
    old = Cache.key(model="test-model", backend="json_schema@http://h/v1", messages=messages, schema=schema,
                    temperature=0.7, max_tokens=section.max_tokens)
    assert request_key(Settings(base_url="http://h/v1", model="test-model"), "json_schema", section, messages,
                       schema) == old


def test_the_batch_api_sends_a_reasoning_model_the_same_parameters(tmp_path, monkeypatch):
    with FakeBatchOpenAI(models=("test-model",), reasoning_models=(REASONING,), batch_steps=2) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", SECRET)
        monkeypatch.setenv("AUTHORING_MODEL", REASONING)
        monkeypatch.setenv("AUTHORING_BATCH_POLL", "0.01")
        for var in ("AUTHORING_MODE", "AUTHORING_CONCURRENCY", "AUTHORING_ATTEMPTS"):
            monkeypatch.delenv(var, raising=False)
        make_seeds(tmp_path / "seeds", 2)
        out = tmp_path / "out"
        result = batch(tmp_path / "seeds", "--out", out, "--batch-api")
        assert_clean(result, 0)
        # every answer came from the batch, filed under the keys the direct pass then asked with
        assert server.batch_calls == 2 * MODEL_SECTIONS and server.calls == 0
        for body in server.batch_bodies:
            assert "max_tokens" not in body and "temperature" not in body and body["max_completion_tokens"] > 0


# ------------------------------------------------------------------ settings that cannot work

@pytest.mark.parametrize("var, value", [
    ("AUTHORING_PRICE_IN", "inf"), ("AUTHORING_PRICE_OUT", "nan"), ("AUTHORING_PRICE_IN", "-1"),
    ("AUTHORING_ATTEMPTS", "0"), ("AUTHORING_CONCURRENCY", "0"), ("AUTHORING_TIMEOUT", "0"),
    ("AUTHORING_TIMEOUT", "inf"), ("AUTHORING_MAX_TOKENS", "0"), ("AUTHORING_SECTION_TOKENS", "-5"),
    ("AUTHORING_RETRIES", "-1"), ("AUTHORING_RETRY_SECONDS", "-1"), ("AUTHORING_ATTEMPTS", "2.5"),
    ("AUTHORING_TEMPERATURE", "5"), ("AUTHORING_TEMPERATURE", "warm"), ("AUTHORING_TOKENS_PARAM", "max_length"),
])
def test_a_setting_that_cannot_work_exits_2_naming_it(model_env, tmp_path, monkeypatch, var, value):
    monkeypatch.setenv(var, value)
    result = draft(tmp_path)
    assert_clean(result, 2)
    assert var in result.output
    assert model_env.calls == 0 and not (tmp_path / "out").exists()


def test_a_finite_price_still_costs_the_draft(model_env, tmp_path, monkeypatch):
    monkeypatch.setenv("AUTHORING_PRICE_IN", "0.15")
    monkeypatch.setenv("AUTHORING_PRICE_OUT", "0")
    assert_clean(draft(tmp_path), 0)
    manifest = json.loads((tmp_path / "out" / SLUG / "manifest.json").read_text())
    costs = [s["cost_usd"] for s in manifest["sections"].values() if s.get("cost_usd") is not None]
    assert costs and all(c > 0 for c in costs)


# ------------------------------------------------------------------ a reply that is not JSON at all

def test_a_reply_that_is_not_json_is_called_that(fake):
    fake.push(content("Sure! Here are some questions about the film."))
    result = run(fake, [SECTIONS["faq"]])["faq"]
    assert result.body and result.attempts == 2
    assert result.problems[0].startswith("attempt 1: the reply is not valid JSON: ")
    assert "does not fit the facts" not in result.problems[0]


def test_a_sampling_parameter_the_model_refuses_names_the_setting(reasoning, tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", reasoning.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("AUTHORING_MODEL", REASONING)
    monkeypatch.setenv("AUTHORING_TEMPERATURE", "0.7")  # forced on a model that takes none
    result = draft(tmp_path)
    assert_clean(result, 1)
    assert "400" in result.output and "AUTHORING_TEMPERATURE" in result.output and "temperature" in result.output
