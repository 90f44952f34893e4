"""Flags as the editor works through them: stable ids, decisions kept in
review.json, and the files that show them (flags.json, page.html).

A flag's id is rule + section + excerpt, so a flag the editor fixed is gone
from the next check by itself, and a waived one is still waived after a
re-check that finds it again. The same words flagged on several lines get one
id each (the first keeps the plain id, the next ones add their place among
them), so that each one can be decided."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from . import html
from .facts import Facts
from .files import read_json, write_atomic

DECISIONS = ("resolved", "waived")


def flag_id(flag: dict, occurrence: int = 0) -> str:
    """The id of the flag that is the `occurrence`-th (from 0, in page order) with its rule, section and excerpt."""
    key = f"{flag.get('rule')}|{flag.get('section')}|{flag.get('excerpt')}"
    if occurrence:  # a JSON list: no excerpt can make it equal another flag's key
        key = json.dumps([flag.get("rule"), flag.get("section"), flag.get("excerpt"), occurrence])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def flag_ids(flags: list[dict]) -> list[str]:
    """One id per flag, none shared (flags in page order, as the checks return them)."""
    seen: dict[tuple, int] = {}
    ids = []
    for f in flags:
        key = (f.get("rule"), f.get("section"), f.get("excerpt"))
        ids.append(flag_id(f, seen.get(key, 0)))
        seen[key] = seen.get(key, 0) + 1
    return ids


class Decision(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)
    status: Literal[DECISIONS] | None = None  # type: ignore[valid-type]
    note: str | None = None


class Decisions(BaseModel):
    """review.json as the commands read it: the editor's decisions by flag id."""
    model_config = ConfigDict(extra="allow", strict=True)
    decisions: dict[str, Decision] = {}


def load_decisions(folder: Path) -> dict:
    """The editor's decisions; a damaged review.json raises UnreadableFile (a ValueError) naming it."""
    data = read_json(folder / "review.json", "fix it, or move it away (it holds the editor's decisions on flags; "
                     "`authoring draft FACTS.yaml --force` moves it to history/)", missing_ok=True, shape=Decisions)
    return {} if data is None else data.get("decisions", {})


def annotate(flags: list[dict], decisions: dict) -> list[dict]:
    out = []
    for f, fid in zip(flags, flag_ids(flags)):
        decision = decisions.get(fid, {})
        out.append({"id": fid, **f, "status": decision.get("status", "open"), "note": decision.get("note")})
    return out


def write_flags(folder: Path, facts: Facts, page: str, flags: list[dict]) -> list[dict]:
    """flags.json and page.html for the page as it is now; returns the annotated flags."""
    annotated = annotate(flags, load_decisions(folder))
    write_atomic(folder / "flags.json", json.dumps({"flags": annotated}, indent=2, ensure_ascii=False) + "\n",
                 durable=False)  # both follow from the page, the facts and review.json
    write_atomic(folder / "page.html", html.render(page, f"{facts.title} ({facts.year})", annotated), durable=False)
    return annotated


def decide(folder: Path, flags: list[dict], fid: str, status: str, note: str) -> dict:
    """Record the editor's decision on a current flag, named by its id or the start of it."""
    matches = [f for f in flags if f["id"] == fid] or ([f for f in flags if f["id"].startswith(fid)] if fid else [])
    if len(matches) != 1:
        known = ", ".join(dict.fromkeys(f["id"] for f in flags)) or "none"
        raise ValueError(f"no single flag with id {fid!r} on the page (current ids: {known})")
    flag = matches[0]
    decisions = load_decisions(folder)
    decisions[flag["id"]] = {"status": status, "note": note, "rule": flag["rule"], "section": flag["section"],
                             "excerpt": flag["excerpt"], "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    write_atomic(folder / "review.json", json.dumps({"decisions": decisions}, indent=2, ensure_ascii=False) + "\n")
    return flag


def recheck(folder: Path, facts_file: Path | None = None) -> tuple[list, list[dict]]:
    """Check a draft's page.md as it is now against the draft's facts (or facts_file);
    refresh flags.json and page.html. Returns (Flag objects, annotated dicts)."""
    from .checks import check_page
    from .draft import draft_lock, load_draft_facts, open_draft
    with draft_lock(folder):
        manifest, page = open_draft(folder)
        facts = load_draft_facts(folder, manifest, facts_file).facts
        flags = check_page(facts, page)
        return flags, write_flags(folder, facts, page, [f.to_dict() for f in flags])


def check_drafts(paths: list[str], as_json: bool) -> int:
    """`authoring check DRAFT...` without --facts: each draft against its own facts."""
    import sys
    from .checks.run import emit
    from .draft import DraftError
    results = []
    for given in paths:
        try:
            flags, _ = recheck(Path(given).resolve())
        except (DraftError, ValueError) as exc:
            print(f"authoring check: {given}: {exc}", file=sys.stderr)
            return 2
        results.append((str(Path(given) / "page.md"), flags))
    return emit(results, as_json)


def draft_status(folder: Path, facts_file: Path | None = None) -> dict:
    """What `authoring status` shows (against the draft's seed, or facts_file); reads only."""
    from .checks import check_page
    from .draft import hand_edits, load_draft_facts, open_draft
    from .editing import stale_sections
    from .sections import SECTIONS
    manifest, page = open_draft(folder)
    facts = load_draft_facts(folder, manifest, facts_file).facts
    flags = annotate([f.to_dict() for f in check_page(facts, page)], load_decisions(folder))
    edited, stale = hand_edits(folder), stale_sections(facts, manifest)
    rows = []
    for sid in SECTIONS:
        entry = manifest["sections"].get(sid)
        if entry is None and sid not in stale:
            continue
        entry = entry or {"made_by": SECTIONS[sid].made_by}
        if sid in edited:
            state = edited[sid]
        elif entry.get("status") == "failed":
            state = "failed"
        else:
            state = "generated" if entry["made_by"] == "model" else "from facts"
        if sid in stale:
            state += f", stale ({stale[sid]})"
        mine = [f for f in flags if f["section"] == sid and f["status"] == "open"]
        rows.append({"id": sid, "made_by": entry["made_by"], "state": state, "attempts": entry.get("attempts"),
                     "errors": sum(f["severity"] == "error" for f in mine),
                     "warnings": sum(f["severity"] != "error" for f in mine),
                     "tokens": entry.get("prompt_tokens", 0) + entry.get("completion_tokens", 0)})
    open_ = [f for f in flags if f["status"] == "open"]
    totals = manifest.get("totals", {})
    return {"sections": rows, "model": manifest.get("model"), "cost_usd": manifest.get("cost_usd"),
            "tokens": totals.get("prompt_tokens", 0) + totals.get("completion_tokens", 0),
            "open_errors": sum(f["severity"] == "error" for f in open_),
            "open_warnings": sum(f["severity"] != "error" for f in open_)}
