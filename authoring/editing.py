"""Editors work on page.md directly. These helpers read it back as sections,
so that a command can tell which sections an editor changed, replace one
section and leave every other byte as the editor left it."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from . import prompting
from .facts import Facts
from .headings import section_id
from .sections import SECTIONS


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class Chunk:
    sid: str | None      # None: a heading we do not know (kept as it is)
    text: str            # the heading line, the body and the blank lines after it, verbatim

    @property
    def body(self) -> str:
        return self.text.split("\n", 1)[1].rstrip("\n") if "\n" in self.text else ""


def split_page(text: str, title: str | None = None) -> tuple[str, list[Chunk]]:
    """(everything before the first `## ` heading, the sections in page order)."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith("## ")]
    preamble = "".join(lines[: starts[0]] if starts else lines)
    chunks = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        chunks.append(Chunk(section_id(lines[start][3:].strip(), title), "".join(lines[start:end])))
    return preamble, chunks


def replace_sections(text: str, bodies: dict[str, str | None], title: str) -> str:
    """The page with those sections' bodies replaced, inserted in page order, or
    removed (body None); every other byte as it was."""
    preamble, chunks = split_page(text, title)
    order = list(SECTIONS)
    for sid, body in bodies.items():
        if body is None:
            chunks = [c for c in chunks if c.sid != sid]
            continue
        new = f"## {SECTIONS[sid].heading}\n{body}\n"
        at = next((i for i, c in enumerate(chunks) if c.sid == sid), None)
        if at is not None:
            old = chunks[at].text
            chunks[at].text = new + old[len(old.rstrip("\n")) + 1:] if old.endswith("\n") else new
            continue
        later = [i for i, c in enumerate(chunks) if c.sid in order and order.index(c.sid) > order.index(sid)]
        at = later[0] if later else len(chunks)
        if at > 0 and not chunks[at - 1].text.endswith("\n\n"):
            chunks[at - 1].text = chunks[at - 1].text.rstrip("\n") + "\n\n"
        chunks.insert(at, Chunk(sid, new + ("\n" if at < len(chunks) else "")))
    return preamble + "".join(c.text for c in chunks)


def edited_sections(page: str, manifest: dict) -> dict[str, str]:
    """Sections whose text differs from what the tool last wrote: id -> 'edited' | 'removed'."""
    _, chunks = split_page(page, manifest.get("title"))
    found = {c.sid: c for c in chunks if c.sid}
    edited = {}
    for sid, entry in manifest.get("sections", {}).items():
        if entry.get("body_hash") is None or entry.get("status") == "failed":
            continue
        if sid not in found:
            edited[sid] = "removed"
        elif sha(found[sid].body) != entry["body_hash"]:
            edited[sid] = "edited"
    return edited


def stale_sections(facts: Facts, manifest: dict) -> dict[str, str]:
    """Sections whose inputs changed since they were written: id -> why."""
    from .draft import plan
    present = {s.id for s in plan(facts)[0]}
    stale = {}
    for sid, section in SECTIONS.items():
        entry = manifest.get("sections", {}).get(sid)
        if entry is None:
            if sid in present:
                stale[sid] = "the facts now support it"
            continue
        if sid not in present:
            stale[sid] = "its facts were removed"
        elif entry.get("facts_hash") != section.facts_hash(facts):
            stale[sid] = "its facts changed"
        elif section.output and entry.get("prompt_hash") != prompting.template_hash(sid):
            stale[sid] = "its prompt template changed"
    return stale
