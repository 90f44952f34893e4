"""The draft folder: what one `authoring draft` leaves for the editor.

    <out>/<slug>/page.md          the page (../shared/spec/page.md)
    <out>/<slug>/page.html        the review page: Markdown rendered, flags highlighted
    <out>/<slug>/flags.json       what the checks found on page.md
    <out>/<slug>/manifest.json    per section: model, backend, hashes, tokens, seconds
    <out>/<slug>/sections/<id>.json   each section's validated output and Markdown
"""
from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from . import html, prompting
from .cache import Cache
from .facts import Facts
from .files import write_atomic
from .llm import Settings
from .pipeline import Progress, Result, generate
from .sections import SECTIONS, Section


class DraftError(Exception):
    """A problem the user can fix; the message says what and how."""


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def plan(facts: Facts) -> tuple[list[Section], list[str]]:
    """The sections the facts support, and the ids of those left out for lack of facts."""
    present = [s for s in SECTIONS.values() if s.present(facts)]
    return present, [sid for sid, s in SECTIONS.items() if s not in present]


def assemble(facts: Facts, bodies: dict[str, str]) -> str:
    parts = [f"# {facts.title} ({facts.year})"]
    for sid, section in SECTIONS.items():
        if bodies.get(sid):
            parts.append(f"## {section.heading}\n{bodies[sid]}")
    return "\n\n".join(parts) + "\n"


def draft_dir(out_root: Path, facts: Facts) -> Path:
    root = out_root.resolve()
    folder = (root / facts.slug_or_default).resolve()
    if folder.parent != root:  # slugs are validated; this is the last line of defence
        raise DraftError(f"refusing to write outside {root}: {folder}")
    return folder


@contextmanager
def endpoint(settings: Settings) -> Iterator[Settings]:
    """The settings to call: as configured, or the embedded server started for the duration."""
    if not settings.embedded:
        if not settings.model:
            raise DraftError(f"no model named for {settings.endpoint}: set AUTHORING_MODEL or pass --model")
        yield settings
        return
    from .llm.embedded import MODEL_NAME, EmbeddedError, EmbeddedServer
    try:
        server = EmbeddedServer()
        server.__enter__()
    except EmbeddedError as exc:
        raise DraftError(str(exc)) from None
    try:
        # llama-cpp-python's server runs one completion at a time and crashes
        # (segfault in libllama) when requests overlap: send them one by one
        yield settings.with_endpoint(server.base_url, MODEL_NAME, settings.resolved_mode(), f"embedded:{MODEL_NAME}",
                                     concurrency=1)
    finally:
        server.__exit__(None, None, None)


@dataclass
class Draft:
    folder: Path
    page: str
    flags: list[dict]
    manifest: dict


def _guard_hand_edits(folder: Path, force: bool) -> None:
    """Never overwrite an editor's words silently."""
    page, manifest = folder / "page.md", folder / "manifest.json"
    if not page.exists():
        return
    try:
        written = json.loads(manifest.read_text(encoding="utf-8")).get("page_hash")
    except (OSError, ValueError):
        written = None
    if written == sha(page.read_text(encoding="utf-8")):
        return
    if not force:
        raise DraftError(f"{page} was edited by hand (or not written by authoring); nothing was changed. "
                         "Pass --force to draft it again: the current page is kept in history/.")
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    (folder / "history").mkdir(exist_ok=True)
    shutil.copy2(page, folder / "history" / f"page-{stamp}.md")


def make_draft(facts: Facts, facts_file: str, out_root: Path, settings: Settings, *, use_cache: bool = True,
               force: bool = False, progress: Progress = lambda sid, msg: None) -> Draft:
    from .checks import check_page

    folder = draft_dir(out_root, facts)
    _guard_hand_edits(folder, force)
    present, left_out = plan(facts)
    cache = Cache(out_root.resolve() / ".cache" if use_cache else None)
    model_sections = [s for s in present if s.output]
    results: dict[str, Result] = {}
    if model_sections:
        with endpoint(settings) as live:
            results = asyncio.run(generate(facts, live, model_sections, cache, progress))
            settings = live
    bodies = {s.id: (results[s.id].body if s.output else s.render(facts)) for s in present}
    page = assemble(facts, bodies)
    flags = [f.to_json() for f in check_page(facts, page)]
    manifest = _manifest(facts, facts_file, settings, present, left_out, results, bodies, page)
    _write(folder, facts, page, flags, manifest, bodies, results)
    return Draft(folder, page, flags, manifest)


def _manifest(facts, facts_file, settings, present, left_out, results, bodies, page) -> dict:
    sections = {}
    totals = {"prompt_tokens": 0, "completion_tokens": 0, "calls": 0, "retries": 0, "attempts": 0}
    for s in present:
        entry = {"made_by": s.made_by, "facts_hash": facts.digest(*s.needs), "body_hash": sha(bodies[s.id] or "")}
        r = results.get(s.id)
        if r:
            u = r.usage
            entry |= {"model": settings.model, "backend": f"{settings.resolved_mode()}@{settings.endpoint}",
                      "prompt_hash": prompting.template_hash(s.id), "attempts": r.attempts, "cached": r.cached,
                      "calls": u.calls, "retries": u.retries, "prompt_tokens": u.prompt_tokens,
                      "completion_tokens": u.completion_tokens, "seconds": round(u.seconds, 2),
                      "wall_seconds": round(r.seconds, 2),
                      "status": "failed" if r.body is None else ("flagged" if r.errors else "ok"),
                      "problems": r.problems}
            for k in totals:
                totals[k] += entry.get(k, 0) if k != "calls" else u.calls
        sections[s.id] = entry
    cost = None
    if settings.price_in is not None and settings.price_out is not None:
        cost = round((totals["prompt_tokens"] * settings.price_in + totals["completion_tokens"] * settings.price_out) / 1e6, 6)
    return {"title": facts.title, "year": facts.year, "slug": facts.slug_or_default, "facts_file": facts_file,
            "facts_hash": facts.digest(), "drafted_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "model": settings.model if results else None, "endpoint": settings.endpoint if results else None,
            "sections": sections, "left_out": left_out, "totals": totals, "cost_usd": cost, "page_hash": sha(page)}


def _write(folder: Path, facts: Facts, page: str, flags: list[dict], manifest: dict,
           bodies: dict[str, str | None], results: dict[str, Result]) -> None:
    for sid, body in bodies.items():
        r = results.get(sid)
        write_atomic(folder / "sections" / f"{sid}.json", json.dumps(
            {"id": sid, "heading": SECTIONS[sid].heading, "made_by": SECTIONS[sid].made_by,
             "output": r.output if r else None, "markdown": body}, indent=2, ensure_ascii=False) + "\n")
    write_atomic(folder / "flags.json", json.dumps({"flags": flags}, indent=2, ensure_ascii=False) + "\n")
    write_atomic(folder / "page.html", html.render(page, f"{facts.title} ({facts.year})", flags))
    write_atomic(folder / "page.md", page)
    write_atomic(folder / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
