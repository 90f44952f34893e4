"""A page's Markdown as a title and sections (by `## ` heading) with 1-based
line numbers; `### ` subsections inside a section."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ..headings import section_id
from .text import fold

_HEADING = re.compile(r"^(#{1,6})[ \t]*(.*?)[ \t]*#*[ \t]*$")
_TITLE_YEAR = re.compile(r"^(.*?)\s*\((\d{4})\)\s*$")
LIST_MARK = re.compile(r"^\s*(?:[-*+\u2022]|\d{1,3}[.)])\s+")
_HASHES = re.compile(r"^#+\s*")
_section_id = functools.lru_cache(maxsize=1024)(section_id)   # pure; headings repeat from page to page


@dataclass
class Line:
    no: int                 # 1-based line number in the file
    text: str               # the line as written (no newline)
    folded: str             # same length, accents/quotes/dashes folded
    kind: str               # title | heading | subheading | text | blank
    section: str | None     # section id, None before any section or under an unknown heading
    sec: int                # index into Page.sections, -1 before the first section
    sub: int                # index into that section's subsections, -1 outside one
    is_item: bool = False   # a Markdown list item

    @functools.cached_property
    def body_start(self) -> int:
        """Offset where the text starts after a heading's #s or a list marker."""
        if self.kind in ("title", "heading", "subheading"):
            m = _HASHES.match(self.text)
            return m.end() if m else 0
        m = LIST_MARK.match(self.text)
        return m.end() if m else len(self.text) - len(self.text.lstrip())


@dataclass
class Subsection:
    heading: str
    line: Line
    body: list[Line] = field(default_factory=list)


@dataclass
class Section:
    id: str | None
    heading: str
    line: Line
    body: list[Line] = field(default_factory=list)          # every line after the heading
    subsections: list[Subsection] = field(default_factory=list)

    @property
    def intro(self) -> list[Line]:
        """Lines before the first subsection."""
        out = []
        for ln in self.body:
            if ln.kind == "subheading":
                break
            out.append(ln)
        return out

    def text_lines(self) -> list[Line]:
        return [ln for ln in self.body if ln.kind == "text"]


@dataclass
class Page:
    title: str | None
    year: int | None
    title_line: Line | None
    lines: list[Line]
    sections: list[Section]


def parse_page(text: str, film_title: str | None = None) -> Page:
    raw_lines = text.split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    lines: list[Line] = []
    sections: list[Section] = []
    title = year = title_line = None
    in_fence = False
    for i, raw in enumerate(raw_lines, 1):
        raw = raw.rstrip("\r")
        folded = fold(raw)
        sec = len(sections) - 1
        current = sections[sec] if sections else None
        sub = len(current.subsections) - 1 if current else -1
        stripped = raw.strip()
        if stripped.startswith("```"):
            in_fence = not in_fence
        m = None if in_fence or not raw.startswith("#") else _HEADING.match(raw)
        if m and len(m.group(1)) == 1 and title_line is None and not sections:
            ln = Line(i, raw, folded, "title", None, -1, -1)
            title_line = ln
            heading = m.group(2)
            tm = _TITLE_YEAR.match(heading)
            title, year = (tm.group(1), int(tm.group(2))) if tm else (heading, None)
        elif m and len(m.group(1)) == 2:
            heading = m.group(2)
            sid = _section_id(heading, title or film_title)
            if sid is None and film_title and title and film_title != title:
                sid = _section_id(heading, film_title)
            ln = Line(i, raw, folded, "heading", sid, len(sections), -1)
            sections.append(Section(sid, heading, ln))
        elif m and len(m.group(1)) >= 3 and current is not None:
            ln = Line(i, raw, folded, "subheading", current.id, sec, sub + 1)
            current.subsections.append(Subsection(m.group(2), ln))
            current.body.append(ln)
        else:
            kind = "text" if stripped else "blank"
            ln = Line(i, raw, folded, kind, current.id if current else None, sec, sub,
                      bool(LIST_MARK.match(raw)) if stripped else False)
            if current is not None:
                current.body.append(ln)
                if sub >= 0:
                    current.subsections[sub].body.append(ln)
        lines.append(ln)
    return Page(title, year, title_line, lines, sections)
