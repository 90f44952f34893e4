"""Where the model is and how to talk to it, from flags and the standard variables."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

MODES = ("json_schema", "json_object", "tools")


@dataclass(frozen=True)
class Settings:
    base_url: str | None = None        # None: start the embedded llama.cpp server
    api_key: str | None = field(default=None, repr=False)
    model: str | None = None
    mode: str = "auto"                 # json_schema | json_object | tools | auto
    temperature: float = 0.7
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

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        env = os.environ
        values = {
            "base_url": env.get("OPENAI_BASE_URL") or None,
            "api_key": env.get("OPENAI_API_KEY") or None,
            "model": env.get("AUTHORING_MODEL") or None,
            "mode": env.get("AUTHORING_MODE") or "auto",
        }
        for name, var, conv in (("concurrency", "AUTHORING_CONCURRENCY", int), ("timeout", "AUTHORING_TIMEOUT", float),
                                ("price_in", "AUTHORING_PRICE_IN", float), ("price_out", "AUTHORING_PRICE_OUT", float),
                                ("attempts", "AUTHORING_ATTEMPTS", int), ("max_tokens", "AUTHORING_MAX_TOKENS", int),
                                ("retries", "AUTHORING_RETRIES", int), ("retry_seconds", "AUTHORING_RETRY_SECONDS", float),
                                ("section_tokens", "AUTHORING_SECTION_TOKENS", int)):
            if env.get(var):
                try:
                    values[name] = conv(env[var])
                except ValueError:
                    raise ValueError(f"{var}={env[var]!r} is not a number") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        if settings.mode not in MODES + ("auto",):
            raise ValueError(f"unknown structured-output mode {settings.mode!r}; use one of {', '.join(MODES)} or auto")
        return settings

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
    def endpoint(self) -> str:
        """The server, for messages and manifests: never a key or credentials in the URL."""
        if self.label or not self.base_url:
            return self.label or "embedded llama.cpp server"
        parts = urlsplit(self.base_url)
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        return f"{parts.scheme}://{host}{parts.path}"
