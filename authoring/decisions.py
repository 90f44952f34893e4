"""The editor's decisions on flags (review.json) and the flags as the draft folder
keeps them (flags.json, page.html). A flag's id is its order among the flags with
its rule, section and excerpt, so an edit elsewhere on the page can hand a waived
line's id to new text; a decision is therefore matched by the words of its line
first, and by id only when it was made before line texts were kept."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Literal

from . import html
from .checks import Flag
from .facts import Facts
from .files import Record, read_json, write_atomic

DECISIONS = ("resolved", "waived")
REVIEW_FIX = ("fix it, or move it away (it holds the editor's decisions on flags; `authoring draft FACTS.yaml "
              "--force` moves it to history/)")


class Decision(Record):
    """One decision, with what it was about: a decision from before line_text was kept goes by its id alone."""
    status: Literal[DECISIONS] | None = None  # type: ignore[valid-type]
    note: str | None = None
    rule: str | None = None
    section: str | None = None
    excerpt: str | None = None
    line_text: str | None = None  # the flagged line, stripped

    def about(self) -> tuple:
        return self.rule, self.section, self.excerpt, self.line_text


class Decisions(Record):
    """review.json: the editor's decisions by flag id."""
    decisions: dict[str, Decision] = {}


def load_decisions(folder: Path) -> dict[str, Decision]:
    """The editor's decisions; a damaged review.json raises UnreadableFile (a ValueError) naming it."""
    data = read_json(folder / "review.json", REVIEW_FIX, missing_ok=True, shape=Decisions)
    return {} if data is None else data.decisions


def read_flags(folder: Path) -> list[dict]:
    """flags.json as last written; none when it is missing or damaged (it follows from the page)."""
    try:
        flags = json.loads((folder / "flags.json").read_text(encoding="utf-8")).get("flags", [])
        return [f for f in flags if isinstance(f, dict)]
    except (OSError, ValueError, AttributeError):
        return []


def flag_id(flag: dict, occurrence: int = 0) -> str:
    """The id of the flag that is the `occurrence`-th (from 0, in page order) with its
    rule, section and excerpt. Rule + section + excerpt: a flag the editor fixed is gone
    from the next check by itself, and a waived one is still waived when found again."""
    key = f"{flag.get('rule')}|{flag.get('section')}|{flag.get('excerpt')}"
    if occurrence:  # a JSON list: no excerpt can make it equal another flag's key
        key = json.dumps([flag.get("rule"), flag.get("section"), flag.get("excerpt"), occurrence])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def line_text(page: str | list[str], line: int) -> str:
    """The text of a page's line (1-based), stripped: what a decision was made on."""
    lines = page.split("\n") if isinstance(page, str) else page
    return lines[line - 1].lstrip("\ufeff").strip() if 0 < line <= len(lines) else ""


def decision_for(decisions: dict[str, Decision], fid: str, about: tuple) -> str | None:
    """The key of the decision on a flag: one made on the same rule, section, excerpt and
    line text (an id is an order, and new text may take a waived line's id), else one
    kept from before line texts were, under the flag's id."""
    mine = decisions.get(fid)
    if mine is not None and (mine.line_text is None or mine.about() == about):
        return fid
    return next((k for k, d in decisions.items() if d.line_text is not None and d.about() == about), None)


def annotate(flags: list[Flag], decisions: dict[str, Decision], page: str) -> list[dict]:
    """The flags as flags.json holds them: the spec's keys, an id each (none shared: the
    same words flagged on several lines get one each), and the editor's decision."""
    out = []
    seen: dict[tuple, int] = {}
    lines = page.split("\n")
    for flag in flags:
        record = flag.to_dict()
        key = (flag.rule, flag.section, flag.excerpt)
        fid = flag_id(record, seen.get(key, 0))
        seen[key] = seen.get(key, 0) + 1
        decision = decisions.get(decision_for(decisions, fid, (*key, line_text(lines, flag.line))) or "")
        out.append({"id": fid, **record, "status": (decision and decision.status) or "open",
                    "note": decision.note if decision else None})
    return out


def write_flags(folder: Path, facts: Facts, page: str, flags: list[Flag]) -> list[dict]:
    """flags.json and page.html for the page as it is now; returns the annotated flags."""
    annotated = annotate(flags, load_decisions(folder), page)
    write_atomic(folder / "flags.json", json.dumps({"flags": annotated}, indent=2, ensure_ascii=False) + "\n",
                 durable=False)  # both follow from the page, the facts and review.json
    write_atomic(folder / "page.html", html.render(page, f"{facts.title} ({facts.year})", annotated), durable=False)
    return annotated


def save_decision(folder: Path, page: str, flag: dict, status: str, note: str) -> None:
    """Record a decision on a flag of this page, with the text of its line."""
    decisions = load_decisions(folder)
    about = (flag["rule"], flag["section"], flag["excerpt"], line_text(page, flag["line"]))
    key = decision_for(decisions, flag["id"], about)
    if key is None:  # a new decision: under the flag's id, unless another line's decision has it
        key, n = flag["id"], 1
        while key in decisions:
            n += 1
            key = f"{flag['id']}-{n}"
    decisions[key] = Decision(status=status, note=note, rule=about[0], section=about[1], excerpt=about[2],
                              line_text=about[3], at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    write_atomic(folder / "review.json", Decisions(decisions=decisions).text())


