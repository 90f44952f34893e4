"""The page as text cut at its `## ` headings. Editors work on page.md directly, so
a command that changes one section must leave every other byte as the editor left
it: it replaces that section's chunk and keeps the rest verbatim.

The page is cut by headings.find_headings, the scan the checker uses too: a
`## FAQ` inside a code fence is the text of the section around it. What the tool
wrote is remembered by the draft folder (see folder.py) as each section's body
hash and the page's layout: the page with each known section's body replaced by a
placeholder, so that text the editor added around the sections can be told."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .facts import Facts
from .headings import find_headings, lines_of
from .sections import SECTIONS

BODY = "\u2026"  # stands for a section's body in a layout


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def lf(text: str) -> str:
    """The text with CRLF line ends read as LF and no byte-order mark: an editor's
    program may save page.md either way, and neither is an edit."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def eol(text: str) -> str:
    """The line end most of the page's lines have; text the tool adds to the page uses it too."""
    return "\r\n" if text.count("\r\n") * 2 > text.count("\n") else "\n"


def styled_like(page: str, old: str | None) -> str:
    """The tool's page (LF, no byte-order mark) in the line ends and byte-order mark of the page it replaces."""
    if not old:
        return page
    page = page.replace("\n", "\r\n") if eol(old) == "\r\n" else page
    return "\ufeff" + page if old.startswith("\ufeff") else page


def assemble(facts: Facts, bodies: dict[str, str | None]) -> str:
    """The page the tool writes: the title line, then each section that has a body, in page order."""
    parts = [f"# {facts.title} ({facts.year})"]
    for sid, section in SECTIONS.items():
        if bodies.get(sid):
            parts.append(f"## {section.heading}\n{bodies[sid]}")
    return "\n\n".join(parts) + "\n"


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
        return self.text[len(self.heading):].rstrip("\r\n")

    @property
    def tail(self) -> str:
        """The line end of the body and the blank lines after it."""
        rest = self.text[len(self.heading):]
        return rest[len(rest.rstrip("\r\n")):]

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


def replace_sections(text: str, bodies: dict[str, str | None], title: str | None) -> str:
    """The page with those sections' bodies replaced, inserted in page order, or
    removed (body None); every other byte as it was. A section whose heading
    appears twice is replaced at its first heading and its other copies go (a
    caller keeps them in history/ first: see workflows.regenerate)."""
    preamble, chunks = split_page(text, title)
    order = list(SECTIONS)
    end = eol(text)  # a page saved with CRLF line ends gets its new text with them too
    for sid, body in bodies.items():
        mine = [i for i, c in enumerate(chunks) if c.sid == sid]
        if body is None:
            chunks = [c for c in chunks if c.sid != sid]
            continue
        new = f"## {SECTIONS[sid].heading}\n{lf(body)}\n".replace("\n", end)
        if mine:
            old = chunks[mine[0]].text
            tail = old[len(old.rstrip("\r\n")):]  # its last line end (new has one) and the blank lines after it
            chunks[mine[0]].text = new + (tail[2:] if tail.startswith("\r\n") else tail[1:])
            chunks = [c for i, c in enumerate(chunks) if i not in mine[1:]]
            continue
        later = [i for i, c in enumerate(chunks) if c.sid in order and order.index(c.sid) > order.index(sid)]
        at = later[0] if later else len(chunks)
        if at > 0 and not chunks[at - 1].text.endswith(end * 2):
            chunks[at - 1].text = chunks[at - 1].text.rstrip(end) + end * 2
        chunks.insert(at, Chunk(sid, new + (end if at < len(chunks) else "")))
    return preamble + "".join(c.text for c in chunks)


def layout(text: str, title: str | None = None) -> str:
    """The page less its known sections' bodies: the title line and anything else
    before the first section, each heading line, the blank lines after each
    section, and every section we do not know, whole; line ends read as LF (see lf)."""
    preamble, chunks = split_page(text, title)
    return lf(preamble + "".join(c.skeleton for c in chunks))
