"""What the editor's commands do, each as one function: draft a title, regenerate
sections, re-check the page, record a decision on a flag, report a draft's status.
Each takes the draft folder's lock, reads the folder through folder.py, and never
overwrites an editor's words silently (with --force they are kept in history/)."""
from __future__ import annotations

import asyncio
import sys
from contextlib import nullcontext
from pathlib import Path

from .cache import Cache
from .checks import Flag, check_page
from .checks.run import emit
from .chunks import assemble, replace_sections, split_page, styled_like
from .decisions import annotate, load_decisions, save_decision, write_flags
from .facts import Facts
from .files import BadInput, DraftError
from .folder import (Draft, Manifest, SectionEntry, draft_dir, edits, entry, existing, history, history_copy,
                     load_draft_facts, lock, move_to_history, next_layout, open_draft, read_page, readable,
                     write_draft)
from .folder import stale as stale_sections
from .llm import Settings
from .llm.embedded import endpoint
from .pipeline import Progress, generate
from .sections import SECTIONS, plan


def _quiet(sid: str, message: str) -> None:
    pass


# ---------------------------------------------------------------- draft

def _guard_hand_edits(folder: Path, force: bool) -> str | None:
    """Never overwrite an editor's words silently; with --force keep them in history/.
    Returns page.md as read now (None: no page yet), for write_draft to compare with
    the page on disk when it writes: an editor may save it while the model is asked."""
    page = read_page(folder)
    edited = edits(folder)
    if not edited:
        return page
    if not force:
        raise DraftError(f"{folder / 'page.md'} was edited by hand ({', '.join(sorted(edited))}); nothing was "
                         "changed. Regenerate single sections with `authoring regen`, or pass --force to draft it all "
                         "again (the page is kept in history/).")
    history_copy(folder, "page", page)
    return page


def _guard_folder(folder: Path, facts: Facts, facts_file: str, force: bool) -> None:
    """Before anything is asked or written: the folder holds no draft or this film's, and
    the files an editor may have damaged can be read. With --force a damaged file moves to
    history/ as it was, byte for byte, and the draft starts afresh. Another film's draft is
    refused even then: two titles with one slug would take turns replacing each other."""
    history(folder)  # a link or a file there is refused before anything is written
    manifest, damaged = readable(folder)
    if manifest is not None:
        _refuse_another_film(folder, manifest, facts, facts_file)
    if damaged and not force:
        raise DraftError("\n".join(damaged.values()))
    move_to_history(folder, damaged)


def _refuse_another_film(folder: Path, manifest: Manifest, facts: Facts, facts_file: str) -> None:
    """A folder belongs to the title and year it was drafted for, and to its seed file (so
    an editor may correct the title in that seed); any other film is refused."""
    title, year, seed = manifest.title, manifest.year, manifest.facts_path
    if (title is None and seed is None) or (title, year) == (facts.title, facts.year):
        return
    if seed is not None and seed == str(Path(facts_file).resolve()):
        return
    raise DraftError(f"{folder} holds the draft of another film, {title} ({year}) from {seed}, whose slug "
                     f"{folder.name!r} is also this seed's; nothing was changed (not even with --force). Set a "
                     f"`slug:` of its own in {facts_file} (e.g. slug: {folder.name}-2), or choose another --out.")


def make_draft(facts: Facts, facts_file: str, out_root: Path, settings: Settings, *, use_cache: bool = True,
               force: bool = False, progress: Progress = _quiet) -> Draft:
    """Draft one title: start the endpoint if needed, generate, check, write."""
    folder = draft_dir(out_root, facts)
    with lock(folder):
        _guard_folder(folder, facts, facts_file, force)
        page = _guard_hand_edits(folder, force)  # before a model server is started for nothing
        needs_model = any(s.output for s in plan(facts)[0])
        with (endpoint(settings) if needs_model else nullcontext(settings)) as live:
            return asyncio.run(draft_async(facts, facts_file, out_root, live, use_cache=use_cache, force=force,
                                           progress=progress, guarded=True, page_read=page))


async def draft_async(facts: Facts, facts_file: str, out_root: Path, settings: Settings, *, use_cache: bool = True,
                      force: bool = False, progress: Progress = _quiet,
                      client=None, limit: asyncio.Semaphore | None = None, guarded: bool = False,
                      page_read: str | None = None) -> Draft:
    """Draft one title against a live endpoint; a batch shares one client and limit across titles.
    A caller that does not hold the draft's lock passes guarded=False (the lock is taken here);
    one that does passes page_read, page.md as its guard read it (None: there was none)."""
    folder = draft_dir(out_root, facts)
    with nullcontext() if guarded else lock(folder):
        if not guarded:
            _guard_folder(folder, facts, facts_file, force)
            page_read = _guard_hand_edits(folder, force)
        present, left_out = plan(facts)
        results = await _generate(facts, settings, [s for s in present if s.output], out_root, use_cache, progress,
                                  client, limit)
        bodies = {s.id: (results[s.id].body if s.output else s.render(facts)) for s in present}
        manifest = Manifest(title=facts.title, year=facts.year, slug=facts.slug_or_default, facts_file=facts_file,
                            facts_path=str(Path(facts_file).resolve()),
                            sections={s.id: entry(facts, settings, s, bodies[s.id], results.get(s.id))
                                      for s in present})
        page = styled_like(assemble(facts, bodies), page_read)  # CRLF, a byte-order mark: as the editor saved it
        return write_draft(folder, facts, page, manifest, left_out, results, page_read)


async def _generate(facts, settings, sections, out_root, use_cache, progress, client=None, limit=None, fresh=False):
    if not sections:
        return {}
    cache = Cache(out_root.resolve() / ".cache" if use_cache else None, read=not fresh)
    return await generate(facts, settings, sections, cache, progress, client=client, limit=limit)


# ---------------------------------------------------------------- regen

def regenerate(folder: Path, ids: list[str], settings: Settings, *, stale: bool = False, force: bool = False,
               facts_file: Path | None = None, use_cache: bool = True,  # False: do not even store the replies
               progress: Progress = _quiet) -> tuple[Draft | None, list[str]]:
    """Regenerate only the named (or stale) sections of a draft; every other section stays byte for byte.
    (None, []) when --stale finds nothing stale and no section is named."""
    folder = existing(folder).resolve()
    with lock(folder):
        manifest, page = open_draft(folder)
        history(folder)  # a link or a file there is refused before the model is asked
        read = page  # write_draft writes nothing over an edit saved while the model is asked
        load_decisions(folder)  # written at the end: a damaged one stops the command before any call
        loaded = load_draft_facts(folder, manifest, facts_file)
        facts = loaded.facts
        unknown = [sid for sid in ids if sid not in SECTIONS]
        if unknown:
            raise BadInput(f"unknown section {', '.join(unknown)}; sections are: {', '.join(SECTIONS)}")
        named, gone = ids, stale_sections(facts, manifest) if stale else {}
        if stale:
            ids = list(dict.fromkeys(ids + list(gone)))
        if not ids and stale:
            return None, []  # nothing is stale: nothing to do
        if not ids:
            raise BadInput("nothing to regenerate: name the sections (e.g. faq synopsis), or pass --stale")
        present, left_out = plan(facts)
        present_ids = {s.id for s in present}
        # a named section needs its facts now; --stale is how a section whose facts were removed goes
        missing = [sid for sid in named if sid not in present_ids and sid not in gone]
        if missing:
            raise DraftError(f"the facts in {loaded.path} have nothing for {', '.join(missing)} now, so "
                             f"{'it' if len(missing) == 1 else 'they'} cannot be regenerated; nothing was changed. "
                             "Restore the facts, or run `authoring regen DRAFT --stale` to remove such a section.")
        edited = edits(folder)
        blocked = [sid for sid in ids if sid in edited]
        if blocked and not force:
            raise DraftError(f"{', '.join(blocked)} {'was' if len(blocked) == 1 else 'were'} edited by hand; nothing "
                             "was changed. Pass --force to replace the edit (the old text is kept in history/).")
        _, chunks = split_page(page, manifest.title)
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
        manifest.layout = next_layout(page, manifest, replaced)  # the tool's own layout, not the editor's text
        page = replace_sections(page, replaced, manifest.title or facts.title)
        for sid, body in bodies.items():
            if body is None and sid not in present_ids:
                manifest.sections.pop(sid, None)
                continue
            before: SectionEntry | None = manifest.sections.get(sid)
            manifest.sections[sid] = entry(facts, settings, SECTIONS[sid], body, results.get(sid))
            if body is None and before is not None:  # failed: the page keeps the text it had
                manifest.sections[sid].body_hash = before.body_hash
        if facts_file:
            manifest.facts_file, manifest.facts_path = str(facts_file), str(Path(facts_file).resolve())
        return write_draft(folder, facts, page, manifest, left_out, results, read), [s.id for s in todo]


# ---------------------------------------------------------------- check and review

def recheck(folder: Path, facts_file: Path | None = None) -> tuple[list[Flag], list[dict]]:
    """Check a draft's page.md as it is now against the draft's facts (or facts_file);
    refresh flags.json and page.html. Returns (the flags, as flags.json holds them)."""
    with lock(existing(folder)):
        manifest, page = open_draft(folder)
        facts = load_draft_facts(folder, manifest, facts_file).facts
        flags = check_page(facts, page)
        return flags, write_flags(folder, facts, page, flags)


def check_drafts(paths: list[str], as_json: bool) -> int:
    """`authoring check DRAFT...` without --facts: each draft against its own facts."""
    results = []
    for given in paths:
        try:
            flags, _ = recheck(Path(given).resolve())
        except (DraftError, ValueError) as exc:
            print(f"authoring check: {given}: {exc}", file=sys.stderr)
            return 2
        results.append((str(Path(given) / "page.md"), flags))
    return emit(results, as_json)


def find_flag(flags: list[dict], fid: str) -> dict:
    """The current flag named by its id or the start of it."""
    matches = [f for f in flags if f["id"] == fid] or ([f for f in flags if f["id"].startswith(fid)] if fid else [])
    if len(matches) != 1:
        known = ", ".join(dict.fromkeys(f["id"] for f in flags)) or "none"
        raise BadInput(f"no single flag with id {fid!r} on the page (current ids: {known})")
    return matches[0]


def decide(folder: Path, flags: list[dict], fid: str, status: str, note: str) -> dict:
    """Record the editor's decision on a current flag, named by its id or the start of it."""
    flag = find_flag(flags, fid)
    with lock(folder):
        save_decision(folder, read_page(folder) or "", flag, status, note)
    return flag


def draft_status(folder: Path, facts_file: Path | None = None) -> dict:
    """What `authoring status` shows (against the draft's seed, or facts_file); reads only."""
    manifest, page = open_draft(folder)
    facts = load_draft_facts(folder, manifest, facts_file).facts
    flags = annotate(check_page(facts, page), load_decisions(folder), page)
    edited, gone = edits(folder), stale_sections(facts, manifest)
    rows = []
    for sid in SECTIONS:
        written = manifest.sections.get(sid)
        if written is None and sid not in gone:
            continue
        written = written or SectionEntry(made_by=SECTIONS[sid].made_by)
        if sid in edited:
            state = edited[sid]
        elif written.status == "failed":
            state = "failed"
        else:
            state = "generated" if written.made_by == "model" else "from facts"
        if sid in gone:
            state += f", stale ({gone[sid]})"
        mine = [f for f in flags if f["section"] == sid and f["status"] == "open"]
        rows.append({"id": sid, "made_by": written.made_by, "state": state, "attempts": written.attempts,
                     "errors": sum(f["severity"] == "error" for f in mine),
                     "warnings": sum(f["severity"] != "error" for f in mine),
                     "tokens": written.prompt_tokens + written.completion_tokens})
    open_ = [f for f in flags if f["status"] == "open"]
    totals = manifest.totals
    return {"sections": rows, "model": manifest.model, "cost_usd": manifest.cost_usd,
            "tokens": totals.get("prompt_tokens", 0) + totals.get("completion_tokens", 0),
            "open_errors": sum(f["severity"] == "error" for f in open_),
            "open_warnings": sum(f["severity"] != "error" for f in open_)}
