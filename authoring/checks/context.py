"""What every rule family works on: the parsed page, the facts index, per-line
name mentions and quoted spans, and the list of flags raised so far."""
from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Callable, Hashable

from .flags import Flag
from .index import FactsIndex
from .page import Line, Page
from .spans import Spans
from .text import caseless


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
# an opening single mark: at the start, or after a space, bracket, dash or slash (tested after the
# mark, so that the regex engine skips to the marks)
_SINGLE_OPEN = re.compile(r"[\u2018'](?<![^\s(\[\-\u2014\u2013/][\u2018'])(?=[A-Za-z0-9\u00c0-\u024f])")
_OPEN_D_RE = re.compile("[" + _OPEN_D + "]")
_CLOSE_RE = {ch: re.compile("[" + closers + "]") for ch, closers in _CLOSE_FOR.items()}
_SINGLE_STOP = re.compile("['\u2019" + _OPEN_D + "]")   # a possible closing mark, or an opening double one


def find_quotes(text: str) -> list[Quoted]:
    out: list[Quoted] = []
    n = len(text)
    doubles = []        # spans of the double-quoted passages, in order
    m = _OPEN_D_RE.search(text)
    while m is not None:
        i = m.start()
        cm = _CLOSE_RE[text[i]].search(text, i + 1)
        if cm is not None:
            j = cm.start()
            out.append(Quoted(i, j + 1, (i + 1, j), True, True))
            doubles.append((i, j + 1))
            m = _OPEN_D_RE.search(text, j + 1)
            continue
        if _LETTER.search(text, i + 1):
            out.append(Quoted(i, n, (i + 1, n), False, True))
            doubles.append((i, n))
        break
    # single quotes, outside double-quoted spans
    if "'" not in text and "\u2018" not in text:
        return out
    taken = Spans(doubles)
    singles: list[tuple[int, int]] = []     # accepted in order of their start, disjoint: sorted by either end
    # an opening mark's passage ends at the first closing mark after it, unless an opening double
    # mark comes first: both lists once per line, not a scan from each opening mark
    closers, double_opens = [], []
    for km in _SINGLE_STOP.finditer(text):
        k = km.start()
        if text[k] in _OPEN_D:
            double_opens.append(k)
        elif not text[k - 1].isspace() and (k + 1 >= n or not text[k + 1].isalnum()):
            closers.append(k)
    for m in _SINGLE_OPEN.finditer(text):
        s = m.start()
        if taken.at(s) is not None or (singles and s < singles[-1][1]):
            continue
        ci = bisect_right(closers, s)
        if ci == len(closers):
            continue
        end = closers[ci]
        di = bisect_right(double_opens, s)
        if di < len(double_opens) and double_opens[di] < end:
            continue
        if end - s < 3:
            continue
        if not _LETTER.search(text, s + 1, end):
            continue
        if taken.overlaps(s, end):
            continue
        out.append(Quoted(s, end + 1, (s + 1, end), True, False))
        singles.append((s, end + 1))
    out.sort(key=lambda q: q.start)
    return out


class Ctx:
    """A page being checked. A line may be a piece of a long line (its `offset` in it):
    what is worked out per line is keyed by the line's text, which is all it depends on."""

    def __init__(self, idx: FactsIndex, page: Page):
        self.idx = idx
        self.facts = idx.facts
        self.page = page
        self.raised: list[tuple[Flag, int]] = []
        self._mentions: dict[str, list[Mention]] = {}
        self._quotes: dict[str, list[Quoted]] = {}
        self._phrases: dict[str, list[tuple[int, int]]] = {}
        self._spans: dict[tuple[str, str], Spans] = {}
        self._replays: dict[tuple, tuple[list, list]] = {}
        seen: set[str] = set()
        self._repeated = {ln.text for ln in page.lines if ln.text in seen or seen.add(ln.text)}
        # figures the numbers rules accepted: (field, value, precision, line, start, end)
        self.claims: list[tuple[str, float, float, Line, int, int]] = []

    # -- per-line analysis, computed once per text
    def mentions(self, line: Line) -> list[Mention]:
        got = self._mentions.get(line.folded)
        if got is None:
            got = []
            if self.idx.alias_re is not None:
                for m in self.idx.alias_re.finditer(line.folded):
                    alias = m.group()
                    got.append(Mention(m.start(), m.end(), alias, self.idx.alias_ids.get(alias, set()),
                                       alias in self.idx.full_aliases))
            self._mentions[line.folded] = got
        return got

    def quotes(self, line: Line) -> list[Quoted]:
        got = self._quotes.get(line.text)
        if got is None:
            got = self._quotes[line.text] = find_quotes(line.text)
        return got

    def phrases(self, line: Line) -> list[tuple[int, int]]:
        got = self._phrases.get(line.folded)
        if got is None:
            idx = self.idx
            got = self._phrases[line.folded] = [
                m.span() for m in idx.phrase_re.finditer(caseless(line.folded) if idx.phrase_caseless else line.folded)]
        return got

    def mention_spans(self, line: Line) -> Spans:
        """The line's mentions, for look-ups by position (values: the Mention)."""
        key = ("mentions", line.folded)
        got = self._spans.get(key)
        if got is None:
            ms = self.mentions(line)
            got = self._spans[key] = Spans([(m.start, m.end) for m in ms], ms)
        return got

    def phrase_spans(self, line: Line) -> Spans:
        """The line's known phrases, for look-ups by position (values: the span)."""
        key = ("phrases", line.folded)
        got = self._spans.get(key)
        if got is None:
            got = self._spans[key] = Spans(self.phrases(line))
        return got

    def faq_question(self, line: Line) -> Line | None:
        """The `### Question?` heading of the FAQ part whose answer starts with this line."""
        if line.section != "faq" or line.sub < 0 or line.sec < 0:
            return None
        sub = self.page.sections[line.sec].subsections[line.sub]
        first = next((x for x in sub.body if x.kind == "text"), None)
        return sub.line if first is line else None

    def per_line(self, rule: str, line: Line, run: Callable[[], None],
                 context: Callable[[], Hashable] | None = None) -> None:
        """run() a rule on one line, or, when a line with the same text, kind and section (and
        context(): what else the rule reads) has been through it, replay what it raised there
        on this line. A page that repeats itself (a model stuck in a loop, a paste gone
        wrong) costs what its distinct lines cost; a line that occurs once costs nothing more."""
        if line.text not in self._repeated:
            run()
            return
        key = (rule, line.text, line.kind, line.section, context() if context is not None else None)
        got = self._replays.get(key)
        offset = getattr(line, "offset", 0)
        if got is None:
            n_raised, n_claims = len(self.raised), len(self.claims)
            run()
            self._replays[key] = ([(flag, col - offset) for flag, col in self.raised[n_raised:]],
                                  [c[:3] + c[4:] for c in self.claims[n_claims:]])
            return
        flags, claims = got
        self.raised += [(flag if flag.line == line.no else dataclasses.replace(flag, line=line.no), col + offset)
                        for flag, col in flags]
        self.claims += [c[:3] + (line,) + c[3:] for c in claims]

    # -- raising flags
    def add(self, rule: str, severity: str, line: Line, start: int, end: int, message: str,
            expected: str | None = None, found: str | None = None, section: str | None = ...) -> bool:
        excerpt = line.text[start:end].strip()
        if excerpt != line.text[start:end]:
            start += len(line.text[start:end]) - len(line.text[start:end].lstrip())
        self.raised.append((Flag(rule, severity, line.section if section is ... else section, line.no, excerpt,
                                 message, expected, found), start + getattr(line, "offset", 0)))
        return True

    def add_line(self, rule: str, severity: str, line_no: int, section: str | None, excerpt: str, message: str,
                 expected: str | None = None, found: str | None = None) -> None:
        self.raised.append((Flag(rule, severity, section, line_no, excerpt, message, expected, found), 0))
