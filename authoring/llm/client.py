"""The one model boundary: every path (draft, batch workers, the Batch API pass,
the judge) opens its client here, builds its request body here and has its reply
judged by the backend; the one place transient faults are retried."""
from __future__ import annotations

import asyncio
import contextvars
import json
import math
import time
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import AsyncIterator, Protocol

import openai
from openai.types.chat import ChatCompletion
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, stop_after_delay, wait_exponential_jitter

from .config import Settings
from .reply import Reply, Usage

# TimeoutError: our own deadline on a whole call (a body that drips slowly never
# trips the SDK's per-read timeout); JSONDecodeError: a 200 whose body is not JSON;
# APIResponseValidationError: a 200 that is no completion (a proxy's HTML page)
TRANSIENT = (openai.APITimeoutError, openai.APIConnectionError, openai.RateLimitError,
             openai.InternalServerError, openai.APIResponseValidationError, json.JSONDecodeError, TimeoutError)


class FatalModelError(RuntimeError):
    """A fault no retry can fix (bad request, key, permission, unknown model, no quota)."""


# 429s that say the account is out of credit: no wait makes them pass
PERMANENT_429 = ("insufficient_quota",)


class Model(Protocol):
    """What the pipeline asks of a model client. ModelClient is one; so are the
    stand-ins that wrap or replace it (batch.workers.CountingClient, the Batch
    API's request recorder). Closing is the opener's (open_client)."""

    async def complete(self, name: str, messages: list[dict], schema: dict,
                       max_tokens: int | None = None) -> Reply: ...


def request(settings: Settings, name: str, messages: list[dict], schema: dict,
            max_tokens: int | None = None) -> dict:
    """The chat.completions body of one request, as sent directly or written into a
    Batch API file; `schema` as the backend adapted it."""
    max_tokens = min(max_tokens or settings.max_tokens, settings.max_tokens)
    return {"model": settings.model, "messages": messages, **settings.sampling(max_tokens),
            **settings.backend.request(name, schema)}


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code == 429 and (exc.code in PERMANENT_429 or exc.type in PERMANENT_429):
            return False
        return exc.status_code in (408, 409, 429) or exc.status_code >= 500
    return isinstance(exc, TRANSIENT)


def retry_after(exc: BaseException | None, cap: float = 60.0) -> float:
    """The wait a fault's response asks for, in seconds, at most `cap`: OpenAI's
    `retry-after-ms`, else `Retry-After` as seconds or as an HTTP date."""
    response = getattr(exc, "response", None)
    if response is None:
        return 0.0
    seconds = None
    try:
        if value := response.headers.get("retry-after-ms"):
            seconds = float(value) / 1000
    except ValueError:
        pass
    value = response.headers.get("retry-after")
    if seconds is None and value:
        try:
            seconds = float(value)
        except ValueError:
            try:
                when = parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError):
                return 0.0
            when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
            seconds = (when - datetime.now(timezone.utc)).total_seconds()
    if seconds is None or not math.isfinite(seconds):
        return 0.0
    return min(cap, max(0.0, seconds))


# The last HTTP response of the running task, kept by the client's response hook:
# a 200 that is not a completion is rare, and only then are its headers read
_response: contextvars.ContextVar = contextvars.ContextVar("authoring_response")


async def _keep_response(response) -> None:
    _response.set(response)


def completion(parsed) -> ChatCompletion:
    """The chat completion in a 200, or APIResponseValidationError (retried) when the
    body is something else: the SDK hands back a proxy's HTML page as a plain str."""
    if isinstance(parsed, ChatCompletion) and isinstance(getattr(parsed, "choices", None), list):
        return parsed
    response = _response.get()
    if isinstance(parsed, str):
        kind = response.headers.get("content-type", "").split(";")[0].strip() or "no content type"
        message = f"the response was not JSON ({kind})"
    else:
        message = "the response was JSON but not a chat completion"
    raise openai.APIResponseValidationError(response, None, message=message)


def _poster(client: openai.AsyncOpenAI):
    """`chat.completions.create` for the bodies `request` builds, through the SDK's
    documented way of making a request it has no typed method for (`client.post`): the
    same client, auth, headers and aiohttp, without `create`'s typed transform of its
    arguments, which walked the whole JSON schema on every call (about half the SDK's
    CPU per call) and changes nothing in these plain JSON bodies (tests/test_bench_fixes.py)."""
    async def create(**body):
        return await client.post("/chat/completions", body=body, cast_to=ChatCompletion)
    return create


class ModelClient:
    """The openai SDK with our retries and deadline; a run gets one from open_client."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.backend = settings.backend
        # aiohttp under the SDK (its documented option): a call costs 1.6 ms of CPU
        # against httpx's 2.0 ms, whose pool scans every connection on each request
        self.client = openai.AsyncOpenAI(base_url=settings.base_url, api_key=settings.api_key or "not-needed",
                                         timeout=settings.timeout, max_retries=0,
                                         http_client=openai.DefaultAioHttpClient(
                                             timeout=settings.timeout, event_hooks={"response": [_keep_response]}))
        self._create = _poster(self.client)
        backoff = wait_exponential_jitter(multiplier=0.5, max=10)
        self._wait = lambda state: max(backoff(state), retry_after(state.outcome.exception()))
        self._tokens_field = settings.tokens_field  # settings are frozen: read once, not matched per call

    async def close(self) -> None:
        await self.client.close()

    async def complete(self, name: str, messages: list[dict], schema: dict, max_tokens: int | None = None) -> Reply:
        s = self.settings
        body = request(s, name, messages, schema, max_tokens)
        usage = Usage()
        started = time.perf_counter()
        try:
            response = await self._call(body, usage)
        except Exception as exc:
            usage.retries = usage.calls - 1
            if is_transient(exc):
                return Reply(None, usage, describe_transient(exc, s) + f" after {usage.calls} tries", fault=True)
            if isinstance(exc, openai.APIStatusError):
                raise FatalModelError(self.describe(exc)) from None
            raise
        finally:
            usage.seconds = time.perf_counter() - started
        usage.retries = usage.calls - 1
        return self.backend.reply(response, usage, self._tokens_field, body[self._tokens_field])

    async def _call(self, body: dict, usage: Usage) -> ChatCompletion:
        """The call, retried on a transient fault: exponential backoff with jitter, or the
        wait the server asks for, whichever is longer; bounded in attempts and in time."""
        s = self.settings
        async for attempt in AsyncRetrying(retry=retry_if_exception(is_transient), wait=self._wait, reraise=True,
                                           stop=stop_after_attempt(s.retries + 1) | stop_after_delay(s.retry_seconds)):
            with attempt:
                usage.calls += 1
                # asyncio.timeout, not wait_for: on 3.11 wait_for runs the call in a task
                # of its own, a task and its callbacks more per call (bench/draft_bench.py)
                async with asyncio.timeout(s.timeout):
                    parsed = await self._create(**body)
                return completion(parsed)

    def describe(self, exc: openai.APIStatusError) -> str:
        hint = {400: "the server rejected the request (is the structured-output mode right? try --mode)",
                401: "the API key was not accepted (check OPENAI_API_KEY)",
                403: "the API key may not use this model",
                404: "no such model or endpoint (check --model / --base-url)",
                429: "the account has no quota left (insufficient_quota); add credit or use another key, "
                     "retrying will not help"}
        if exc.status_code == 400 and getattr(exc, "param", None) in ("temperature", "max_tokens",
                                                                       "max_completion_tokens"):
            hint[400] = (f"the model does not take `{exc.param}` as sent (set AUTHORING_TOKENS_PARAM or "
                         "AUTHORING_TEMPERATURE; see the settings table in README)")
        detail = ""
        try:
            detail = exc.body.get("message", "") if isinstance(exc.body, dict) else str(exc.body or "")
        except Exception:
            pass
        detail = detail.replace(self.settings.api_key, "***") if self.settings.api_key else detail
        return (f"model server {self.settings.endpoint} answered {exc.status_code} for model "
                f"{self.settings.model!r}: {hint.get(exc.status_code, 'request failed')}"
                + (f" ({detail[:300]})" if detail else ""))


def describe_transient(exc: BaseException, settings: Settings) -> str:
    kind = {openai.APITimeoutError: f"no answer within {settings.timeout:g}s",
            TimeoutError: f"no complete answer within {settings.timeout:g}s",
            openai.APIConnectionError: "could not connect", openai.RateLimitError: "rate limited (429)"}
    if type(exc.__cause__).__name__ in ("ConnectError", "ConnectTimeout"):  # aiohttp's refusal is a ConnectTimeout
        return f"{settings.endpoint}: could not connect"
    for cls, text in kind.items():
        if isinstance(exc, cls):
            return f"{settings.endpoint}: {text}"
    if isinstance(exc, openai.APIResponseValidationError):
        return f"{settings.endpoint}: {exc.message}"
    if isinstance(exc, json.JSONDecodeError):
        return f"{settings.endpoint}: the response body was not valid JSON"
    status = getattr(exc, "status_code", None)
    return f"{settings.endpoint}: {'server error ' + str(status) if status else type(exc).__name__}"


@asynccontextmanager
async def open_client(settings: Settings) -> AsyncIterator[ModelClient]:
    """The model client of one run, closed when the run ends: the only way any path gets one."""
    client = ModelClient(settings)
    try:
        yield client
    finally:
        await client.close()
