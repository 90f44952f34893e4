"""Editors work on page.md directly. These helpers read it back as sections,
so that a command can tell which sections an editor changed, replace one
section and leave every other byte as the editor left it.

The page is split by headings.find_headings, the scan the checker uses too: a
`## FAQ` inside a code fence is the text of the section around it, and a
section whose heading appears twice is an editor's change (the tool writes
each once). What the tool wrote is remembered two ways in manifest.json: each
section's body hash, and the page's layout (the page with each section's body
replaced by a placeholder: the title line, the headings, the blank lines
between them). Anything else on the page, an introduction under the title or a
section of the editor's own, is a hand edit until a forced draft keeps it in
history/, however many regens come in between."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from . import prompting
from .facts import Facts
from .headings import find_headings, lines_of
from .sections import SECTIONS

BODY = "\u2026"  # stands for a section's body in a layout


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class Chunk:
    sid: str | None      # None: a heading we do not know (kept as it is)
    text: str            # the heading line, the body and the blank lines after it, verbatim

    @property
    def heading(self) -> str:
        """The heading line, with its line end."""
        end = self.text.find("\n")
        return self.text if end < 0 else self.text[:end + 1]

    @property
    def body(self) -> str:
        return self.text[len(self.heading):].rstrip("\n")

    @property
    def tail(self) -> str:
        """The line end of the body and the blank lines after it."""
        rest = self.text[len(self.heading):]
        return rest[len(rest.rstrip("\n")):]

    @property
    def skeleton(self) -> str:
        """The chunk in a layout: a known section's body replaced by a placeholder."""
        if self.sid is None:
            return self.text
        return self.heading + (BODY if self.body else "") + self.tail


def split_page(text: str, title: str | None = None) -> tuple[str, list[Chunk]]:
    """(everything before the first `## ` heading, the sections in page order),
    headings inside code fences being text."""
    lines = lines_of(text)
    starts = [(h.index, h.sid) for h in find_headings(lines, title)[0] if h.level == 2]
    preamble = "".join(lines[: starts[0][0]] if starts else lines)
    chunks = []
    for n, (start, sid) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        chunks.append(Chunk(sid, "".join(lines[start:end])))
    return preamble, chunks


def replace_sections(text: str, bodies: dict[str, str | None], title: str) -> str:
    """The page with those sections' bodies replaced, inserted in page order, or
    removed (body None); every other byte as it was. A section whose heading
    appears twice is replaced at its first heading and its other copies go (a
    caller keeps them in history/ first: see draft.regenerate)."""
    preamble, chunks = split_page(text, title)
    order = list(SECTIONS)
    for sid, body in bodies.items():
        mine = [i for i, c in enumerate(chunks) if c.sid == sid]
        if body is None:
            chunks = [c for c in chunks if c.sid != sid]
            continue
        new = f"## {SECTIONS[sid].heading}\n{body}\n"
        if mine:
            old = chunks[mine[0]].text
            chunks[mine[0]].text = new + old[len(old.rstrip("\n")) + 1:] if old.endswith("\n") else new
            chunks = [c for i, c in enumerate(chunks) if i not in mine[1:]]
            continue
        later = [i for i, c in enumerate(chunks) if c.sid in order and order.index(c.sid) > order.index(sid)]
        at = later[0] if later else len(chunks)
        if at > 0 and not chunks[at - 1].text.endswith("\n\n"):
            chunks[at - 1].text = chunks[at - 1].text.rstrip("\n") + "\n\n"
        chunks.insert(at, Chunk(sid, new + ("\n" if at < len(chunks) else "")))
    return preamble + "".join(c.text for c in chunks)


def layout(text: str, title: str | None = None) -> str:
    """The page less its known sections' bodies: the title line and anything else
    before the first section, each heading line, the blank lines after each
    section, and every section we do not know, whole."""
    preamble, chunks = split_page(text, title)
    return preamble + "".join(c.skeleton for c in chunks)


def _presumed_layout(page: str, manifest: dict) -> str:
    """For a manifest from before layouts were kept: the layout the tool wrote,
    as far as it can be told (its own title line, its own sections)."""
    preamble, chunks = split_page(page, manifest.get("title"))
    known = [c for c in chunks if c.sid]
    head = f"# {manifest.get('title')} ({manifest.get('year')})\n" + ("\n" if known else "")
    return head + "".join(c.skeleton for c in known)


def tool_layout(page: str, manifest: dict) -> str:
    """The layout of the page as the tool last wrote it."""
    written = manifest.get("layout")
    return written if isinstance(written, str) else _presumed_layout(page, manifest)


def next_layout(page: str, manifest: dict, bodies: dict[str, str | None]) -> str:
    """The tool's layout after it replaced these sections: what it wrote before,
    with the same replacements; the editor's text outside the sections stays out."""
    title = manifest.get("title")
    return layout(replace_sections(tool_layout(page, manifest), bodies, title), title)


def edited_outside(page: str, manifest: dict) -> bool:
    """Whether page.md has text outside the known sections that the tool did not
    write (or lacks some it did: a heading, the title line)."""
    mine = layout(page, manifest.get("title"))
    if isinstance(manifest.get("layout"), str):
        return mine != manifest["layout"]
    # an older manifest: its page_hash covers the whole page as last written,
    # editor's text included when a regen wrote around it
    return mine != _presumed_layout(page, manifest) or (
        sha(page) != manifest.get("page_hash") and not edited_sections(page, manifest))


def edited_sections(page: str, manifest: dict) -> dict[str, str]:
    """Sections whose text differs from what the tool last wrote: id -> why
    ('edited', 'removed', 'added by hand', or a heading that appears more than once)."""
    _, chunks = split_page(page, manifest.get("title"))
    found: dict[str, list[Chunk]] = {}
    for c in chunks:
        if c.sid:
            found.setdefault(c.sid, []).append(c)
    written = {sid: e["body_hash"] for sid, e in (manifest.get("sections") or {}).items()
               if isinstance(e, dict) and e.get("body_hash")}  # a failed regen keeps the hash of the text left
    edited = {}
    for sid, copies in found.items():
        if len(copies) > 1:
            edited[sid] = f"edited (its heading appears {len(copies)} times)"
        elif sid not in written:
            edited[sid] = "added by hand"
        elif sha(copies[0].body) != written[sid] or copies[0].heading.rstrip("\r\n") != f"## {SECTIONS[sid].heading}":
            edited[sid] = "edited"
    for sid in written:
        if sid not in found:
            edited[sid] = "removed"
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
