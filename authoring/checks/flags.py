"""The flag a check raises (../shared/spec/page.md, "Flags")."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
KEYS = ("rule", "severity", "section", "line", "excerpt", "message", "expected", "found")


@dataclass(frozen=True)
class Flag:
    rule: str                  # stable id, e.g. "numbers.runtime"
    severity: Severity         # "error" | "warning"
    section: str | None        # section id, None outside a section
    line: int                  # 1-based line of the page file
    excerpt: str               # exact page text on that line
    message: str               # what the facts hold
    expected: str | None = None
    found: str | None = None

    def to_dict(self) -> dict:
        """The JSON object of the spec, keys in the spec's order."""
        return {k: getattr(self, k) for k in KEYS}

    @property
    def is_error(self) -> bool:
        return self.severity == "error"
