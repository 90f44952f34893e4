"""Numbers: dates, years, running times, money, ratings, counts and any other
figure, each read in whatever format the page writes it and compared with the
facts (rounding allowed only to the precision written).

This module holds what the scanners share: the line read once (lower-cased, with
names, quotations, links and list numbers blanked), its sentences, hedges and the
figures already taken, the order the scanners run in, and check(ctx). The scanners
themselves are mixins, one module per kind of figure."""
from __future__ import annotations

import dataclasses
import re

from ..context import Ctx
from ..page import Line
from ..patterns import word_alt
from ..spans import Marks, Spans
from ..text import ORDINALS, TENS, UNITS, caseless, lower_same_len, sentence_spans
from .dates import DateScans
from .money import MoneyScans
from .plain import PlainScans
from .regexes import _DIGIT, _HOLDS_NUMWORD, _LIST_NUMBER, _NEEDS_BY_ID, _NO_NEED, HEDGE, HEDGE_DOWN, HEDGE_UP, RE_URL
from .scores import ScoreScans


def _blank(work: list[str], s: int, e: int) -> None:
    for i in range(s, e):
        work[i] = " "


class ScanBase:
    """Scans one line; `work` is the lower-cased line with handled spans blanked."""

    def __init__(self, ctx: Ctx, line: Line):
        self.ctx = ctx
        self.idx = ctx.idx
        self.f = ctx.facts
        self.line = line
        low = lower_same_len(line.folded)
        self.low = low
        work = list(low)
        for m in ctx.mentions(line):
            _blank(work, m.start, m.end)
        for s, e in ctx.phrases(line):
            if any(c.isdigit() for c in low[s:e]):
                _blank(work, s, e)
        if "http" in low or "www." in low or "](" in low:
            for m in RE_URL.finditer(low):
                _blank(work, m.start(), m.end())
        for q in ctx.quotes(line):
            if q.closed:  # quoted words are the quotes rules' business
                _blank(work, q.start, q.end)
        lm = _LIST_NUMBER.match(low)
        if lm:
            _blank(work, 0, lm.end())
        self.work = work
        self._text: str | None = None       # "".join(work), until work changes
        self._sentences: list[tuple[int, int]] | None = None
        self._has_text: str | None = None
        self._has_digit: bool | None = None
        self._has_num: bool | None = None
        self._has_keys: dict[int, bool] = {}
        # the spans already read as figures, by start and by end: before() and after() stop at them
        self._handled_starts = Marks()
        self._handled_ends = Marks()
        self._sentence_spans: Spans | None = None
        self._critic_end: int | None = None

    # -- helpers
    @property
    def sentences(self) -> list[tuple[int, int]]:
        if self._sentences is None:
            self._sentences = sentence_spans(self.line.folded)
        return self._sentences

    def text(self) -> str:
        if self._text is None:
            self._text = "".join(self.work)
        return self._text

    def blank(self, s: int, e: int) -> None:
        _blank(self.work, s, e)
        self._text = None

    def handled(self, s: int, e: int) -> None:
        self._handled_starts.add(s)
        self._handled_ends.add(e)

    def take(self, s: int, e: int) -> None:
        self.blank(s, e)
        self.handled(s, e)

    def scan(self, rx: re.Pattern) -> list[re.Match]:
        """rx's matches in the text as it is now; none, without scanning, when
        the text lacks what rx cannot match without (_NEEDS)."""
        text = self.text()
        digit, keys, precheck = _NEEDS_BY_ID.get(id(rx), _NO_NEED)
        if self._has_text is not text:     # what the text holds, worked out once per version of it
            self._has_text = text
            self._has_digit = None
            self._has_num = None
            self._has_keys = {}
        if keys is not None:
            keys, holds = keys
            got = self._has_keys.get(id(keys))
            if got is None:
                got = self._has_keys[id(keys)] = holds(text)
            if not got:
                return []
        if digit is not None:
            if self._has_digit is None:
                self._has_digit = _DIGIT.search(text) is not None
            if not self._has_digit:
                if digit == "digit":
                    return []
                if self._has_num is None:
                    self._has_num = _HOLDS_NUMWORD(text)
                if not self._has_num:
                    return []
        if precheck is not None and not precheck(text):
            return []
        return list(rx.finditer(text))

    def sentence_of(self, pos: int) -> tuple[int, int]:
        if self._sentence_spans is None:
            self._sentence_spans = Spans(self.sentences)
        return self._sentence_spans.at(pos) or (0, len(self.low))

    def before(self, pos: int, limit: int = 60) -> str:
        """The text before pos: at most limit characters, within its sentence, after any figure read."""
        s, _ = self.sentence_of(pos)
        lo = max(s, pos - limit)
        prev = self._handled_ends.last_in(lo, pos)
        return self.low[lo if prev is None else prev:pos]

    def after(self, pos: int, limit: int = 40) -> str:
        """The text after pos: at most limit characters, within its sentence, before any figure read."""
        _, e = self.sentence_of(pos)
        hi = min(e, pos + limit)
        nxt = self._handled_starts.first_in(pos, hi)
        return self.low[pos:hi if nxt is None else nxt]

    def flag(self, rule: str, s: int, e: int, message: str, expected=None, found=None, severity="error"):
        self.ctx.add(rule, severity, self.line, s, e, message, expected, found)

    def hedge(self, pos: int) -> str | None:
        b = self.low[max(0, pos - 25):pos]
        if HEDGE_UP.search(b):
            return "up"
        if HEDGE_DOWN.search(b):
            return "down"
        if HEDGE.search(b):
            return "any"
        return None

    # -- the scan
    def run(self) -> None:
        self.dates()
        self.money()
        self.votes()
        self.durations()
        self.ratings()
        self.years()
        self.ordinals()
        self.plain()


class NumberScan(MoneyScans, DateScans, ScoreScans, PlainScans, ScanBase):
    """All the scanners over one line, in ScanBase.run's order."""


_DIGIT_ANY = re.compile(r"\d")
_NUMBER_WORD = re.compile(word_alt(set(UNITS) | set(TENS) | set(ORDINALS)) + r"\b")   # in caseless() text


def _any_number(text: str) -> bool:
    """A digit, or a number word (any case) on its own."""
    return _DIGIT_ANY.search(text) is not None or _NUMBER_WORD.search(caseless(text)) is not None


def check(ctx: Ctx) -> None:
    for line in ctx.page.lines:
        if line.kind == "text":      # an answer's first figure may answer "how many ...?": the question matters
            ctx.per_line("numbers", line, lambda: _scan_text(ctx, line), lambda: _question_text(ctx, line))
        elif line.kind == "title" and _any_number(line.folded):
            _title_scan(ctx, line)


def _question_text(ctx: Ctx, line: Line) -> str | None:
    q = ctx.faq_question(line)
    return q.folded if q is not None else None


def _scan_text(ctx: Ctx, line: Line) -> None:
    if _any_number(line.folded):
        NumberScan(ctx, line).run()


def _title_scan(ctx: Ctx, line: Line) -> None:
    """NumberScan of the `# Title (Year)` line, which every page of a film shares: outside any
    section, what it finds depends on the line's text and the facts only, so it is worked out
    once per facts and text and its flags and claims are replayed for this line."""
    cache = ctx.idx.derived("numbers.titles", lambda idx: {})
    got = cache.get(line.text)
    if got is None:
        n_raised, n_claims = len(ctx.raised), len(ctx.claims)
        NumberScan(ctx, line).run()
        got = (ctx.raised[n_raised:], [c[:3] + c[4:] for c in ctx.claims[n_claims:]])
        if len(cache) < 64:
            cache[line.text] = got
        return
    raised, claims = got
    ctx.raised += [(dataclasses.replace(flag, line=line.no) if flag.line != line.no else flag, col)
                   for flag, col in raised]
    ctx.claims += [c[:3] + (line,) + c[3:] for c in claims]
