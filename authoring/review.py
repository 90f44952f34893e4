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
    write_atomic(folder / "flags.json", json.dumps({"flags": annotated}, indent=2, ensure_ascii=False) + "\n")
    write_atomic(folder / "page.html", html.render(page, f"{facts.title} ({facts.year})", annotated))
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
