"""The draft folder: what `authoring draft` leaves for the editor, and the one
place that reads and writes it. The editor may change any file in it, so every
file is checked where it is read, and a wrong one is a message naming it.

    <out>/<slug>/page.md              the page (../shared/spec/page.md); the editor's to edit
    <out>/<slug>/page.html            the review page: Markdown rendered, flags highlighted
    <out>/<slug>/flags.json           what the checks found on page.md, with the editor's decisions (decisions.py)
    <out>/<slug>/manifest.json        per section: model, backend, hashes, tokens, seconds
    <out>/<slug>/manifest.prev.json   the manifest of the write before the last
    <out>/<slug>/sections.json        each section's validated output and Markdown
    <out>/<slug>/history/             text that a forced command replaced, or could not write
    <out>/<slug>/review.json          the editor's decisions on flags (authoring review)

Fresh has one meaning, in three questions: what did the editor change (`edits`),
which sections no longer match their facts or prompt (`stale`), and may a batch
skip this title (`up_to_date`)."""
from __future__ import annotations

import datetime as dt
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Literal

from . import prompting
from .checks import check_page
from .chunks import Chunk, layout, lf, replace_sections, sha, split_page
from .decisions import load_decisions, write_flags
from .facts import Facts, FactsError, Loaded, load_facts
from .files import (BadInput, DraftError, LockError, Record, UnreadableFile, locked, read_bytes, read_json,
                    read_text, write_atomic)
from .llm import Settings
from .pipeline import Result
from .sections import SECTIONS, Section, plan

PREVIOUS = "manifest.prev.json"  # the manifest of the write before the last
TOTALS = ("prompt_tokens", "completion_tokens", "calls", "retries", "attempts")
MANIFEST_FIX = ("redraft with `authoring draft FACTS.yaml --force` (page.md is kept in history/), or put back the "
                "manifest.json that authoring wrote")
PAGE_FIX = "save it as UTF-8, or redraft with `authoring draft FACTS.yaml --force` (the file is kept in history/)"


# ---------------------------------------------------------------- what is on disk

class SectionEntry(Record):
    """One section's record in manifest.json (fields in the order the tool writes them)."""
    made_by: Literal["model", "facts"]
    facts_hash: str | None = None
    body_hash: str | None = None
    model: str | None = None
    backend: str | None = None
    prompt_hash: str | None = None
    attempts: int | None = None
    cached: int = 0
    calls: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    wall_seconds: float = 0.0
    status: str | None = None
    problems: list[str] = []
    cost_usd: float | None = None


class Manifest(Record):
    """manifest.json: what the tool wrote, for whom, and at what cost."""
    title: str | None = None
    year: int | None = None
    slug: str | None = None
    facts_file: str | None = None
    facts_path: str | None = None
    sections: dict[Literal[tuple(SECTIONS)], SectionEntry]  # type: ignore[valid-type]
    facts_hash: str | None = None
    drafted_at: str | None = None
    model: str | None = None
    left_out: list[str] = []
    totals: dict[str, int] = {}
    cost_usd: float | None = None
    page_hash: str | None = None  # the page as written (up_to_date)
    layout: str | None = None     # the page less its sections' bodies (see chunks.layout); older ones lack it


@dataclass
class Draft:
    folder: Path
    page: str
    flags: list[dict]   # as in flags.json
    manifest: Manifest


# ---------------------------------------------------------------- reading

def draft_dir(out_root: Path, facts: Facts) -> Path:
    root = out_root.resolve()
    named = root / facts.slug_or_default
    folder = named.resolve()
    if named.is_symlink():  # the draft would land wherever the link points
        raise BadInput(f"{named} is a link to {folder}, not a folder; nothing was written. Remove the link, or "
                       "choose another --out")
    if folder.parent != root:  # slugs are validated; this is the last line of defence
        raise DraftError(f"refusing to write outside {root}: {folder}")
    return folder


@contextmanager
def lock(folder: Path) -> Iterator[None]:
    """One command at a time on a draft."""
    try:
        with locked(folder):
            yield
    except LockError as exc:
        raise DraftError(str(exc)) from None


def read_manifest(folder: Path, name: str = "manifest.json") -> Manifest | None:
    """The manifest, its shape checked; None when there is none. The previous
    manifest is only a hint (see edits): a damaged one counts as none."""
    try:
        return read_json(folder / name, MANIFEST_FIX, missing_ok=True, shape=Manifest)
    except UnreadableFile as exc:
        if name == PREVIOUS:
            return None
        raise DraftError(str(exc)) from None


def page_path(folder: Path) -> Path:
    """Where page.md's text is: an editor's link is followed (and written through), never replaced."""
    path = folder / "page.md"
    if not path.is_symlink():
        return path
    target = path.resolve()
    if not target.is_file():
        raise DraftError(f"{path} is a link to {target}, which is not a file; nothing was written. Point the link "
                         "at the page, or replace it with the page itself")
    return target


def read_page(folder: Path) -> str | None:
    """page.md as text (None when there is none); an unreadable one is a DraftError that says how to recover."""
    try:
        return read_text(page_path(folder), PAGE_FIX, missing_ok=True)
    except UnreadableFile as exc:
        raise DraftError(str(exc)) from None


def existing(folder: Path) -> Path:
    """A draft folder named on the command line: there, and a folder (not its page.md)."""
    if not folder.is_dir():
        what = "is a file" if folder.exists() else "does not exist"
        raise BadInput(f"{folder} {what}: give the draft folder (the one holding page.md, e.g. "
                       "drafts/leaving-las-vegas-1995)")
    return folder


def open_draft(folder: Path) -> tuple[Manifest, str]:
    """The manifest and page.md of an existing draft folder."""
    existing(folder)
    if not (folder / "page.md").exists():
        raise BadInput(f"{folder} is not a draft folder (no page.md); make one with `authoring draft FACTS.yaml`")
    manifest = read_manifest(folder)
    if manifest is None:
        raise DraftError(f"{folder} has no manifest.json; redraft it with `authoring draft FACTS.yaml --force`")
    page = read_page(folder)
    if page is None:
        raise BadInput(f"{folder} is not a draft folder (no page.md); make one with `authoring draft FACTS.yaml`")
    return manifest, page


def load_draft_facts(folder: Path, manifest: Manifest, facts_file: Path | None = None) -> Loaded:
    path = facts_file or Path(manifest.facts_path or manifest.facts_file or "")
    if not str(path) or str(path) == ".":
        raise BadInput(f"{folder / 'manifest.json'} does not name the draft's facts seed; pass --facts FACTS.yaml")
    try:
        return load_facts(path)
    except FactsError as exc:
        raise BadInput("the draft's facts seed cannot be used (pass --facts FACTS.yaml to name another):\n"
                         f"{exc}") from None


def readable(folder: Path) -> tuple[Manifest | None, dict[str, str]]:
    """The manifest (None when there is none or it is damaged), and the files an
    editor may have damaged that the commands cannot read: name -> why."""
    damaged: dict[str, str] = {}
    manifest = None
    try:
        manifest = read_manifest(folder)
    except DraftError as exc:
        damaged["manifest.json"] = str(exc)
    try:
        read_page(folder)
    except DraftError as exc:
        damaged["page.md"] = str(exc)
    try:
        load_decisions(folder)
    except ValueError as exc:
        damaged["review.json"] = str(exc)
    return manifest, damaged


# ---------------------------------------------------------------- history

def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")


def history(folder: Path) -> Path:
    """history/, refused unless it is a folder of the draft's own (or not there yet): a
    link would put the editor's replaced text somewhere else. Commands that may write
    to it call this before they write anything."""
    path = folder / "history"
    if path.is_symlink() or (os.path.lexists(path) and not path.is_dir()):
        what = f"a link to {path.resolve()}" if path.is_symlink() else "not a folder"
        raise DraftError(f"{path} is {what}; nothing was written. It keeps the text that commands replace: "
                         "move it away, then run the command again")
    return path


def history_copy(folder: Path, name: str, text: str) -> Path:
    path = history(folder) / f"{name}-{_stamp()}.md"
    write_atomic(path, text)
    return path


def move_to_history(folder: Path, names: Iterable[str]) -> None:
    """Keep files the tool cannot use, exactly as they are, in history/ (a rename: no
    byte changes); the previous manifest goes with the manifest."""
    for name in names:
        for moved in (name, PREVIOUS) if name == "manifest.json" else (name,):
            path = folder / moved
            if not os.path.lexists(path):
                continue
            stem, dot, ext = moved.partition(".")
            history(folder).mkdir(exist_ok=True)
            os.replace(path, folder / "history" / f"{stem}-{_stamp()}{dot}{ext}")


# ---------------------------------------------------------------- writing

def entry(facts: Facts, settings: Settings, s: Section, body: str | None, r: Result | None) -> SectionEntry:
    """A section's manifest record: from the facts, or what its model answer cost."""
    known = {"made_by": s.made_by, "facts_hash": s.facts_hash(facts), "body_hash": sha(body) if body else None}
    if r is None:
        return SectionEntry(**known)
    u = r.usage
    return SectionEntry(**known, model=settings.model, backend=f"{settings.resolved_mode()}@{settings.endpoint}",
                        prompt_hash=prompting.template_hash(s.id), attempts=r.attempts, cached=r.cached,
                        calls=u.calls, retries=u.retries, prompt_tokens=u.prompt_tokens,
                        completion_tokens=u.completion_tokens, seconds=round(u.seconds, 2),
                        wall_seconds=round(r.seconds, 2),
                        status="failed" if body is None else ("flagged" if r.errors else "ok"), problems=r.problems,
                        cost_usd=settings.cost(u.prompt_tokens, u.completion_tokens))


def _refuse_if_changed(folder: Path, before: str | None, results: dict[str, Result]) -> None:
    """A DraftError unless page.md is still `before`, the page the command read (None: no
    page): an editor who saved it while the model was asked would lose that edit. The
    model's new text is kept in history/, as the reply cache does not hold a regen's."""
    expected = None if before is None else before.encode("utf-8")
    try:
        same = read_bytes(page_path(folder), PAGE_FIX, missing_ok=True) == expected
    except (UnreadableFile, DraftError):
        same = False
    if same:
        return
    new = "".join(f"## {s.heading}\n{results[sid].body}\n\n" for sid, s in SECTIONS.items()
                  if sid in results and results[sid].body)
    kept = f" (the new text is kept in {history_copy(folder, 'unsaved', new)})" if new else ""
    raise DraftError(f"{folder / 'page.md'} changed while the command ran; nothing was overwritten{kept}. "
                     "Run the command again.")


def write_draft(folder: Path, facts: Facts, page: str, manifest: Manifest, left_out: list[str],
                results: dict[str, Result], before: str | None) -> Draft:
    """Check the page and write everything that follows from it, unless page.md is no
    longer `before`, the page as the command read it (None: there was none)."""
    _refuse_if_changed(folder, before, results)
    entries = manifest.sections.values()
    costs = [e.cost_usd for e in entries if e.cost_usd is not None]
    manifest.facts_hash = facts.digest()
    manifest.drafted_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    manifest.model = ", ".join(sorted({e.model for e in entries if e.model})) or None
    manifest.left_out = left_out
    manifest.totals = {k: sum(getattr(e, k) or 0 for e in entries) for k in TOTALS}
    manifest.cost_usd = round(sum(costs), 6) if costs else None
    # hand edits are judged by the layout and the section hashes, which cover only what the tool wrote
    manifest.page_hash = sha(page)
    manifest.layout = manifest.layout if manifest.layout is not None else layout(page, manifest.title)
    # sections.json, flags.json and page.html follow from the facts and the page:
    # written atomically but not fsynced; manifest and page are
    _write_sections(folder, facts, manifest, results)
    flags = write_flags(folder, facts, page, check_page(facts, page))
    # manifest before page: killed in between, the page is one write behind (see edits)
    old = (folder / "manifest.json").read_bytes() if (folder / "manifest.json").exists() else None
    if old is not None:
        write_atomic(folder / PREVIOUS, old)
    write_atomic(folder / "manifest.json", manifest.text())
    try:  # once more, as close to the write as it gets
        _refuse_if_changed(folder, before, results)
    except DraftError:
        if old is None:
            (folder / "manifest.json").unlink()
        else:
            write_atomic(folder / "manifest.json", old)
        raise
    write_atomic(page_path(folder), page)  # through an editor's link, keeping the file's mode
    return Draft(folder, page, flags, manifest)


def _write_sections(folder: Path, facts: Facts, manifest: Manifest, results: dict[str, Result]) -> None:
    """sections.json: each section's validated output and Markdown, in page order. One
    file rather than one per section: a batch spends more on creating files than on JSON."""
    path = folder / "sections.json"
    try:  # a regen replaces only its own sections; a damaged file is remade from what is known
        old = read_json(path, "", missing_ok=True) or {}
    except UnreadableFile:
        old = {}
    records = {}
    for sid in (sid for sid in SECTIONS if sid in manifest.sections):
        section, written = SECTIONS[sid], manifest.sections[sid]
        # a facts-made section is rendered again only when that is what the page holds: one a
        # regen left alone may have lost its facts since (rendering it would fail) or be stale
        body = section.render(facts) if written.made_by == "facts" and section.present(facts) else None
        if sid in results:
            r = results[sid]
            records[sid] = {"heading": section.heading, "made_by": "model", "output": r.output,
                            "markdown": r.body, "problems": r.problems}
        elif body is not None and sha(body) == written.body_hash:
            records[sid] = {"heading": section.heading, "made_by": "facts", "output": None, "markdown": body}
        elif isinstance(old, dict) and isinstance(old.get(sid), dict):
            records[sid] = old[sid]
    write_atomic(path, json.dumps(records, indent=2, ensure_ascii=False) + "\n", durable=False)


# ---------------------------------------------------------------- fresh

def _presumed_layout(page: str, manifest: Manifest) -> str:
    """For a manifest from before layouts were kept: the layout the tool wrote,
    as far as it can be told (its own title line, its own sections)."""
    _, chunks = split_page(page, manifest.title)
    known = [c for c in chunks if c.sid]
    head = f"# {manifest.title} ({manifest.year})\n" + ("\n" if known else "")
    return lf(head + "".join(c.skeleton for c in known))


def next_layout(page: str, manifest: Manifest, bodies: dict[str, str | None]) -> str:
    """The tool's layout after it replaced these sections: what it wrote before,
    with the same replacements; the editor's text outside the sections stays out."""
    written = manifest.layout if manifest.layout is not None else _presumed_layout(page, manifest)
    return layout(replace_sections(written, bodies, manifest.title), manifest.title)


def edited_outside(page: str, manifest: Manifest) -> bool:
    """Whether page.md has text outside the known sections that the tool did not
    write (or lacks some it did: a heading, the title line)."""
    mine = layout(page, manifest.title)
    if manifest.layout is not None:
        return mine != manifest.layout
    # an older manifest: its page_hash covers the whole page as last written,
    # editor's text included when a regen wrote around it
    return mine != _presumed_layout(page, manifest) or (
        sha(page) != manifest.page_hash and not edited_sections(page, manifest))


def edited_sections(page: str, manifest: Manifest) -> dict[str, str]:
    """Sections whose text differs from what the tool last wrote: id -> why
    ('edited', 'removed', 'added by hand', or a heading that appears more than once)."""
    _, chunks = split_page(page, manifest.title)
    found: dict[str, list[Chunk]] = {}
    for c in chunks:
        if c.sid:
            found.setdefault(c.sid, []).append(c)
    # a failed regen keeps the hash of the text left
    written = {sid: e.body_hash for sid, e in manifest.sections.items() if e.body_hash}
    edited = {}
    for sid, copies in found.items():
        if len(copies) > 1:
            edited[sid] = f"edited (its heading appears {len(copies)} times)"
        elif sid not in written:
            edited[sid] = "added by hand"
        elif (sha(lf(copies[0].body)) != written[sid]  # CRLF line ends are not an edit
              or copies[0].heading.rstrip("\r\n") != f"## {SECTIONS[sid].heading}"):
            edited[sid] = "edited"
    for sid in written:
        if sid not in found:
            edited[sid] = "removed"
    return edited


def edits(folder: Path) -> dict[str, str]:
    """What an editor changed in page.md: section id -> why (see edited_sections), and
    'page.md' for text outside the known sections that the tool did not write (an
    introduction, a section of the editor's own), however many regens wrote around it.
    A change counts only when it differs from both of the tool's last two writes: a
    command killed between writing manifest.json and page.md leaves the page one write
    behind, and that is not an edit."""
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


def stale(facts: Facts, manifest: Manifest, template_hash=prompting.template_hash) -> dict[str, str]:
    """Sections whose inputs changed since they were written: id -> why."""
    present = {s.id for s in plan(facts)[0]}
    found = {}
    for sid, section in SECTIONS.items():
        written = manifest.sections.get(sid)
        if written is None:
            if sid in present:
                found[sid] = "the facts now support it"
            continue
        if sid not in present:
            found[sid] = "its facts were removed"
        elif written.facts_hash != section.facts_hash(facts):
            found[sid] = "its facts changed"
        elif section.output and written.prompt_hash != template_hash(sid):
            found[sid] = "its prompt template changed"
    return found


_TEMPLATE_HASHES: dict[str, str] = {}


def _template_hash(sid: str) -> str:
    """prompting.template_hash, read once per process: a batch asks for every title."""
    if sid not in _TEMPLATE_HASHES:
        _TEMPLATE_HASHES[sid] = prompting.template_hash(sid)
    return _TEMPLATE_HASHES[sid]


def up_to_date(folder: Path, facts: Facts, settings: Settings) -> Manifest | None:
    """The manifest of a finished draft of exactly these facts that nobody edited
    (None when the title must be drafted): same facts, page.md as written, no
    section stale or failed, the same model."""
    try:
        manifest = read_manifest(folder)
        page = read_page(folder)
        if manifest is None or page is None or manifest.facts_hash != facts.digest():
            return None
        if manifest.page_hash != sha(page) or stale(facts, manifest, _template_hash):
            return None
    except (DraftError, OSError, ValueError, prompting.PromptError):  # drafting it says what is wrong
        return None
    for written in manifest.sections.values():
        if written.made_by == "model" and (written.status == "failed" or written.model != settings.model):
            return None
    return manifest
