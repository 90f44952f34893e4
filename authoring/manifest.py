"""The shape of manifest.json that the commands rely on, in one place. The tool writes
the manifest, but an editor may change it; it is checked where it is read (see
draft.read_manifest), so a wrong one is a message naming the file, not a traceback."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from .headings import SECTIONS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class ManifestEntry(_Strict):
    """One section's record in manifest.json: the keys the commands read, with their types."""
    made_by: Literal["model", "facts"]
    facts_hash: str | None = None
    body_hash: str | None = None
    prompt_hash: str | None = None
    status: str | None = None
    model: str | None = None
    problems: list[str] = []
    cost_usd: float | None = None
    seconds: float = 0.0
    attempts: int = 0
    cached: int = 0
    calls: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Manifest(_Strict):
    """The shape of manifest.json that every command relies on; checked where it is read
    (an editor may have changed it), so a wrong one is a message, not a traceback."""
    title: str | None = None
    year: int | None = None
    slug: str | None = None
    facts_file: str | None = None
    facts_path: str | None = None
    page_hash: str | None = None
    model: str | None = None
    layout: str | None = None
    sections: dict[Literal[tuple(SECTIONS)], ManifestEntry]  # type: ignore[valid-type]
    totals: dict[str, int] = {}
    left_out: list[str] = []
    cost_usd: float | None = None
