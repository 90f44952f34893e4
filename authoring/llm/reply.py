"""What one model call gives back, whichever path asked: a direct call, a Batch
API line or a cached answer."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    retries: int = 0
    seconds: float = 0.0

    def add(self, other: "Usage") -> None:
        for name in ("prompt_tokens", "completion_tokens", "calls", "retries", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass
class Reply:
    text: str | None                    # the schema-shaped JSON text, None when there is none
    usage: Usage
    problem: str | None = None          # why this reply cannot be used (truncated, refusal, empty)
    fault: bool = False                 # the server kept failing: retries are spent, stop asking
