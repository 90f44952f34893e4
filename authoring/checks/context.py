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


def find_quotes(text: str) -> list[Quoted]:
    out: list[Quoted] = []
    i, n = 0, len(text)
    taken = []
    while i < n:
        ch = text[i]
        if ch in _OPEN_D:
            closers = _CLOSE_FOR[ch]
            j = i + 1
            while j < n and text[j] not in closers:
                j += 1
            if j < n:
                out.append(Quoted(i, j + 1, (i + 1, j), True, True))
                taken.append((i, j + 1))
                i = j + 1
                continue
            if re.search(r"[A-Za-z]", text[i + 1:]):
                out.append(Quoted(i, n, (i + 1, n), False, True))
                taken.append((i, n))
            break
        i += 1
    # single quotes, outside double-quoted spans
    for m in re.finditer(r"(?:(?<=^)|(?<=[\s(\[\-\u2014\u2013/]))[\u2018'](?=[A-Za-z0-9\u00c0-\u024f])", text):
        s = m.start()
        if any(a <= s < b for a, b in taken):
            continue
        k = s + 1
        end = None
        while k < n:
            c = text[k]
            if c in "'\u2019" and not text[k - 1].isspace() and (k + 1 >= n or not text[k + 1].isalnum()):
                end = k
                break
            if c in _OPEN_D:
                break
            k += 1
        if end is None or end - s < 3:
            continue
        inner = text[s + 1:end]
        if not re.search(r"[A-Za-z]", inner):
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
