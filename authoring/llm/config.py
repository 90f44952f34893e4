"""Where the model is and how to talk to it, from flags and the standard variables."""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from urllib.parse import urlsplit

from .backends import BACKENDS, Backend

MODES = tuple(BACKENDS)
TOKENS_PARAMS = ("max_tokens", "max_completion_tokens")

# How a model takes its sampling parameters, first match on the model name (the
# part after any "provider/" prefix) wins. OpenAI's reasoning models answer 400
# to `max_tokens` and to any temperature but the default, so they get
# `max_completion_tokens` and no temperature; every other server takes both.
# AUTHORING_TOKENS_PARAM and AUTHORING_TEMPERATURE override the table.
MODEL_SAMPLING: tuple[tuple[str, dict], ...] = (
    ("o[0-9]*", {"tokens_param": "max_completion_tokens", "temperature": None}),
    ("gpt-5*", {"tokens_param": "max_completion_tokens", "temperature": None}),
    ("*", {"tokens_param": "max_tokens", "temperature": 0.7}),
)

# field -> (environment variable, flag, type, smallest value): how a setting is
# named in messages, and the bound below which it cannot work (0 attempts asks
# nothing, an infinite price writes NaN into the manifest)
NUMBERS = {
    "concurrency": ("AUTHORING_CONCURRENCY", "--concurrency", int, 1),
    "timeout": ("AUTHORING_TIMEOUT", None, float, 0.001),
    "price_in": ("AUTHORING_PRICE_IN", None, float, 0.0),
    "price_out": ("AUTHORING_PRICE_OUT", None, float, 0.0),
    "attempts": ("AUTHORING_ATTEMPTS", None, int, 1),
    "max_tokens": ("AUTHORING_MAX_TOKENS", None, int, 1),
    "retries": ("AUTHORING_RETRIES", None, int, 0),
    "retry_seconds": ("AUTHORING_RETRY_SECONDS", None, float, 0.0),
    "section_tokens": ("AUTHORING_SECTION_TOKENS", None, int, 1),
}


@dataclass(frozen=True)
class Settings:
    base_url: str | None = None        # None: start the embedded llama.cpp server
    api_key: str | None = field(default=None, repr=False)
    model: str | None = None
    mode: str = "auto"                 # json_schema | json_object | tools | auto
    temperature: float | str | None = None  # None: by MODEL_SAMPLING; "default": sent none
    tokens_param: str | None = None    # max_tokens | max_completion_tokens; None: by MODEL_SAMPLING
    max_tokens: int = 1200
    timeout: float = 120.0             # seconds per HTTP request
    retries: int = 4                   # transient-fault retries per call
    retry_seconds: float = 90.0        # total time the retries of one call may take
    concurrency: int = 8               # model calls in flight
    attempts: int = 3                  # re-asks per section, the first ask included
    section_tokens: int = 12000        # token budget of one section, re-asks included
    price_in: float | None = None      # USD per 1M prompt tokens, for the cost estimate
    price_out: float | None = None     # USD per 1M completion tokens
    label: str | None = None           # how the endpoint is named when its URL is incidental
    policies: dict = field(default_factory=dict, hash=False)  # rule pattern -> reask | flag | fix

    def __post_init__(self) -> None:
        """Refuse what cannot work here, before any call is made: a bad value is
        the user's to fix (exit 2), not a traceback or a NaN in the manifest later."""
        for name, (var, flag, kind, least) in NUMBERS.items():
            value = getattr(self, name)
            if value is None and name.startswith("price_"):
                continue
            what = f"{flag} / {var}" if flag else var
            if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError(f"{what} must be a whole number, not {value!r}")
            if not isinstance(value, (int, float)) or not math.isfinite(value) or value < least:
                bound = (f"a whole number of at least {least}" if kind is int else
                         "a finite number above 0" if least > 0 else f"a finite number of at least {least:g}")
                raise ValueError(f"{what} must be {bound}, not {value!r}")
        if self.mode not in MODES + ("auto",):
            raise ValueError(f"unknown structured-output mode {self.mode!r}; use one of {', '.join(MODES)} or auto")
        if self.tokens_param is not None and self.tokens_param not in TOKENS_PARAMS:
            raise ValueError(f"AUTHORING_TOKENS_PARAM must be {' or '.join(TOKENS_PARAMS)}, not {self.tokens_param!r}")
        t = self.temperature
        if t is not None and t != "default" and (isinstance(t, (bool, str)) or not 0 <= t <= 2):
            raise ValueError(f"AUTHORING_TEMPERATURE must be a number from 0 to 2, or `default` to send none; "
                             f"got {t!r}")
        if self.base_url is not None:
            _check_url(self.base_url)

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        env = os.environ
        values = {
            "base_url": env.get("OPENAI_BASE_URL") or None,
            "api_key": env.get("OPENAI_API_KEY") or None,
            "model": env.get("AUTHORING_MODEL") or None,
            "mode": env.get("AUTHORING_MODE") or "auto",
            "tokens_param": env.get("AUTHORING_TOKENS_PARAM") or None,
        }
        numbers = {name: (var, kind) for name, (var, _, kind, _) in NUMBERS.items()}
        numbers["temperature"] = ("AUTHORING_TEMPERATURE", float)
        for name, (var, kind) in numbers.items():
            text = env.get(var, "").strip()
            if name == "temperature" and text.lower() == "default":
                values[name] = "default"
            elif text:
                try:
                    values[name] = kind(text)
                except ValueError:
                    whole = "a whole number" if kind is int else "a number"
                    raise ValueError(f"{var}={env[var]!r} is not {whole}") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def embedded(self) -> bool:
        return not self.base_url

    def with_endpoint(self, base_url: str, model: str, mode: str, label: str, concurrency: int) -> "Settings":
        return replace(self, base_url=base_url, model=model, mode=mode, label=label, concurrency=concurrency)

    def resolved_mode(self) -> str:
        """json_schema is what OpenAI, vLLM and llama-server enforce; the
        llama-cpp-python server wants json_object with a schema (it answers
        json_schema with a 500), so that is the embedded default."""
        if self.mode != "auto":
            return self.mode
        return "json_object" if self.embedded else "json_schema"

    @property
    def backend(self) -> Backend:
        """How this server is asked for schema-shaped output (llm/backends)."""
        return BACKENDS[self.resolved_mode()]

    def _rule(self) -> dict:
        name = (self.model or "").rsplit("/", 1)[-1].lower()
        return next(rule for pattern, rule in MODEL_SAMPLING if fnmatchcase(name, pattern))

    @property
    def tokens_field(self) -> str:
        """The request field that bounds the reply: max_tokens or max_completion_tokens."""
        return self.tokens_param or self._rule()["tokens_param"]

    def sampling(self, max_tokens: int) -> dict:
        """The sampling arguments of one request as this model takes them; part of
        the cache key too, so a changed setting asks again."""
        temperature = self._rule()["temperature"] if self.temperature is None else self.temperature
        out: dict = {self.tokens_field: max_tokens}
        if temperature is not None and temperature != "default":
            out["temperature"] = temperature
        return out

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float | None:
        """USD for these tokens at the configured prices; None when a price is not set."""
        if self.price_in is None or self.price_out is None:
            return None
        return round((prompt_tokens * self.price_in + completion_tokens * self.price_out) / 1e6, 6)

    @property
    def endpoint(self) -> str:
        """The server, for messages and manifests: never a key or credentials in the URL."""
        if self.label or not self.base_url:
            return self.label or "embedded llama.cpp server"
        parts = urlsplit(self.base_url)
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        return f"{parts.scheme}://{host}{parts.path}"


def _check_url(url: str) -> None:
    """An endpoint the HTTP client can use. The URL itself is never echoed: a
    mistaken one may hold the key."""
    where = "the endpoint (--base-url / OPENAI_BASE_URL)"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        raise ValueError(f"{where} is not a valid URL; give one like https://api.openai.com/v1") from None
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"{where} holds credentials (user:key@host); remove them from the URL and put the key "
                         "in OPENAI_API_KEY instead")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{where} must be an http:// or https:// URL with a host, like https://api.openai.com/v1")
