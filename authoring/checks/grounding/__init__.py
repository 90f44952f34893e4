"""Grounding (issue G): every unit a model wrote (a sentence, a list item, a heading)
aligned to the facts it restates, so the editor sees what each one rests on.

This file is the contract between the aligner (this package: units, alignment,
the grounding.* flags) and its users (provenance.json, page.html, the pipeline's
drop/fallback policies, the judge). The aligner fills `units`; the users read
`Unit` and `provenance` only.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Status = Literal["grounded", "unverified", "contradicted", "empty"]
STATUSES: tuple[str, ...] = ("grounded", "unverified", "contradicted", "empty")


@dataclass
class Unit:
    section: str               # section id (synopsis, faq, ...)
    line: int                  # 1-based line of the page where the unit starts
    text: str                  # the unit as written on the page
    status: Status
    score: float = 0.0         # support, 0..1
    paths: list[str] = field(default_factory=list)   # fact paths: "plot.beats[2]", "cast[1].description"
    facts: list[str] = field(default_factory=list)   # the text of those facts, in the same order
    excerpt: str = ""          # the offending words (on line `line`), "" when grounded

    def to_dict(self) -> dict:
        return asdict(self)


def units(facts, text: str) -> list[Unit]:
    """Every model-written unit of a page, in page order; pure (no I/O).
    Sections rendered from the facts alone, and copied quotes, critics' words and
    titles, are not units."""
    return []


def provenance(facts, text: str) -> dict:
    """provenance.json's content: per section, its units and status counts."""
    out: dict[str, dict] = {}
    for u in units(facts, text):
        sec = out.setdefault(u.section, {"counts": dict.fromkeys(STATUSES, 0), "units": []})
        sec["counts"][u.status] += 1
        sec["units"].append(u.to_dict())
    return {"sections": out}
