"""Flags as the editor works through them: stable ids, decisions kept in
review.json, and the files that show them (flags.json, page.html).

A flag's id is rule + section + excerpt, so a flag the editor fixed is gone
from the next check by itself, and a waived one is still waived after a
re-check that finds it again."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from . import html
from .facts import Facts
from .files import write_atomic

DECISIONS = ("resolved", "waived")


def flag_id(flag: dict) -> str:
    key = f"{flag.get('rule')}|{flag.get('section')}|{flag.get('excerpt')}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def load_decisions(folder: Path) -> dict:
    try:
        return json.loads((folder / "review.json").read_text(encoding="utf-8")).get("decisions", {})
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, AttributeError) as exc:
        raise ValueError(f"{folder / 'review.json'} is unreadable ({exc}); fix or remove it") from None


def annotate(flags: list[dict], decisions: dict) -> list[dict]:
    out = []
    for f in flags:
        fid = flag_id(f)
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
    """Record the editor's decision on a current flag."""
    matches = [f for f in flags if f["id"].startswith(fid)] if fid else []
    if len(matches) != 1:
        known = ", ".join(f["id"] for f in flags) or "none"
        raise ValueError(f"no single flag with id {fid!r} on the page (current ids: {known})")
    flag = matches[0]
    decisions = load_decisions(folder)
    decisions[flag["id"]] = {"status": status, "note": note, "rule": flag["rule"], "section": flag["section"],
                             "excerpt": flag["excerpt"], "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    write_atomic(folder / "review.json", json.dumps({"decisions": decisions}, indent=2, ensure_ascii=False) + "\n")
    return flag


def recheck(folder: Path) -> tuple[list, list[dict]]:
    """Check a draft's page.md as it is now against the draft's facts; refresh
    flags.json and page.html. Returns (Flag objects, annotated dicts)."""
    from .checks import check_page
    from .draft import draft_lock, load_draft_facts, open_draft
    with draft_lock(folder):
        manifest, page = open_draft(folder)
        facts = load_draft_facts(folder, manifest).facts
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


def draft_status(folder: Path) -> dict:
    """What `authoring status` shows; reads only."""
    from .checks import check_page
    from .draft import hand_edits, load_draft_facts, open_draft
    from .editing import stale_sections
    from .sections import SECTIONS
    manifest, page = open_draft(folder)
    facts = load_draft_facts(folder, manifest).facts
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
