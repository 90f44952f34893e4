"""What every rule family works on: the parsed page, the facts index, per-line
name mentions and quoted spans, and the list of flags raised so far."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .flags import Flag
from .index import FactsIndex
from .page import Line, Page


@dataclass
class Mention:
    start: int
    end: int
    text: str          # folded alias as matched
    ids: set[int]
    full: bool         # a full name (not just a surname / given name)


@dataclass
class Quoted:
    start: int         # offset of the opening mark
    end: int           # offset after the closing mark (or end of line)
    inner: tuple[int, int]
    closed: bool
    double: bool


_OPEN_D = '"\u201c\u201e\u00ab'
_CLOSE_FOR = {'"': '"\u201d\u201c', "\u201c": '\u201d"\u201c', "\u201e": '\u201c\u201d"', "\u00ab": "\u00bb"}


_LETTER = re.compile(r"[A-Za-z]")
_SINGLE_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[\-\u2014\u2013/]))[\u2018'](?=[A-Za-z0-9\u00c0-\u024f])")
_OPEN_D_RE = re.compile("[" + _OPEN_D + "]")
_CLOSE_RE = {ch: re.compile("[" + closers + "]") for ch, closers in _CLOSE_FOR.items()}
_SINGLE_STOP = re.compile("['\u2019" + _OPEN_D + "]")   # a possible closing mark, or an opening double one


def find_quotes(text: str) -> list[Quoted]:
    out: list[Quoted] = []
    n = len(text)
    taken = []
    m = _OPEN_D_RE.search(text)
    while m is not None:
        i = m.start()
        cm = _CLOSE_RE[text[i]].search(text, i + 1)
        if cm is not None:
            j = cm.start()
            out.append(Quoted(i, j + 1, (i + 1, j), True, True))
            taken.append((i, j + 1))
            m = _OPEN_D_RE.search(text, j + 1)
            continue
        if _LETTER.search(text, i + 1):
            out.append(Quoted(i, n, (i + 1, n), False, True))
            taken.append((i, n))
        break
    # single quotes, outside double-quoted spans
    if "'" not in text and "\u2018" not in text:
        return out
    for m in _SINGLE_OPEN.finditer(text):
        s = m.start()
        if any(a <= s < b for a, b in taken):
            continue
        end = None
        km = _SINGLE_STOP.search(text, s + 1)
        while km is not None:
            k = km.start()
            if text[k] in _OPEN_D:
                break
            if not text[k - 1].isspace() and (k + 1 >= n or not text[k + 1].isalnum()):
                end = k
                break
            km = _SINGLE_STOP.search(text, k + 1)
        if end is None or end - s < 3:
            continue
        inner = text[s + 1:end]
        if not _LETTER.search(inner):
            continue
        if any(a < end and s < b for a, b in taken):
            continue
        out.append(Quoted(s, end + 1, (s + 1, end), True, False))
        taken.append((s, end + 1))
    out.sort(key=lambda q: q.start)
    return out


class Ctx:
    def __init__(self, idx: FactsIndex, page: Page):
        self.idx = idx
        self.facts = idx.facts
        self.page = page
        self.raised: list[tuple[Flag, int]] = []
        self._mentions: dict[int, list[Mention]] = {}
        self._quotes: dict[int, list[Quoted]] = {}
        self._phrases: dict[int, list[tuple[int, int]]] = {}
        # figures the numbers rules accepted: (field, value, precision, line, start, end)
        self.claims: list[tuple[str, float, float, Line, int, int]] = []

    # -- per-line analysis, computed once
    def mentions(self, line: Line) -> list[Mention]:
        got = self._mentions.get(line.no)
        if got is None:
            got = []
            if self.idx.alias_re is not None:
                for m in self.idx.alias_re.finditer(line.folded):
                    alias = m.group()
                    got.append(Mention(m.start(), m.end(), alias, self.idx.alias_ids.get(alias, set()),
                                       alias in self.idx.full_aliases))
            self._mentions[line.no] = got
        return got

    def quotes(self, line: Line) -> list[Quoted]:
        got = self._quotes.get(line.no)
        if got is None:
            got = self._quotes[line.no] = find_quotes(line.text)
        return got

    def phrases(self, line: Line) -> list[tuple[int, int]]:
        got = self._phrases.get(line.no)
        if got is None:
            got = self._phrases[line.no] = [m.span() for m in self.idx.phrase_re.finditer(line.folded)]
        return got

    # -- raising flags
    def add(self, rule: str, severity: str, line: Line, start: int, end: int, message: str,
            expected: str | None = None, found: str | None = None, section: str | None = ...) -> bool:
        excerpt = line.text[start:end].strip()
        if excerpt != line.text[start:end]:
            start += len(line.text[start:end]) - len(line.text[start:end].lstrip())
        self.raised.append((Flag(rule, severity, line.section if section is ... else section, line.no, excerpt,
                                 message, expected, found), start))
        return True

    def add_line(self, rule: str, severity: str, line_no: int, section: str | None, excerpt: str, message: str,
                 expected: str | None = None, found: str | None = None) -> None:
        self.raised.append((Flag(rule, severity, section, line_no, excerpt, message, expected, found), 0))
