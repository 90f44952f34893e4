"""Section ids and headings of the page (../shared/spec/page.md), shared by the
generator, which writes them, and the checker, which reads them back. The headings
are the sections' own (sections.SECTIONS); this module finds them on a page."""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from . import sections as registry

# id -> heading, in page order, as each section declares it
SECTIONS: dict[str, str] = {sid: section.heading for sid, section in registry.SECTIONS.items()}


def normalise_heading(text: str) -> str:
    """Case-folded letters and digits only: emoji, punctuation and dashes ignored."""
    text = unicodedata.normalize("NFKD", text)
    words = re.findall(r"[^\W_]+", text.casefold())
    return " ".join(w for w in words if not all(unicodedata.combining(c) for c in w))


_BY_NORMAL = {normalise_heading(h): sid for sid, h in SECTIONS.items()}


def section_id(heading: str, title: str | None = None) -> str | None:
    """The section id of a `## ` heading, or None when it is not one we know.

    Published pages put the title into some headings ("Leaving Las Vegas
    Reviews", "How to Watch Leaving Las Vegas?"), so the title is tried away too.
    """
    norm = normalise_heading(heading)
    if norm in _BY_NORMAL:
        return _BY_NORMAL[norm]
    if title:
        t = normalise_heading(title)
        stripped = " ".join(norm.replace(t, " ").split()) if t else norm
        if stripped in _BY_NORMAL:
            return _BY_NORMAL[stripped]
    return None


# --- where the headings are: one scan for the splitter (editing) and the parser (checks) ------------

# An ATX heading as the checker has always read it: `#`s at the very start of the line, the space after
# them optional (`##FAQ` is a section too), closing #s dropped. Lenient on purpose: a page written by hand
# is read the way its author meant it. More than six #s read as a level-6 heading. (The closing #s are
# stripped in code: a lazy `(.*?)[ \t]*#*[ \t]*$` takes time quadratic in the length of the line.)
HEADING = re.compile(r"(#{1,6})[ \t]*(.*)")
_FENCE_START = (" ", "`", "~")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_FENCE_CLOSE = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*$")


_TITLE_YEAR = re.compile(r"(.*)\((\d{4})\)\s*$")   # greedy: linear in the length of the line
_cached_id = functools.lru_cache(maxsize=1024)(section_id)   # pure; headings repeat from page to page


@dataclass(frozen=True)
class Heading:
    index: int              # 0-based line index
    level: int              # 1-6
    text: str               # the heading without its #s
    sid: str | None = None  # a `## ` heading's section id; None when it is not one we know


def title_and_year(heading: str) -> tuple[str, int | None]:
    """`Leaving Las Vegas (1995)` -> ("Leaving Las Vegas", 1995); no year: (heading, None)."""
    m = _TITLE_YEAR.match(heading)
    return (m.group(1).rstrip(), int(m.group(2))) if m else (heading, None)


def lines_of(text: str) -> list[str]:
    """The lines of a page, each with its "\\n" kept, split at "\\n" only: str.splitlines
    also splits at \\r, \\x0c, \\u2028 ..., which the checker reads as text inside a line."""
    lines = text.split("\n")
    last = lines.pop()
    return [line + "\n" for line in lines] + ([last] if last else [])


def find_headings(lines: Iterable[str], film_title: str | None = None) -> tuple[list[Heading], int | None]:
    """The headings of a page outside fenced code, and the index of a fence left open
    (None when every fence is closed). A `## ` heading's section id is read with the
    title of the page's `# Title (Year)` line taken away, else the film's title.

    One scan for both the editing commands and the checker, so that what `regen`
    replaces is exactly what `check` calls a section. Fences follow CommonMark, the
    Markdown page.html is rendered with: ``` or ~~~ (3 or more) indented at most 3
    spaces; closed by a line of the same character, at least as long, and nothing
    else; a backtick fence's info string has no backtick; a fence never closed runs
    to the end of the page. A hand-written scan rather than a Markdown parser: the
    headings are the checker's lenient ones (above), which no CommonMark parser
    reads, and it costs one pass over the lines of a page that may be megabytes."""
    found: list[Heading] = []
    fence: tuple[str, int, int] | None = None   # (character, length, index of the opening line)
    title, seen_title, seen_section = None, False, False
    for i, line in enumerate(lines):
        if i == 0 and line[:1] == "\ufeff":  # a byte-order mark, saved by some editors, is not text
            line = line[1:]
        first = line[:1]
        if fence is not None:
            if first in _FENCE_START:
                m = _FENCE_CLOSE.match(line.rstrip("\n").rstrip("\r"))
                if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= fence[1]:
                    fence = None
            continue
        if first == "#":
            m = HEADING.match(line.rstrip("\n").rstrip("\r"))
            level, sid = len(m.group(1)), None
            text = m.group(2).rstrip(" \t").rstrip("#").rstrip(" \t")
            if level == 1 and not seen_title and not seen_section:
                seen_title = True
                title = title_and_year(text)[0]
            elif level == 2:
                seen_section = True
                sid = _cached_id(text, title or film_title)
                if sid is None and film_title and title and film_title != title:
                    sid = _cached_id(text, film_title)
            found.append(Heading(i, level, text, sid))
            continue
        m = _FENCE.match(line) if first in _FENCE_START else None
        if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            fence = (m.group(1)[0], len(m.group(1)), i)
    return found, (fence[2] if fence else None)
