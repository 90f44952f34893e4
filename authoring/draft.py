"""The draft folder: what `authoring draft` leaves for the editor, and what
`authoring regen` changes in it.

    <out>/<slug>/page.md              the page (../shared/spec/page.md); the editor's to edit
    <out>/<slug>/page.html            the review page: Markdown rendered, flags highlighted
    <out>/<slug>/flags.json           what the checks found on page.md
    <out>/<slug>/manifest.json        per section: model, backend, hashes, tokens, seconds
    <out>/<slug>/sections.json        each section's validated output and Markdown
    <out>/<slug>/history/             text that a forced command replaced
    <out>/<slug>/review.json          the editor's decisions on flags (authoring review)
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from . import prompting, review
from .cache import Cache
from .editing import edited_outside, edited_sections, layout, next_layout, replace_sections, sha, split_page
from .facts import Facts, FactsError, load_facts
from .files import LockError, UnreadableFile, locked, read_json, read_text, write_atomic
from .llm import Settings
from .manifest import Manifest
from .pipeline import Progress, Result, generate
from .sections import SECTIONS, Section


class DraftError(Exception):
    """A problem the user can fix; the message says what and how."""


def plan(facts: Facts) -> tuple[list[Section], list[str]]:
    """The sections the facts support, and the ids of those left out for lack of facts."""
    present = [s for s in SECTIONS.values() if s.present(facts)]
    return present, [sid for sid, s in SECTIONS.items() if s not in present]


def assemble(facts: Facts, bodies: dict[str, str | None]) -> str:
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


@contextmanager
def draft_lock(folder: Path) -> Iterator[None]:
    try:
        with locked(folder):
            yield
    except LockError as exc:
        raise DraftError(str(exc)) from None


@dataclass
class Draft:
    folder: Path
    page: str
    flags: list[dict]
    manifest: dict


PREVIOUS = "manifest.prev.json"  # the manifest of the write before the last


def read_manifest(folder: Path, name: str = "manifest.json") -> dict | None:
    """The manifest as written, its shape checked; None when there is none. The previous
    manifest is only a hint (see hand_edits): a damaged one counts as none."""
    fix = ("redraft with `authoring draft FACTS.yaml --force` (page.md is kept in history/), or put back the "
           "manifest.json that authoring wrote")
    try:
        return read_json(folder / name, fix, missing_ok=True, shape=Manifest)
    except UnreadableFile as exc:
        if name == PREVIOUS:
            return None
        raise DraftError(str(exc)) from None


def hand_edits(folder: Path) -> dict[str, str]:
    """What an editor changed in page.md: section id -> why (see
    editing.edited_sections), and 'page.md' for text outside the known sections
    that the tool did not write (an introduction, a section of the editor's own),
    however many regens wrote around it. A change counts only when it differs from
    both of the tool's last two writes: a command killed between writing
    manifest.json and page.md leaves the page one write behind, and that is not an
    edit."""
    text = read_page(folder)
    if text is None:
        return {}
    manifests = [m for m in (read_manifest(folder), read_manifest(folder, PREVIOUS)) if m]
    if not manifests:
        return {"page.md": "not written by authoring"}
    found = [edited_sections(text, m) for m in manifests]
    edited = {sid: why for sid, why in found[0].items() if all(sid in f for f in found[1:])}
    if all(edited_outside(text, m) for m in manifests):
        edited["page.md"] = "edited outside the known sections"
    return edited


PAGE_FIX = "save it as UTF-8, or redraft with `authoring draft FACTS.yaml --force` (the file is kept in history/)"


def read_page(folder: Path) -> str | None:
    """page.md as text (None when there is none); an unreadable one is a DraftError that says how to recover."""
    try:
        return read_text(folder / "page.md", PAGE_FIX, missing_ok=True)
    except UnreadableFile as exc:
        raise DraftError(str(exc)) from None


def open_draft(folder: Path) -> tuple[dict, str]:
    """The manifest and page.md of an existing draft folder."""
    if not (folder / "page.md").exists():
        raise DraftError(f"{folder} is not a draft folder (no page.md); make one with `authoring draft FACTS.yaml`")
    manifest = read_manifest(folder)
    if manifest is None:
        raise DraftError(f"{folder} has no manifest.json; redraft it with `authoring draft FACTS.yaml --force`")
    page = read_page(folder)
    if page is None:
        raise DraftError(f"{folder} is not a draft folder (no page.md); make one with `authoring draft FACTS.yaml`")
    return manifest, page


def load_draft_facts(folder: Path, manifest: dict, facts_file: Path | None = None):
    path = facts_file or Path(manifest.get("facts_path") or manifest.get("facts_file") or "")
    if not str(path) or str(path) == ".":
        raise DraftError(f"{folder / 'manifest.json'} does not name the draft's facts seed; pass --facts FACTS.yaml")
    try:
        return load_facts(path)
    except FactsError as exc:
        raise DraftError(f"the draft's facts seed cannot be used (pass --facts FACTS.yaml to name another):\n{exc}") from None


def history_copy(folder: Path, name: str, text: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
    path = folder / "history" / f"{name}-{stamp}.md"
    write_atomic(path, text)
    return path


def _guard_hand_edits(folder: Path, force: bool) -> None:
    """Never overwrite an editor's words silently; with --force keep them in history/."""
    edited = hand_edits(folder)
    if not edited:
        return
    page = folder / "page.md"
    if not force:
        raise DraftError(f"{page} was edited by hand ({', '.join(sorted(edited))}); nothing was changed. Regenerate "
                         "single sections with `authoring regen`, or pass --force to draft it all again (the page is "
                         "kept in history/).")
    history_copy(folder, "page", page.read_text(encoding="utf-8"))


def _guard_folder(folder: Path, facts: Facts, facts_file: str, force: bool) -> None:
    """Before anything is asked or written: the folder holds no draft or this film's, and
    the files an editor may have damaged can be read. With --force a damaged file moves to
    history/ as it was, byte for byte, and the draft starts afresh. Another film's draft is
    refused even then: two titles with one slug would take turns replacing each other."""
    damaged: list[tuple[str, str]] = []
    try:
        manifest = read_manifest(folder)
    except DraftError as exc:
        manifest, damaged = None, [("manifest.json", str(exc))]
    if manifest is not None:
        _refuse_another_film(folder, manifest, facts, facts_file)
    try:
        read_page(folder)
    except DraftError as exc:
        damaged.append(("page.md", str(exc)))
    try:
        review.load_decisions(folder)
    except ValueError as exc:
        damaged.append(("review.json", str(exc)))
    if not damaged:
        return
    if not force:
        raise DraftError("\n".join(why for _, why in damaged))
    for name, _ in damaged:
        for moved in (name, PREVIOUS) if name == "manifest.json" else (name,):
            _move_to_history(folder, moved)


def _refuse_another_film(folder: Path, manifest: dict, facts: Facts, facts_file: str) -> None:
    """A folder belongs to the title and year it was drafted for, and to its seed file (so
    an editor may correct the title in that seed); any other film is refused."""
    title, year, seed = manifest.get("title"), manifest.get("year"), manifest.get("facts_path")
    if (title is None and seed is None) or (title, year) == (facts.title, facts.year):
        return
    if seed is not None and seed == str(Path(facts_file).resolve()):
        return
    raise DraftError(f"{folder} holds the draft of another film, {title} ({year}) from {seed}, whose slug "
                     f"{folder.name!r} is also this seed's; nothing was changed (not even with --force). Set a "
                     f"`slug:` of its own in {facts_file} (e.g. slug: {folder.name}-2), or choose another --out.")


def _move_to_history(folder: Path, name: str) -> None:
    """Keep a file the tool cannot use, exactly as it is, in history/ (a rename: no byte changes)."""
    path = folder / name
    if not os.path.lexists(path):
        return
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
    stem, dot, ext = name.partition(".")
    (folder / "history").mkdir(exist_ok=True)
    os.replace(path, folder / "history" / f"{stem}-{stamp}{dot}{ext}")


def make_draft(facts: Facts, facts_file: str, out_root: Path, settings: Settings, *, use_cache: bool = True,
               force: bool = False, progress: Progress = lambda sid, msg: None) -> Draft:
    """Draft one title: start the endpoint if needed, generate, check, write."""
    folder = draft_dir(out_root, facts)
    with draft_lock(folder):
        _guard_folder(folder, facts, facts_file, force)
        _guard_hand_edits(folder, force)  # before a model server is started for nothing
        needs_model = any(s.output for s in plan(facts)[0])
        with (endpoint(settings) if needs_model else nullcontext(settings)) as live:
            return asyncio.run(draft_async(facts, facts_file, out_root, live, use_cache=use_cache, force=force,
                                           progress=progress, guarded=True))


async def draft_async(facts: Facts, facts_file: str, out_root: Path, settings: Settings, *, use_cache: bool = True,
                      force: bool = False, progress: Progress = lambda sid, msg: None,
                      client=None, limit: asyncio.Semaphore | None = None, guarded: bool = False) -> Draft:
    """Draft one title against a live endpoint; a batch shares one client and limit across titles.
    A caller that does not hold the draft's lock passes guarded=False (the lock is taken here)."""
    folder = draft_dir(out_root, facts)
    with nullcontext() if guarded else draft_lock(folder):
        if not guarded:
            _guard_folder(folder, facts, facts_file, force)
            _guard_hand_edits(folder, force)
        present, left_out = plan(facts)
        results = await _generate(facts, settings, [s for s in present if s.output], out_root, use_cache, progress,
                                  client, limit)
        bodies = {s.id: (results[s.id].body if s.output else s.render(facts)) for s in present}
        page = assemble(facts, bodies)
        manifest = {"title": facts.title, "year": facts.year, "slug": facts.slug_or_default,
                    "facts_file": facts_file, "facts_path": str(Path(facts_file).resolve()), "sections": {}}
        for s in present:
            manifest["sections"][s.id] = _entry(facts, settings, s, bodies[s.id], results.get(s.id))
        return _finish(folder, facts, page, manifest, left_out, results)


async def _generate(facts, settings, sections, out_root, use_cache, progress, client=None, limit=None, fresh=False):
    if not sections:
        return {}
    cache = Cache(out_root.resolve() / ".cache" if use_cache else None, read=not fresh)
    return await generate(facts, settings, sections, cache, progress, client=client, limit=limit)


def regenerate(folder: Path, ids: list[str], settings: Settings, *, stale: bool = False, force: bool = False,
               facts_file: Path | None = None, use_cache: bool = True,  # False: do not even store the replies
               progress: Progress = lambda sid, msg: None) -> tuple[Draft, list[str]]:
    """Regenerate only the named (or stale) sections of a draft; every other section stays byte for byte."""
    from .editing import stale_sections
    folder = folder.resolve()
    with draft_lock(folder):
        manifest, page = open_draft(folder)
        review.load_decisions(folder)  # written at the end: a damaged one stops the command before any call
        loaded = load_draft_facts(folder, manifest, facts_file)
        facts = loaded.facts
        unknown = [sid for sid in ids if sid not in SECTIONS]
        if unknown:
            raise DraftError(f"unknown section {', '.join(unknown)}; sections are: {', '.join(SECTIONS)}")
        named, gone = ids, stale_sections(facts, manifest) if stale else {}
        if stale:
            ids = list(dict.fromkeys(ids + list(gone)))
        if not ids:
            raise DraftError("nothing to regenerate: name sections, or pass --stale (no section is stale)")
        present, left_out = plan(facts)
        present_ids = {s.id for s in present}
        # a named section needs its facts now; --stale is how a section whose facts were removed goes
        missing = [sid for sid in named if sid not in present_ids and sid not in gone]
        if missing:
            raise DraftError(f"the facts in {loaded.path} have nothing for {', '.join(missing)} now, so "
                             f"{'it' if len(missing) == 1 else 'they'} cannot be regenerated; nothing was changed. "
                             "Restore the facts, or run `authoring regen DRAFT --stale` to remove such a section.")
        edited = hand_edits(folder)
        blocked = [sid for sid in ids if sid in edited]
        if blocked and not force:
            raise DraftError(f"{', '.join(blocked)} {'was' if len(blocked) == 1 else 'were'} edited by hand; nothing "
                             "was changed. Pass --force to replace the edit (the old text is kept in history/).")
        _, chunks = split_page(page, manifest.get("title"))
        copies: dict[str, int] = {}
        for c in chunks:  # every copy of a section whose heading the editor repeated
            if c.sid in blocked:
                copies[c.sid] = copies.get(c.sid, 0) + 1
                history_copy(folder, c.sid if copies[c.sid] == 1 else f"{c.sid}-{copies[c.sid]}", c.text)
        todo = [SECTIONS[sid] for sid in SECTIONS if sid in ids and sid in present_ids]
        model_todo = [s for s in todo if s.output]
        with (endpoint(settings) if model_todo else nullcontext(settings)) as live:
            # a regenerated section is a new one: ask anew, whatever is cached
            results = asyncio.run(_generate(facts, live, model_todo, folder.parent, use_cache, progress, fresh=True))
            settings = live
        bodies: dict[str, str | None] = {s.id: (results[s.id].body if s.output else s.render(facts)) for s in todo}
        bodies |= {sid: None for sid in ids if sid not in present_ids}  # facts gone: the section goes too
        replaced = {k: v for k, v in bodies.items() if v is not None or k not in present_ids}
        manifest["layout"] = next_layout(page, manifest, replaced)  # the tool's own layout, not the editor's text
        page = replace_sections(page, replaced, manifest.get("title") or facts.title)
        for sid, body in bodies.items():
            if body is None and sid not in present_ids:
                manifest["sections"].pop(sid, None)
                continue
            before = manifest["sections"].get(sid)
            manifest["sections"][sid] = _entry(facts, settings, SECTIONS[sid], body, results.get(sid))
            if body is None and isinstance(before, dict):  # failed: the page keeps the text it had
                manifest["sections"][sid]["body_hash"] = before.get("body_hash")
        if facts_file:
            manifest["facts_file"], manifest["facts_path"] = str(facts_file), str(Path(facts_file).resolve())
        return _finish(folder, facts, page, manifest, left_out, results), [s.id for s in todo]


def _entry(facts: Facts, settings: Settings, s: Section, body: str | None, r: Result | None) -> dict:
    entry = {"made_by": s.made_by, "facts_hash": s.facts_hash(facts), "body_hash": sha(body) if body else None}
    if r is not None:
        u = r.usage
        entry |= {"model": settings.model, "backend": f"{settings.resolved_mode()}@{settings.endpoint}",
                  "prompt_hash": prompting.template_hash(s.id), "attempts": r.attempts, "cached": r.cached,
                  "calls": u.calls, "retries": u.retries, "prompt_tokens": u.prompt_tokens,
                  "completion_tokens": u.completion_tokens, "seconds": round(u.seconds, 2),
                  "wall_seconds": round(r.seconds, 2), "status": "failed" if body is None else
                  ("flagged" if r.errors else "ok"), "problems": r.problems,
                  "cost_usd": _cost(settings, u.prompt_tokens, u.completion_tokens)}
    return entry


def _cost(settings: Settings, prompt_tokens: int, completion_tokens: int) -> float | None:
    if settings.price_in is None or settings.price_out is None:
        return None
    return round((prompt_tokens * settings.price_in + completion_tokens * settings.price_out) / 1e6, 6)


def _finish(folder: Path, facts: Facts, page: str, manifest: dict, left_out: list[str],
            results: dict[str, Result]) -> Draft:
    """Check the page and write everything that follows from it."""
    from .checks import check_page
    flags = [f.to_dict() for f in check_page(facts, page)]
    totals = {k: 0 for k in ("prompt_tokens", "completion_tokens", "calls", "retries", "attempts")}
    costs = []
    for entry in manifest["sections"].values():
        for k in totals:
            totals[k] += entry.get(k, 0)
        if entry.get("cost_usd") is not None:
            costs.append(entry["cost_usd"])
    models = sorted({e["model"] for e in manifest["sections"].values() if e.get("model")})
    manifest |= {"facts_hash": facts.digest(), "drafted_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                 "model": ", ".join(models) or None, "left_out": left_out, "totals": totals,
                 "cost_usd": round(sum(costs), 6) if costs else None,
                 # the page as written (batch's up-to-date test); hand edits are judged by the
                 # layout and the section hashes, which cover only what the tool wrote
                 "page_hash": sha(page), "layout": manifest["layout"] if isinstance(manifest.get("layout"), str)
                 else layout(page, manifest.get("title"))}
    # sections.json, flags.json and page.html follow from the facts and the page:
    # written atomically but not fsynced; manifest and page are
    _write_sections(folder, facts, manifest, results)
    review.write_flags(folder, facts, page, flags)
    # manifest before page: killed in between, the page is one write behind (see hand_edits)
    if (folder / "manifest.json").exists():
        write_atomic(folder / PREVIOUS, (folder / "manifest.json").read_bytes())
    write_atomic(folder / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    write_atomic(folder / "page.md", page)
    return Draft(folder, page, flags, manifest)


def _write_sections(folder: Path, facts: Facts, manifest: dict, results: dict[str, Result]) -> None:
    """sections.json: each section's validated output and Markdown, in page order. One
    file rather than one per section: a batch spends more on creating files than on JSON."""
    path = folder / "sections.json"
    try:  # a regen replaces only its own sections; a damaged file is remade from what is known
        old = read_json(path, "", missing_ok=True) or {}
    except UnreadableFile:
        old = {}
    records = {}
    for sid in (sid for sid in SECTIONS if sid in manifest["sections"]):
        section, entry = SECTIONS[sid], manifest["sections"][sid]
        # a facts-made section is rendered again only when that is what the page holds: one a
        # regen left alone may have lost its facts since (rendering it would fail) or be stale
        body = section.render(facts) if entry["made_by"] == "facts" and section.present(facts) else None
        if sid in results:
            r = results[sid]
            records[sid] = {"heading": section.heading, "made_by": "model", "output": r.output,
                            "markdown": r.body, "problems": r.problems}
        elif body is not None and sha(body) == entry.get("body_hash"):
            records[sid] = {"heading": section.heading, "made_by": "facts", "output": None, "markdown": body}
        elif isinstance(old, dict) and isinstance(old.get(sid), dict):
            records[sid] = old[sid]
    write_atomic(path, json.dumps(records, indent=2, ensure_ascii=False) + "\n", durable=False)
