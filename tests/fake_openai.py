"""A fake OpenAI-compatible model server for tests and benchmarks.

The real `openai` SDK (OpenAI and AsyncOpenAI) talks to it over real HTTP on
127.0.0.1; nothing in the SDK is patched. Standard library only.

    from tests.fake_openai import FakeOpenAI, content, json_content, error, hang

    with FakeOpenAI() as server:                      # default: schema-valid answers
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        server.push(content("hello"), error(429, "slow down", headers={"Retry-After": "1"}))
        ...
        assert server.requests[-1].body["model"] == "m"

What answers a POST /v1/chat/completions, in order:
  1. the next scripted reply pushed with `push(...)` / `replies=[...]` (FIFO);
     an entry may also be a callable `(body) -> Reply` used for that one request;
  2. else `handler(body)` when one is set (returning a Reply, a str for plain
     content, or None for the default answer);
  3. else the default responder, `default_reply(body)`: a tool call with
     example arguments when `tools` are given, a JSON instance of the
     `response_format` schema (json_schema, or json_object with a "schema" key),
     otherwise "Lorem ipsum dolor sit amet.".

Reply helpers: content, json_content, tool_call, error, raw, default, drop,
hang, slow_drip, invalid_json_200, html_200, insufficient_quota, truncated,
refusal, delay. Every Reply has
`.delay(seconds)` (answer after a pause) and `.slow_drip(seconds)` (headers at
once, then the body a few bytes at a time over `seconds`).

`FakeOpenAI(reasoning_models=("o3-mini",))` answers those models as OpenAI does
its reasoning models: a 400 for `max_tokens` (they take `max_completion_tokens`)
and for a temperature other than 1, before any scripted reply is used.

Out of process: `python -m tests.fake_openai --port 8099 --latency 0.2`.
"""
from __future__ import annotations

import argparse
import copy
import dataclasses
import itertools
import json
import math
import re
import socket
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterable

__all__ = [
    "FakeOpenAI", "Reply", "Request", "LOREM",
    "content", "json_content", "tool_call", "error", "raw", "default", "drop", "hang",
    "slow_drip", "invalid_json_200", "html_200", "insufficient_quota", "truncated", "refusal", "delay",
    "default_reply", "example_for",
]

LOREM = "Lorem ipsum dolor sit amet."
DEFAULT_MODEL = "fake-model"


# ------------------------------------------------------------------ replies

@dataclass(frozen=True)
class Reply:
    """What the server does for one request.

    kind: "completion" (a ChatCompletion built from message/finish_reason/usage),
    "raw" (status + body as given), "default" (whatever the default responder
    says), "drop" (close the connection, no response) or "hang" (never answer).
    """
    kind: str = "completion"
    status: int = 200
    message: dict | None = None
    finish_reason: str = "stop"
    usage: dict | None = None
    body: Any = None  # raw: dict/list (sent as JSON), str or bytes (sent as is)
    headers: dict = field(default_factory=dict)
    delay_s: float = 0.0
    drip_s: float | None = None

    def delay(self, seconds: float) -> "Reply":
        """The same reply, sent after `seconds` (on top of the server latency)."""
        return dataclasses.replace(self, delay_s=float(seconds))

    def slow_drip(self, seconds: float) -> "Reply":
        """The same reply, its body sent a few bytes at a time over `seconds`."""
        return dataclasses.replace(self, drip_s=float(seconds))

    def with_headers(self, **headers: str) -> "Reply":
        """Extra response headers; underscores in names become dashes."""
        merged = dict(self.headers)
        merged.update({k.replace("_", "-"): str(v) for k, v in headers.items()})
        return dataclasses.replace(self, headers=merged)


def _usage(usage) -> dict | None:
    if usage is None:
        return None
    if isinstance(usage, dict):
        out = dict(usage)
    else:  # (prompt_tokens, completion_tokens)
        out = {"prompt_tokens": int(usage[0]), "completion_tokens": int(usage[1])}
    out.setdefault("prompt_tokens", 0)
    out.setdefault("completion_tokens", 0)
    out.setdefault("total_tokens", out["prompt_tokens"] + out["completion_tokens"])
    return out


def content(text: str, finish_reason: str = "stop", usage: dict | tuple | None = None) -> Reply:
    """An assistant message with this text. usage: a dict or (prompt, completion)
    token counts; estimated from the text lengths when not given."""
    return Reply(message={"role": "assistant", "content": text, "refusal": None},
                 finish_reason=finish_reason, usage=_usage(usage))


def json_content(obj: Any, finish_reason: str = "stop", usage: dict | tuple | None = None) -> Reply:
    """An assistant message whose content is json.dumps(obj)."""
    return content(json.dumps(obj, ensure_ascii=False), finish_reason, usage)


_call_ids = itertools.count(1)


def tool_call(name: str, arguments: Any = None, *, call_id: str | None = None,
              usage: dict | tuple | None = None) -> Reply:
    """An assistant message calling tool `name`; arguments: an object (JSON-encoded
    here) or a str sent verbatim (to test malformed arguments)."""
    args = arguments if isinstance(arguments, str) else json.dumps({} if arguments is None else arguments,
                                                                   ensure_ascii=False)
    call = {"id": call_id or f"call_fake{next(_call_ids)}", "type": "function",
            "function": {"name": name, "arguments": args}}
    return Reply(message={"role": "assistant", "content": None, "refusal": None, "tool_calls": [call]},
                 finish_reason="tool_calls", usage=_usage(usage))


_ERROR_TYPES = {400: ("invalid_request_error", None), 401: ("invalid_request_error", "invalid_api_key"),
                403: ("permission_error", None), 404: ("invalid_request_error", "model_not_found"),
                409: ("conflict_error", None), 422: ("invalid_request_error", None),
                429: ("requests", "rate_limit_exceeded"), 500: ("server_error", None),
                502: ("server_error", None), 503: ("server_error", "overloaded")}


def error(status: int, message: str = "fake error", headers: dict | None = None, *,
          type: str | None = None, code: str | None = None, param: str | None = None) -> Reply:
    """An HTTP error with OpenAI's error body {"error": {message, type, param, code}}.
    headers, e.g. {"Retry-After": "2"} or {"retry-after-ms": "1500"}, are sent with it."""
    default_type, default_code = _ERROR_TYPES.get(status, ("server_error" if status >= 500 else
                                                            "invalid_request_error", None))
    body = {"error": {"message": message, "type": type or default_type, "param": param,
                      "code": code if code is not None else default_code}}
    return Reply(kind="raw", status=status, body=body, headers=dict(headers or {}))


def raw(status: int = 200, body: Any = b"", headers: dict | None = None) -> Reply:
    """Any status and body: a dict/list is sent as JSON, str/bytes as given."""
    return Reply(kind="raw", status=status, body=body, headers=dict(headers or {}))


def default() -> Reply:
    """Whatever the default responder answers for the request."""
    return Reply(kind="default")


def delay(seconds: float, reply: Reply | None = None) -> Reply:
    """`reply` (default: the default answer) sent after `seconds`."""
    return (reply or default()).delay(seconds)


def drop() -> Reply:
    """Read the request, then close the connection without any response."""
    return Reply(kind="drop")


def hang() -> Reply:
    """Read the request and never answer (until the server closes)."""
    return Reply(kind="hang")


def slow_drip(seconds: float, reply: Reply | None = None) -> Reply:
    """Send the headers at once, then the body of `reply` (default: the default
    answer) a few bytes at a time, spread over `seconds`."""
    return (reply or default()).slow_drip(seconds)


def invalid_json_200() -> Reply:
    """Status 200, Content-Type application/json, a body that is not JSON."""
    return raw(200, b'{"id": "chatcmpl-broken", "object": "chat.completion", "choices": [{"mess',
               {"Content-Type": "application/json"})


def html_200(page: str = "<html><body><h1>Welcome to the hotel network</h1>Please log in.</body></html>") -> Reply:
    """Status 200 with an HTML page, as a captive portal or a misrouted proxy sends."""
    return raw(200, page, {"Content-Type": "text/html; charset=utf-8"})


def insufficient_quota() -> Reply:
    """OpenAI's 429 for an account out of credit: no wait makes it pass."""
    return error(429, "You exceeded your current quota, please check your plan and billing details. For more "
                 "information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/"
                 "api-errors.", type="insufficient_quota", code="insufficient_quota")


def reasoning_rejection(body: dict) -> Reply | None:
    """OpenAI's 400 for a reasoning model (o1, o3, gpt-5...) asked with sampling
    parameters it does not take; None when the request is acceptable."""
    if "max_tokens" in body:
        return error(400, "Unsupported parameter: 'max_tokens' is not supported with this model. "
                     "Use 'max_completion_tokens' instead.", param="max_tokens", code="unsupported_parameter")
    temperature = body.get("temperature")
    if temperature is not None and temperature != 1:
        return error(400, f"Unsupported value: 'temperature' does not support {temperature} with this model. "
                     "Only the default (1) value is supported.", param="temperature", code="unsupported_value")
    return None


def truncated(text: str = "Lorem ipsum dolor sit", usage: dict | tuple | None = None) -> Reply:
    """Content cut off by the token limit: finish_reason "length"."""
    return content(text, finish_reason="length", usage=usage)


def refusal(text: str = "I'm sorry, but I can't help with that.") -> Reply:
    """A refusal: message.refusal set, content null."""
    return Reply(message={"role": "assistant", "content": None, "refusal": text}, finish_reason="stop")


# ------------------------------------------------------- example instances

_FORMATS = {"date": "2000-01-01", "date-time": "2000-01-01T00:00:00Z", "time": "00:00:00",
            "email": "lorem@example.com", "uri": "https://example.com/", "url": "https://example.com/",
            "uuid": "00000000-0000-4000-8000-000000000000", "hostname": "example.com",
            "ipv4": "127.0.0.1", "ipv6": "::1", "duration": "P1D"}


def example_for(schema: dict | bool, root: dict | None = None) -> Any:
    """A minimal instance valid against a JSON schema: objects with their required
    properties, arrays with minItems items, the first enum value / const,
    strings "Lorem ipsum dolor sit amet." cut or padded to minLength..maxLength
    (or built to match a simple `pattern`), numbers within their bounds.
    Follows $ref into $defs/definitions (of `root`, default: schema itself),
    takes the first non-null branch of anyOf/oneOf and merges allOf."""
    return _example(schema, schema if root is None else root, 0, 0)


def _resolve(ref: str, root: dict) -> dict:
    if not ref.startswith("#"):
        raise ValueError(f"only local $ref are supported, not {ref!r}")
    node: Any = root
    for part in filter(None, ref[1:].split("/")):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _example(schema, root, depth: int, variant: int) -> Any:
    if depth > 40:
        return None
    if schema is True or schema is None or schema == {}:
        return LOREM
    if schema is False:
        raise ValueError("no instance is valid against the schema false")
    schema = dict(schema)
    if "$ref" in schema:
        target = _resolve(schema.pop("$ref"), root)
        schema = {**target, **schema}
        return _example(schema, root, depth + 1, variant)
    if "allOf" in schema:
        merged = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            part = _resolve(part["$ref"], root) if "$ref" in part else part
            for k, v in part.items():
                if k in ("properties",):
                    merged[k] = {**merged.get(k, {}), **v}
                elif k == "required":
                    merged[k] = list(dict.fromkeys([*merged.get(k, []), *v]))
                else:
                    merged.setdefault(k, v)
        return _example(merged, root, depth + 1, variant)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = schema[key]
            chosen = next((o for o in options if o.get("type") != "null"), options[0])
            rest = {k: v for k, v in schema.items() if k != key}
            return _example({**rest, **chosen} if rest else chosen, root, depth + 1, variant)
    if "const" in schema:
        return copy.deepcopy(schema["const"])
    if "enum" in schema:
        values = schema["enum"]
        return copy.deepcopy(values[variant % len(values)] if variant else values[0])
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        if "properties" in schema or "required" in schema:
            kind = "object"
        elif "items" in schema or "prefixItems" in schema:
            kind = "array"
        elif any(k in schema for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")):
            kind = "number"
        else:
            kind = "string"
    if kind == "object":
        props = schema.get("properties", {})
        out = {}
        for name in schema.get("required", []):
            out[name] = _example(props.get(name, {}), root, depth + 1, 0)
        for name in list(props)[: max(0, schema.get("minProperties", 0) - len(out))]:
            out.setdefault(name, _example(props[name], root, depth + 1, 0))
        return out
    if kind == "array":
        count = max(int(schema.get("minItems", 0)), 0)
        prefix = schema.get("prefixItems", [])
        items = schema.get("items", {})
        out = [_example(prefix[i] if i < len(prefix) else items, root, depth + 1,
                        i if schema.get("uniqueItems") else 0) for i in range(count)]
        if schema.get("contains") and not count:
            out.append(_example(schema["contains"], root, depth + 1, 0))
        return out
    if kind == "integer":
        return _number(schema, integer=True, variant=variant)
    if kind == "number":
        return _number(schema, integer=False, variant=variant)
    if kind == "boolean":
        return bool(variant % 2)
    if kind == "null":
        return None
    return _string(schema, variant)


def _number(schema: dict, integer: bool, variant: int):
    lo, hi = schema.get("minimum"), schema.get("maximum")
    xlo, xhi = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if isinstance(xlo, bool):  # draft 4: boolean exclusive flags
        xlo, lo = (lo if xlo else None), (None if xlo else lo)
    if isinstance(xhi, bool):
        xhi, hi = (hi if xhi else None), (None if xhi else hi)
    step = schema.get("multipleOf")
    if integer:
        low = max([v for v in (math.ceil(lo) if lo is not None else None,
                               math.floor(xlo) + 1 if xlo is not None else None) if v is not None], default=None)
        high = min([v for v in (math.floor(hi) if hi is not None else None,
                                math.ceil(xhi) - 1 if xhi is not None else None) if v is not None], default=None)
        value = low if low is not None else (0 if high is None or high >= 0 else high)
        value += variant
        if step:
            value = math.ceil(value / step) * step
            if isinstance(step, int) or float(step).is_integer():
                value = int(value)
        if high is not None and value > high:
            value = high
        return int(value)
    low = lo if lo is not None else (xlo if xlo is not None else None)
    high = hi if hi is not None else (xhi if xhi is not None else None)
    if low is None:
        value = 0.0 if high is None or high > 0 or (high == 0 and xhi is None) else high - 1.0
    else:
        value = float(low)
        if xlo is not None and lo is None:
            value = low + 1.0 if high is None or low + 1.0 < high else (low + high) / 2
    value += variant
    if step:
        value = math.ceil(value / step) * step
    if high is not None and value > high:
        value = float(high) if xhi is None else (value - variant + high) / 2
    return value


def _string(schema: dict, variant: int) -> str:
    lo = int(schema.get("minLength", 0))
    hi = schema.get("maxLength")
    pattern = schema.get("pattern")
    if schema.get("format") in _FORMATS and not pattern:
        text = _FORMATS[schema["format"]]
    elif pattern:
        text = _matching(pattern, lo, hi)
    else:
        text = LOREM if not variant else f"{LOREM} {variant}"
        if len(text) < lo:
            text = (text + " ") * (lo // (len(text) + 1) + 1)
            text = text[:lo]
            if text.endswith(" "):
                text = text[:-1] + "."
    if hi is not None and len(text) > hi:
        text = text[:hi].rstrip() if hi and len(text[:hi].rstrip()) >= lo else text[:hi]
    return text


def _matching(pattern: str, lo: int, hi: int | None) -> str:
    """A string matching `pattern` (re.search semantics), for simple patterns."""
    candidates = []
    try:
        candidates.append(_generate(pattern))
    except Exception:  # noqa: BLE001 - unsupported construct: fall back to guesses
        pass
    candidates += [LOREM, "lorem-ipsum", "lorem", "LOREM", "USD", "a", "A", "0", "2000-01-01", ""]
    for text in candidates:
        if text is None:
            continue
        if len(text) < lo:
            text = text + "a" * (lo - len(text))
        if hi is not None:
            text = text[:hi]
        try:
            if re.search(pattern, text):
                return text
        except re.error:
            return text
    return candidates[0] or LOREM


def _generate(pattern: str) -> str:
    from re import _constants as c, _parser as p  # Python 3.11+

    def gen(items) -> str:
        out = []
        for op, av in items:
            if op is c.LITERAL:
                out.append(chr(av))
            elif op is c.NOT_LITERAL:
                out.append("a" if chr(av) != "a" else "b")
            elif op is c.ANY:
                out.append("a")
            elif op is c.IN:
                out.append(_from_set(av))
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
                low, _high, sub = av
                out.append(gen(sub) * max(low, 0))
            elif op is c.SUBPATTERN:
                out.append(gen(av[-1]))
            elif op is getattr(c, "ATOMIC_GROUP", None):
                out.append(gen(av))
            elif op is c.BRANCH:
                out.append(gen(av[1][0]))
            elif op is c.CATEGORY:
                out.append(_category(av))
            elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
                continue
            else:
                raise ValueError(f"unsupported regex construct {op}")
        return "".join(out)

    def _from_set(items) -> str:
        negate = any(op is c.NEGATE for op, _ in items)
        if negate:
            excluded = set()
            for op, av in items:
                if op is c.LITERAL:
                    excluded.add(chr(av))
            return next(ch for ch in "a0A_ -" if ch not in excluded)
        for op, av in items:
            if op is c.LITERAL:
                return chr(av)
            if op is c.RANGE:
                return chr(av[0])
            if op is c.CATEGORY:
                return _category(av)
        raise ValueError("empty set")

    def _category(cat) -> str:
        name = str(cat)
        if "NOT_DIGIT" in name:
            return "a"
        if "DIGIT" in name:
            return "0"
        if "NOT_SPACE" in name:
            return "a"
        if "SPACE" in name:
            return " "
        if "NOT_WORD" in name:
            return "-"
        return "a"

    return gen(p.parse(pattern))


# ------------------------------------------------------ default responder

def _response_schema(body: dict) -> dict | None:
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        spec = fmt.get("json_schema") or {}
        return spec.get("schema", {})
    if fmt.get("type") == "json_object":
        return fmt.get("schema", {})
    return None


def default_reply(body: dict) -> Reply:
    """The answer a cooperative model would give: a tool call when tools are
    offered (the one named by tool_choice, else the first), a minimal valid
    JSON instance when a response schema is asked for, else LOREM."""
    tools = [t for t in body.get("tools") or [] if t.get("type", "function") == "function"]
    choice = body.get("tool_choice")
    if tools and choice != "none":
        wanted = choice.get("function", {}).get("name") if isinstance(choice, dict) else None
        tool = next((t for t in tools if t.get("function", {}).get("name") == wanted), tools[0])
        fn = tool.get("function", {})
        params = fn.get("parameters") or {"type": "object", "properties": {}}
        return tool_call(fn.get("name", "tool"), example_for(params))
    schema = _response_schema(body)
    if schema is not None:
        return json_content(example_for(schema) if schema else {})
    return content(LOREM)


def _estimate_tokens(text: str) -> int:
    return max(1, math.ceil(len(text) / 4)) if text else 0


def _prompt_text(body: dict) -> str:
    parts = []
    for message in body.get("messages") or []:
        value = message.get("content")
        if isinstance(value, list):
            parts += [p.get("text", "") for p in value if isinstance(p, dict)]
        elif value:
            parts.append(str(value))
    return "\n".join(parts)


# ----------------------------------------------------------------- server

@dataclass
class Request:
    """One request as received. headers: lower-cased names; body: the parsed
    JSON (None when there was no body or it was not JSON); raw: the bytes."""
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    raw: bytes
    time: float

    @property
    def json(self) -> Any:
        return self.body

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)


Handler = Callable[[dict], "Reply | str | None"]


class FakeOpenAI:
    """An OpenAI-compatible HTTP server on 127.0.0.1 in a daemon thread.

    FakeOpenAI(handler=None, *, replies=(), latency=0.0, models=("fake-model",),
               reasoning_models=(), host="127.0.0.1", port=0)

    Attributes: base_url ("http://127.0.0.1:PORT/v1"), port, requests (every
    Request, all paths), chat_requests (the JSON bodies sent to chat
    completions), calls (number of chat completion requests), in_flight /
    max_in_flight (concurrent chat completions now / at most), errors
    (exceptions raised by handlers; such a request gets a 500).
    `handler` and `latency` may be changed while running.
    """

    def __init__(self, handler: Handler | None = None, *, replies: Iterable[Reply | Handler] = (),
                 latency: float = 0.0, models: Iterable[str] = (DEFAULT_MODEL,),
                 reasoning_models: Iterable[str] = (), host: str = "127.0.0.1", port: int = 0):
        self.handler = handler
        self.latency = float(latency)
        self.reasoning_models = list(reasoning_models)
        self.models = list(models)
        self.models += [m for m in self.reasoning_models if m not in self.models]
        self.requests: list[Request] = []
        self.errors: list[BaseException] = []
        self.calls = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self._queue: deque = deque(replies)
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._connections: set[socket.socket] = set()
        self._ids = itertools.count(1)
        self._httpd = _Server((host, port), _RequestHandler)
        self._httpd.fake = self
        self.host, self.port = self._httpd.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self.base_url = f"{self.url}/v1"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"fake-openai:{self.port}", daemon=True)
        self._thread.start()
        self._closed = False

    # scripting --------------------------------------------------------
    def push(self, *replies: Reply | Handler) -> "FakeOpenAI":
        """Queue replies for the next chat completion requests, in order."""
        with self._lock:
            self._queue.extend(replies)
        return self

    @property
    def pending(self) -> int:
        """Scripted replies not used yet."""
        with self._lock:
            return len(self._queue)

    @property
    def chat_requests(self) -> list[dict]:
        with self._lock:
            return [r.body for r in self.requests if r.path.endswith("/chat/completions")]

    @property
    def last(self) -> Request | None:
        with self._lock:
            return self.requests[-1] if self.requests else None

    def count(self, path: str | None = None) -> int:
        """Requests received, all or those whose path ends with `path`."""
        with self._lock:
            return sum(1 for r in self.requests if path is None or r.path.endswith(path))

    def reset(self) -> None:
        """Forget recorded requests, counters, errors and scripted replies."""
        with self._lock:
            self.requests.clear()
            self.errors.clear()
            self._queue.clear()
            self.calls = 0
            self.max_in_flight = self.in_flight

    def _next_reply(self, body: dict) -> Reply:
        if body.get("model") in self.reasoning_models:  # refused before any model runs
            rejected = reasoning_rejection(body)
            if rejected is not None:
                return rejected
        with self._lock:
            scripted = self._queue.popleft() if self._queue else None
        responder = scripted if scripted is not None else self.handler
        if responder is None:
            return default_reply(body)
        result = responder(body) if callable(responder) and not isinstance(responder, Reply) else responder
        if result is None:
            return default_reply(body)
        if isinstance(result, str):
            return content(result)
        if not isinstance(result, Reply):
            raise TypeError(f"a responder must return a Reply, a str or None, not {type(result).__name__}")
        return result

    # lifecycle --------------------------------------------------------
    def close(self) -> None:
        """Stop serving; hanging and delayed requests are cut off at once."""
        if self._closed:
            return
        self._closed = True
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._thread.join(timeout=5)

    def __enter__(self) -> "FakeOpenAI":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<FakeOpenAI {self.base_url} calls={self.calls} pending={self.pending}>"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # the default 5 drops SYNs under bursts: a 1 s retransmit per extra client
    block_on_close = False  # close() must not wait for hanging handlers
    allow_reuse_address = True
    fake: FakeOpenAI

    def handle_error(self, request, client_address):
        """A bug in the fake itself: keep it for the test (`.errors`), print nothing."""
        exc = sys.exc_info()[1]
        if exc is not None and not isinstance(exc, (ConnectionError, socket.timeout)):
            with self.fake._lock:
                self.fake.errors.append(exc)


class _Dropped(Exception):
    pass


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDK expects
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms delayed-ACK stall
    server_version = "FakeOpenAI/1.0"
    timeout = 60  # idle keep-alive connections do not pin threads forever
    server: _Server

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def setup(self):
        super().setup()
        fake = self.server.fake
        with fake._lock:
            fake._connections.add(self.connection)

    def finish(self):
        fake = self.server.fake
        with fake._lock:
            fake._connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    # ---------------------------------------------------------------
    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _dispatch(self, method: str):
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw_body) if raw_body else None
        except ValueError:
            body = None
        path = self.path.split("?", 1)[0]
        request = Request(method, path, {k.lower(): v for k, v in self.headers.items()}, body, raw_body,
                          time.time())
        with fake._lock:
            fake.requests.append(request)
        route = path[3:] if path.startswith("/v1/") else path
        try:
            if method == "GET" and route == "/models":
                self._send_json(200, {"object": "list", "data": [self._model(m) for m in fake.models]})
            elif method == "GET" and route.startswith("/models/"):
                name = route[len("/models/"):]
                if name in fake.models:
                    self._send_json(200, self._model(name))
                else:
                    self._send_reply(error(404, f"The model '{name}' does not exist"), {})
            elif method == "POST" and route == "/chat/completions":
                self._chat(body, raw_body)
            else:
                self._send_reply(error(404, f"Unknown request URL: {method} {path}", code="unknown_url"), {})
        except (_Dropped, ConnectionError, socket.timeout, OSError):
            self.close_connection = True

    def _send_json(self, status: int, obj: Any):
        data = json.dumps(obj).encode()
        self._send(status, {"Content-Type": "application/json", "Content-Length": str(len(data))}, data)

    def _model(self, name: str) -> dict:
        return {"id": name, "object": "model", "created": 1700000000, "owned_by": "fake-openai"}

    def _chat(self, body, raw_body: bytes):
        fake = self.server.fake
        with fake._lock:
            fake.calls += 1
            fake.in_flight += 1
            fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
        try:
            if not isinstance(body, dict):
                reply = error(400, "We could not parse the JSON body of your request.")
            else:
                try:
                    reply = fake._next_reply(body)
                    if reply.kind == "default":
                        base = default_reply(body)
                        reply = dataclasses.replace(base, delay_s=reply.delay_s, drip_s=reply.drip_s,
                                                    headers={**base.headers, **reply.headers})
                except Exception as exc:  # noqa: BLE001 - surfaced to the test via .errors
                    with fake._lock:
                        fake.errors.append(exc)
                    reply = error(500, f"fake handler raised {type(exc).__name__}: {exc}")
            wait = fake.latency + reply.delay_s
            if wait > 0 and fake._closing.wait(wait):
                raise _Dropped
            if reply.kind == "drop":
                self._drop()
            if reply.kind == "hang":
                fake._closing.wait()
                raise _Dropped
            self._send_reply(reply, body if isinstance(body, dict) else {})
        finally:
            with fake._lock:
                fake.in_flight -= 1

    def _drop(self):
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        raise _Dropped

    def _completion(self, reply: Reply, body: dict) -> dict:
        fake = self.server.fake
        message = dict(reply.message or {"role": "assistant", "content": ""})
        usage = reply.usage
        if usage is None:
            produced = message.get("content") or message.get("refusal") or "".join(
                c["function"]["arguments"] for c in message.get("tool_calls") or [])
            usage = _usage((_estimate_tokens(_prompt_text(body)), _estimate_tokens(produced)))
        return {
            "id": f"chatcmpl-fake{next(fake._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model") or (fake.models[0] if fake.models else DEFAULT_MODEL),
            "system_fingerprint": "fp_fake",
            "choices": [{"index": 0, "message": message, "logprobs": None,
                         "finish_reason": reply.finish_reason}],
            "usage": usage,
        }

    def _send_reply(self, reply: Reply, body: dict):
        if reply.kind == "raw":
            payload = reply.body
            ctype = "application/json"
            if isinstance(payload, (dict, list)):
                data = json.dumps(payload).encode()
            elif isinstance(payload, str):
                data, ctype = payload.encode(), "text/plain; charset=utf-8"
            else:
                data = bytes(payload or b"")
            status = reply.status
        elif body.get("stream"):
            self._send_stream(reply, body)
            return
        else:
            data = json.dumps(self._completion(reply, body), ensure_ascii=False).encode()
            ctype, status = "application/json", reply.status
        headers = {"Content-Type": ctype, **reply.headers, "Content-Length": str(len(data))}
        self._send(status, headers, data, reply.drip_s)

    def _send(self, status: int, headers: dict, data: bytes, drip_s: float | None = None):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not drip_s:
            self.wfile.write(data)
            self.wfile.flush()
            return
        self.wfile.flush()
        chunk = 4
        pieces = max(1, math.ceil(len(data) / chunk))
        pause = drip_s / pieces
        closing = self.server.fake._closing
        for i in range(0, len(data), chunk):
            if closing.wait(pause):
                raise _Dropped
            self.wfile.write(data[i:i + chunk])
            self.wfile.flush()

    def _send_stream(self, reply: Reply, body: dict):
        """A minimal server-sent-events rendering of a completion (stream: true)."""
        completion = self._completion(reply, body)
        message = completion["choices"][0]["message"]
        base = {k: completion[k] for k in ("id", "created", "model", "system_fingerprint")}
        base["object"] = "chat.completion.chunk"
        deltas = [{"role": "assistant", "content": ""}]
        if message.get("content"):
            text = message["content"]
            deltas += [{"content": text[i:i + 16]} for i in range(0, len(text), 16)]
        if message.get("refusal"):
            deltas.append({"refusal": message["refusal"]})
        for i, call in enumerate(message.get("tool_calls") or []):
            deltas.append({"tool_calls": [{"index": i, **call}]})
        events = [{**base, "choices": [{"index": 0, "delta": d, "finish_reason": None}]} for d in deltas]
        events.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": reply.finish_reason}]})
        if (body.get("stream_options") or {}).get("include_usage"):
            events.append({**base, "choices": [], "usage": completion["usage"]})
        data = "".join(f"data: {json.dumps(e)}\n\n" for e in events).encode() + b"data: [DONE]\n\n"
        self.close_connection = True
        self.send_response(reply.status)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()


# ------------------------------------------------------------ entry point

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fake_openai",
                                     description="Serve a fake OpenAI-compatible API until killed.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each chat answer")
    parser.add_argument("--model", action="append", help="model id(s) listed by /v1/models")
    args = parser.parse_args(argv)
    server = FakeOpenAI(latency=args.latency, host=args.host, port=args.port,
                        models=args.model or (DEFAULT_MODEL,))
    print(f"fake openai serving {server.base_url} (latency {args.latency}s)", flush=True)
    serve_until_stopped(server, lambda: f"{server.calls} chat completions")
    return 0


def serve_until_stopped(server: "FakeOpenAI", tally: Callable[[], str]) -> None:
    """Out of process: run until SIGINT or SIGTERM, then close and say what was served."""
    import signal

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.close()
        print(f"fake openai stopped after {tally()}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
