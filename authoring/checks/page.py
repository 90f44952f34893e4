"""A page's Markdown as a title and sections (by `## ` heading) with 1-based
line numbers; `### ` subsections inside a section. Which lines are headings is
decided by headings.find_headings, the scan the editing commands split pages
with, so a `## FAQ` inside a code fence is text to both."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..headings import find_headings, title_and_year
from .text import fold

LIST_MARK = re.compile(r"^\s*(?:[-*+\u2022]|\d{1,3}[.)])\s+")
_HASHES = re.compile(r"^#+\s*")


class _once:
    """functools.cached_property without its lock (a rule reads body_start of every line):
    computed on first access, then an instance attribute that hides the descriptor."""

    def __init__(self, fn):
        self.fn, self.name, self.__doc__ = fn, fn.__name__, fn.__doc__

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


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

    @_once
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
    open_fence: Line | None = None  # a code fence never closed: it runs to the end of the page


def parse_page(text: str, film_title: str | None = None) -> Page:
    raw_lines = text.split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    lines: list[Line] = []
    sections: list[Section] = []
    title = year = title_line = None
    heads, open_fence = find_headings(raw_lines, film_title)
    at = {h.index: h for h in heads}
    for i, raw in enumerate(raw_lines, 1):
        raw = raw.rstrip("\r")
        folded = fold(raw)
        sec = len(sections) - 1
        current = sections[sec] if sections else None
        sub = len(current.subsections) - 1 if current else -1
        stripped = raw.strip()
        m = at.get(i - 1)
        if m and m.level == 1 and title_line is None and not sections:
            ln = Line(i, raw, folded, "title", None, -1, -1)
            title_line = ln
            title, year = title_and_year(m.text)
        elif m and m.level == 2:
            ln = Line(i, raw, folded, "heading", m.sid, len(sections), -1)
            sections.append(Section(m.sid, m.text, ln))
        elif m and m.level >= 3 and current is not None:
            ln = Line(i, raw, folded, "subheading", current.id, sec, sub + 1)
            current.subsections.append(Subsection(m.text, ln))
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
    return Page(title, year, title_line, lines, sections, None if open_fence is None else lines[open_fence])
