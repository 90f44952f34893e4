"""Numbers: dates, years, running times, money, ratings, counts and any other
figure, each read in whatever format the page writes it and compared with the
facts (rounding allowed only to the precision written)."""
from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left, bisect_right

from .context import Ctx
from .page import Line
from .spans import Marks, Spans
from .text import (DIGITS, MULTIPLIERS, NUMWORDS, ORDINALS, TENS, UNITS, caseless, literal_alt, lower_same_len,
                   num_value, sentence_spans, starts_bounded, word_alt, words_value)

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MON = "(?:" + literal_alt(MONTHS) + ")"   # = longest|...|shortest, as a trie
MONTH_NAME = ["", "January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"]

NUMA = rf"(?:{DIGITS}|{NUMWORDS}|an|a|one)"

RE_DATE_MDY = re.compile(rf"\b(?P<mon>{_MON})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b")
RE_DATE_DMY = re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MON})\.?,?\s+(?P<y>\d{{4}})\b")
RE_DATE_ISO = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")
RE_DATE_SLASH = re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>\d{4})\b")
RE_DATE_MY = re.compile(rf"\b(?P<mon>{_MON})\.?,?\s+(?:of\s+)?(?P<y>\d{{4}})\b")

_CUR = r"(?:us\$|usd|c\$|ca\$|a\$|au\$|\$|\u00a3|\u20ac|\u00a5|gbp|eur|cad|aud|jpy|inr|\u20b9)"
RE_MONEY1 = re.compile(rf"(?P<cur>{_CUR})\s?(?P<num>{DIGITS})(?:\s*-?\s*(?P<mult>k|mn|mil|million|millions|m|bn|billion|b|thousand)\b)?")
RE_MONEY2 = re.compile(rf"\b(?P<num>{DIGITS}|{NUMWORDS})\s*(?P<mult>k|m|mn|million|billion|bn|thousand)?\s*"
                       r"(?P<cur>(?:us |american |canadian |australian )?dollars|usd|euros?|eur|pounds(?: sterling)?|gbp|yen|rupees)\b")
CUR_CODE = {"$": "USD", "us$": "USD", "usd": "USD", "c$": "CAD", "ca$": "CAD", "cad": "CAD", "a$": "AUD", "au$": "AUD",
            "aud": "AUD", "\u00a3": "GBP", "gbp": "GBP", "\u20ac": "EUR", "eur": "EUR", "\u00a5": "JPY", "jpy": "JPY",
            "inr": "INR", "\u20b9": "INR", "dollars": "USD", "us dollars": "USD", "american dollars": "USD",
            "canadian dollars": "CAD", "australian dollars": "AUD", "euro": "EUR", "euros": "EUR", "pounds": "GBP",
            "pounds sterling": "GBP", "yen": "JPY", "rupees": "INR"}
CUR_SYMBOL = {"USD": "$", "GBP": "\u00a3", "EUR": "\u20ac", "JPY": "\u00a5", "CAD": "CA$", "AUD": "A$", "INR": "\u20b9"}

RE_DUR_HM = re.compile(rf"\b(?P<h>{NUMA})\s*(?:h|hr|hrs|hours?)\.?,?\s*(?:and\s+)?(?P<m>{DIGITS}|{NUMWORDS})\s*(?:m|min|mins|minutes?)\b"
                       rf"|\b(?P<h2>\d)h(?P<m2>[0-5]\d)\b")
RE_DUR_HALF = re.compile(rf"\b(?P<h>{NUMA})\s+(?:and\s+a\s+half\s+hours?|hours?\s+and\s+a\s+half)\b")
RE_DUR_H = re.compile(rf"\b(?P<n>{NUMA})\s*-?\s*(?:hours?|hrs?|h)\b(?!-)")
RE_DUR_M = re.compile(rf"\b(?P<n>{DIGITS}|{NUMWORDS})\s*-?\s*(?:minutes?|mins?|m)\b(?!-)")
RE_DUR_COLON = re.compile(r"(?<![\d:])(?P<h>[1-4]):(?P<m>[0-5]\d)(?![\d:])(?!\s*(?:am|pm|a\.m|p\.m))")
RE_DUR_OTHER = re.compile(rf"\b(?P<n>{DIGITS}|{NUMWORDS})\s*-?\s*(?P<u>seconds?|secs?|days?|weeks?|months?|years?|decades?)\b")
RUNTIME_CTX = re.compile(r"run ?time|running time|runs|length|long\b|lasts|clocks? in|duration|minutes long|feature-length", re.I)

RE_SLASH = re.compile(r"(?<![\d./])(?P<a>\d+(?:\.\d+)?)\s*/\s*(?P<b>\d+)\b(?![/.]\d)")
RE_OUTOF = re.compile(rf"\b(?P<a>{DIGITS}|{NUMWORDS})(?P<half>\s+and\s+a\s+half)?\s+out\s+of\s+(?P<b>{DIGITS}|{NUMWORDS})\b(?:\s+stars)?")
RE_STARS = re.compile(rf"\b(?P<a>{DIGITS}|{NUMWORDS})(?P<half>\s+and\s+a\s+half)?[\s-]+stars?\b")
RE_PERCENT = re.compile(r"(?<![\d.])(?P<a>\d+(?:\.\d+)?)\s*(?:%|percent\b|per cent\b)")
RE_VOTES = re.compile(rf"(?<![\d.])(?P<a>{DIGITS})\s*(?P<mult>k|m|thousand|million)?\+?\s+(?:user\s+)?(?:votes|ratings|user ratings)\b")

# the lookbehind tested after the first two digits, so that the regex engine can skip to a 1 or a 2
RE_YEAR = re.compile(r"(?P<y>(?:1[89]|20)(?<![\d$\u00a3\u20ac.,/:-][\s\S][\s\S])\d\d)(?![\d,])(?!'?s\b)")
RE_DECADE = re.compile(r"(?<![\d])(?P<y>1[89]\d0|20\d0)'?s\b|(?<=\s)'(?P<yy>\d0)s\b")
RE_ORD_DIGIT = re.compile(r"\b(?P<n>\d+)(?:st|nd|rd|th)\b")
RE_ORD_WORD = re.compile(r"\b(?P<w>" + literal_alt(ORDINALS) + r")\b(?P<rest>(?:[ -]\w+){0,2})")
RE_PLAIN = re.compile(rf"(?<![\w.,$\u00a3\u20ac#])(?P<n>{DIGITS})(?P<suf>[a-z]{{1,4}})?(?![\w])")
RE_WORDS = re.compile(rf"\b(?P<n>{NUMWORDS})\b")
RE_URL = re.compile(r"https?://\S+|www\.\S+|\]\([^)]*\)")

HEDGE = re.compile(r"(?:about|around|roughly|approximately|approx\.?|nearly|almost|some|over|more than|under|"
                   r"less than|just over|just under|close to|upwards of|an estimated|estimated|circa|~|in excess of|"
                   r"above|below|at least|at most|up to)\s*$")
HEDGE_UP = re.compile(r"(?:over|more than|just over|upwards of|in excess of|above|at least)\s*$")
HEDGE_DOWN = re.compile(r"(?:nearly|almost|under|less than|just under|below|at most|up to)\s*$")

RATING_KW = [
    ("imdb", re.compile(r"imdb", re.I)),
    ("rt", re.compile(r"rotten tomatoes|tomatometer|\brt\b", re.I)),
    ("mc", re.compile(r"metacritic|metascore", re.I)),
    ("aud", re.compile(r"audience score|popcornmeter", re.I)),
]

COUNT_NOUNS = [
    (re.compile(r"(?:main |principal |central |key |major |credited )(?:characters|cast members|actors|roles)\b|"
                r"cast members\b"), ("cast",)),
    (re.compile(r"(?:lead |leading )?(?:characters|actors|actresses|stars|leads|roles|performers|players|"
                r"performances)\b"), ("cast_some",)),
    (re.compile(r"(?:crew ?members|crewmembers|members of the crew|crew)\b"), ("cast", "crew")),
    (re.compile(r"(?:(?:oscar|academy award|golden globe|bafta|award)s? )?nominations?\b"), ("nominations",)),
    (re.compile(r"(?:oscars|academy awards|golden globes|baftas|awards|wins|prizes|trophies|statuettes)\b"),
     ("wins", "nominations")),
    (re.compile(r"(?:similar|related|comparable) (?:films|movies|titles|picks)\b|(?:films|movies|titles|picks|"
                r"recommendations) (?:like|similar)"), ("similar",)),
    (re.compile(r"(?:memorable |famous |iconic |key )?(?:quotes|lines)\b"), ("quotes",)),
    (re.compile(r"(?:critics|reviews|reviewers|critic reviews)\b"), ("reviews",)),
    (re.compile(r"(?:tracks|songs)\b"), ("soundtrack",)),
    (re.compile(r"genres\b"), ("genres",)),
    (re.compile(r"(?:writers|screenwriters)\b"), ("writers",)),
    (re.compile(r"directors\b"), ("directors",)),
    (re.compile(r"countries\b"), ("countries",)),
    (re.compile(r"languages\b"), ("languages",)),
    (re.compile(r"(?:streaming )?(?:platforms|services|streamers)\b"), ("where_to_watch",)),
    (re.compile(r"(?:filming )?locations\b"), ("locations",)),
    (re.compile(r"(?:content )?warnings\b"), ("warnings",)),
]
PERSON_NOUNS = re.compile(r"(?:people|persons|men|women|lovers|friends|strangers|souls|siblings|brothers|sisters|"
                          r"kids|children|partners|outsiders|misfits|addicts|characters|survivors|heroes|protagonists|"
                          r"of them|of us|together)\b")
WINS_BEFORE = re.compile(r"(?:\bwon|\bwinning|\bwins|\btook home|\btakes home|\bpicked up|\bscooped|\bcollected|"
                         r"\bbagged)\s+(?:a total of\s+|all\s+|just\s+|only\s+)?$")
PRONOUN_BEFORE = re.compile(r"(?:\bthe|\bthese|\bthose|\ball|\bother|\bour)\s+$")
ORD_RANKISH = re.compile(r"^[ -](?:in command|place|highest|largest|biggest|most|best|-?grossing|time|film|feature|"
                         r"collaboration|installment|instalment|sequel|entry|season|week|weekend|consecutive|straight|"
                         r"nomination|win|oscar|award)")


def _minimal(keys) -> tuple[str, ...]:
    """The keys that contain no other key: text holding any key holds one of these."""
    keys = set(keys)
    return tuple(sorted(k for k in keys if not any(o != k and o in k for o in keys)))


_MONTH_KEYS = _minimal(MONTHS)
_NUMWORD_KEYS = _minimal(set(UNITS) | set(TENS))     # NUMWORDS starts with one of these
_ORDINAL_KEYS = _minimal(ORDINALS)
_DIGIT = re.compile(r"\d")
# What a scan regex cannot match without (none of these regexes is case-insensitive, and the
# text they scan is the line lower-cased): "digit" a digit, "num" a digit or a number word,
# and at least one of the strings when given. Checked on the very text the regex would scan.
_NEEDS: dict[re.Pattern, tuple[str | None, tuple[str, ...] | None]] = {
    RE_DATE_MDY: ("digit", _MONTH_KEYS),
    RE_DATE_DMY: ("digit", _MONTH_KEYS),
    RE_DATE_ISO: ("digit", ("-",)),
    RE_DATE_SLASH: ("digit", ("/", ".")),
    RE_DATE_MY: ("digit", _MONTH_KEYS),
    RE_MONEY1: ("digit", ("$", "\u00a3", "\u20ac", "\u00a5", "\u20b9", "usd", "gbp", "eur", "cad", "aud", "jpy", "inr")),
    RE_MONEY2: ("num", ("dollars", "usd", "eur", "pounds", "gbp", "yen", "rupees")),
    RE_VOTES: ("digit", ("votes", "ratings")),
    RE_DUR_HM: ("num", ("h",)),
    RE_DUR_HALF: (None, ("half",)),
    RE_DUR_H: (None, ("h",)),
    RE_DUR_COLON: ("digit", (":",)),
    RE_DUR_M: ("num", ("m",)),
    RE_DUR_OTHER: ("num", ("sec", "day", "week", "month", "year", "decade")),
    RE_SLASH: ("digit", ("/",)),
    RE_OUTOF: ("num", ("out",)),
    RE_STARS: ("num", ("star",)),
    RE_PERCENT: ("digit", ("%", "cent")),
    RE_DECADE: ("digit", ("0s", "0's")),
    RE_YEAR: ("digit", None),
    RE_ORD_DIGIT: ("digit", None),
    RE_ORD_WORD: (None, _ORDINAL_KEYS),
    RE_PLAIN: ("digit", None),
    RE_WORDS: (None, _NUMWORD_KEYS),
}
_NUMWORD_TOKENS = tuple(sorted(set(UNITS) | set(TENS) | {"hundred", "thousand", "million", "billion"}))
_W_ALT = literal_alt(set(UNITS) | set(TENS))
# the hours unit of RE_DUR_H; the hours unit of RE_DUR_HM and the start of the minutes figure after it
_H_UNIT = re.compile(r"h(?:ours?|rs?)?\b(?!-)")
_H_THEN_NUM = re.compile(rf"h(?:ours?|rs?)?\.?,?\s*(?:and\s+)?(?:\d|{_W_ALT})")
_M_UNIT = re.compile(r"m(?:inutes?|ins?)?\b(?!-)")


def _minutes_after_number(text: str) -> bool:
    """Whether a minutes unit of RE_DUR_M (`m`, `min`, `minutes` ...) follows a figure: after
    `\\s*-?\\s*`, a digit or the last word of a number in words."""
    for m in _M_UNIT.finditer(text):
        # text[:m.start()] right-stripped, then a "-" and spaces before it, by offsets (a copy
        # of the text before each `m` would be quadratic in a long line)
        e = _rstrip_at(text, m.start())
        if e > 0 and text[e - 1] == "-":
            e = _rstrip_at(text, e - 1)
        if (e > 0 and text[e - 1].isdecimal()) or text.endswith(_NUMWORD_TOKENS, 0, e):
            return True
    return False


# beyond _NEEDS: a test a few scan regexes cannot match without
_PRECHECK = {
    RE_DUR_HALF: lambda text: "hour" in text,       # as well as "half"
    RE_DUR_H: _H_UNIT.search,
    RE_DUR_HM: _H_THEN_NUM.search,
    RE_DUR_M: _minutes_after_number,
}
assert not any(rx.flags & re.I for rx in _NEEDS)


def _holds_any(keys: tuple[str, ...]):
    """A test whether a text holds any of keys: `in` for one, one regex scan for more."""
    if not keys:
        return lambda text: False
    if len(keys) == 1:
        key = keys[0]
        return lambda text: key in text
    search = re.compile(literal_alt(keys)).search
    return lambda text: search(text) is not None


# per regex: (digit, (keys, whether a text holds one of them) or None, precheck)
_NEEDS_BY_ID = {id(rx): (digit, (keys, _holds_any(keys)) if keys is not None else None, _PRECHECK.get(rx))
                for rx, (digit, keys) in _NEEDS.items()}   # patterns hash slowly
_HOLDS_NUMWORD = _holds_any(_NUMWORD_KEYS)
_NO_NEED = (None, None, None)
_LIST_NUMBER = re.compile(r"^\s*\d{1,3}[.)]\s")
_RATING_ON = re.compile(r"^[\s:,]*(?:(?:user |critic |critics' )?(?:rating|score|stars?|average))?\s*"
                        r"(?:on|from|at|with|in|by)\s*(?:the\s+)?$")
_RATING_JUST = re.compile(r"^[\s:,]*(?:(?:user |critic |critics' )?(?:rating|score|stars?|average))?\s*$")
_RELEASED = re.compile(r"releas|premiere|came out|opened in|debut|hit (?:theaters|theatres|cinemas)")
_LEAD_SPACE = re.compile(r"^[\s-]+")
_HOW_MANY = re.compile(r"how many\b.*\b(win|won|nominat)")
_AWARD_NOUN_AFTER = re.compile(r"(?:[a-z'-]+\s+){0,2}?(?:nominations?|awards|oscars|academy awards|golden globes|"
                               r"baftas|wins|prizes|trophies)\b")
_GROUP_OF = re.compile(r"\b(?:crew|cast|ensemble|team|group) of\s+$")
_TIMES_BUDGET = re.compile(r"times\s+(?:its|the|their|his|her)\s+(?:\w+\s+)?(budget|cost|production cost)")
_COUNT_AFTER = [(re.compile(r"(?:[a-z'-]+\s+){0,2}?" + rx.pattern), kinds) for rx, kinds in COUNT_NOUNS]
_PUNCT = re.compile(r"[.,;:!?]")
_MAIN = re.compile(r"(?:main |principal |central |credited )")
_COUNT_BODIES = [("academy", re.compile(r"oscar|academy award")), ("golden_globe", re.compile(r"golden globe")),
                 ("bafta", re.compile(r"bafta"))]
_NOMINATED = re.compile(r"nominat|up for")
_MONEY_IMM = re.compile(r"[^,;.]*?(?=,|;|\.\s|\.$|\s+and\s|\s+but\s|\s+while\s|$)")


def _rstrip_at(text: str, end: int, chars: str | None = None) -> int:
    """Where text[:end] ends once text[:end].rstrip(chars) is done, without copying it."""
    if chars is None:
        while end > 0 and text[end - 1].isspace():
            end -= 1
    else:
        while end > 0 and text[end - 1] in chars:
            end -= 1
    return end


def _blank(work: list[str], s: int, e: int) -> None:
    for i in range(s, e):
        work[i] = " "


class NumberScan:
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

    # ---------------------------------------------------------------- dates
    def dates(self) -> None:
        rd = self.f.release_date
        for rx, kind in ((RE_DATE_MDY, "mdy"), (RE_DATE_DMY, "dmy"), (RE_DATE_ISO, "iso"), (RE_DATE_SLASH, "slash"),
                         (RE_DATE_MY, "my")):
            for m in self.scan(rx):
                s, e = m.span()
                y = int(m.group("y"))
                if kind in ("mdy", "dmy"):
                    cands = [(y, MONTHS[m.group("mon")], int(m.group("d")))]
                elif kind == "iso":
                    cands = [(y, int(m.group("m")), int(m.group("d")))]
                elif kind == "slash":
                    a, b = int(m.group("a")), int(m.group("b"))
                    cands = [(y, a, b), (y, b, a)]
                else:
                    cands = [(y, MONTHS[m.group("mon")], None)]
                self.take(s, e)
                found = self.line.text[s:e]
                if rd and any(c[0] == rd.year and c[1] == rd.month and (c[2] is None or c[2] == rd.day) for c in cands):
                    continue
                if self._date_in_text(cands):
                    continue
                if rd:
                    exp = self._fmt_date(rd, kind)
                    self.flag("numbers.release_date", s, e, f"the release date is {rd.isoformat()} ({exp}) in the facts",
                              exp, found)
                else:
                    self.flag("numbers.unsupported", s, e,
                              f"the facts give no release date (only the release year, {self.f.year})", None, found)

    def _date_in_text(self, cands) -> bool:
        text = self.idx.fact_text_norm
        for y, mo, d in cands:
            if not 1 <= mo <= 12:
                continue
            name = MONTH_NAME[mo].lower()
            pats = [f"{name} {d}, {y}", f"{d} {name} {y}", f"{y}-{mo:02d}-{d:02d}"] if d else [f"{name} {y}"]
            if any(p in text for p in pats):
                return True
        return False

    @staticmethod
    def _fmt_date(rd, kind: str) -> str:
        if kind == "iso":
            return rd.isoformat()
        if kind == "dmy":
            return f"{rd.day} {MONTH_NAME[rd.month]} {rd.year}"
        if kind == "my":
            return f"{MONTH_NAME[rd.month]} {rd.year}"
        return f"{MONTH_NAME[rd.month]} {rd.day}, {rd.year}"

    # ---------------------------------------------------------------- money
    def money(self) -> None:
        matches = [(m.start(), m.end(), m) for m in self.scan(RE_MONEY1)]
        first = Spans([(s, e) for s, e, _ in matches])     # "$5 million dollars": the symbol's figure
        matches += [(m.start(), m.end(), m) for m in self.scan(RE_MONEY2) if not first.overlaps(m.start(), m.end())]
        matches.sort(key=lambda t: t[0])
        for s, e, m in matches:
            self.handled(s, e)
        # each figure's span, and where the words right after it end ("$5M domestic")
        self._money_spans = []
        self._money_imm: dict[int, int] = {}
        for s, e, m in matches:
            imm = _MONEY_IMM.match(self.low[e:e + 40])
            self._money_spans.append((s, e, e + (imm.end() if imm else 0)))
            self._money_imm[s] = self._money_spans[-1][2]
        self._money_ends = [e for _, e, _ in self._money_spans]
        for s, e, m in matches:
            self.blank(s, e)
            num = m.group("num")
            v = num_value(num)
            if v is None:
                continue
            mult = MULTIPLIERS.get((m.group("mult") or "").lower(), 1.0)
            w = v * mult
            hedge = self.hedge(s)
            if num[0].isdigit():
                prec = _precision(num, hedge) * mult
            else:
                prec = _word_precision(w)
            self._check_money(s, e, w, prec, hedge, (m.group("cur") or "").lower().strip())

    def _check_money(self, s: int, e: int, w: float, prec: float, hedge: str | None, cur: str) -> None:
        found = self.line.text[s:e]
        bo = self.f.box_office
        fields = {}
        if bo:
            if bo.budget is not None:
                fields["budget"] = bo.budget
            if bo.domestic_gross is not None:
                fields["domestic gross"] = bo.domestic_gross
            if bo.worldwide_gross is not None:
                fields["worldwide gross"] = bo.worldwide_gross
            if bo.domestic_gross and bo.worldwide_gross and bo.worldwide_gross > bo.domestic_gross:
                fields["international gross"] = bo.worldwide_gross - bo.domestic_gross
        code = CUR_CODE.get(cur, None)
        fcur = bo.currency if bo else "USD"
        if code and bo and code != fcur and not (cur == "$" and fcur in ("CAD", "AUD")):
            self.flag("numbers.money", s, e, f"box-office figures are in {fcur} in the facts, not {code}", fcur, found)
            return
        field = self._money_field(s, e)
        ok_fields = [k for k, v in fields.items() if _close(v, w, prec, hedge)]
        if field and field in fields:
            if field in ok_fields:
                self.ctx.claims.append((field, w, prec, self.line, s, e))
                return
            if any(_close(v, w, prec, hedge) for v in self.idx.text_numbers if v >= 100):
                return
            exp = _fmt_money(fields[field], found, fcur)
            self.flag("numbers.money", s, e, f"the {field} is {fcur} {fields[field]:,} ({exp}) in the facts", exp, found)
            return
        if ok_fields or any(_close(v, w, prec, hedge) for v in self.idx.text_numbers if v >= 100):
            return
        if field:
            self.flag("numbers.money", s, e, f"the facts give no {field}", None, found)
            return
        if fields:
            held = "; ".join(f"{k} {fcur} {v:,}" for k, v in fields.items() if k != "international gross")
            self.flag("numbers.money", s, e, f"no figure in the facts is {found}; they hold {held}", None, found)
        else:
            self.flag("numbers.money", s, e, "the facts give no box-office or money figures", None, found)

    _MONEY_KW = [
        ("budget", re.compile(r"budget|made for|made on|cost|costing|financed|shot for|produced for|price tag")),
        ("domestic gross", re.compile(r"domestic|north america|north american|\bu\.?s\.?\b|united states|us and canada|"
                                      r"stateside|in america|american box office|home market")),
        ("worldwide gross", re.compile(r"worldwide|world-wide|global|globally|around the world|total gross|in total|overall")),
        ("international gross", re.compile(r"international|overseas|foreign|outside (?:the us|north america)")),
    ]

    def _money_field(self, s: int, e: int) -> str | None:
        imm_end = self._money_imm.get(s, e)
        imm = self.low[e:imm_end]
        best, best_pos = None, 10 ** 6
        for name, rx in self._MONEY_KW:
            m = rx.search(imm)
            if m and m.start() < best_pos:
                best, best_pos = name, m.start()
        if best:
            return best
        ss, _ = self.sentence_of(s)
        # after the words that belong to an earlier figure; those end at most 40 characters after it
        start = max(ss, s - 60)
        ends = self._money_ends
        for i in range(bisect_left(ends, start - 40), bisect_right(ends, s)):
            start = max(start, self._money_spans[i][2])
        b = self.low[start:s]
        best, best_pos = None, -1
        for name, rx in self._MONEY_KW:
            for m in rx.finditer(b):
                if m.start() > best_pos:
                    best, best_pos = name, m.start()
        return best

    # ---------------------------------------------------------------- durations
    def durations(self) -> None:
        rt = self.f.runtime_minutes
        for m in self.scan(RE_DUR_HM):
            h = _numa(m.group("h") or m.group("h2"))
            mm = num_value(m.group("m") or m.group("m2"))
            if h is None or mm is None:
                continue
            self.take(*m.span())
            self._check_duration(m.start(), m.end(), h * 60 + mm, 1.0, runtime_like=True, style="hm")
        for m in self.scan(RE_DUR_HALF):
            h = _numa(m.group("h"))
            if h is None:
                continue
            self.take(*m.span())
            self._check_duration(m.start(), m.end(), h * 60 + 30, 30.0, runtime_like=True, style="h")
        for m in self.scan(RE_DUR_H):
            h = _numa(m.group("n"))
            if h is None:
                continue
            self.take(*m.span())
            n = m.group("n")
            prec = 60.0 * (_precision(n, "any") if n[0].isdigit() else 1.0)
            if self.hedge(m.start()):
                prec *= 2
            self._check_duration(m.start(), m.end(), h * 60, prec, runtime_like=True, style="h", unit_value=(h, "hour"))
        colons = self.scan(RE_DUR_COLON) if rt else []
        if colons and RUNTIME_CTX.search(self.low):
            for m in colons:
                self.take(*m.span())
                self._check_duration(m.start(), m.end(), int(m.group("h")) * 60 + int(m.group("m")), 1.0,
                                     runtime_like=True, style="colon")
        for m in self.scan(RE_DUR_M):
            v = num_value(m.group("n"))
            if v is None:
                continue
            self.take(*m.span())
            hedge = self.hedge(m.start())
            prec = _precision(m.group("n"), hedge) if m.group("n")[0].isdigit() else 1.0
            self._check_duration(m.start(), m.end(), v, prec, runtime_like=v >= 45, style="m", unit_value=(v, "minute"))
        for m in self.scan(RE_DUR_OTHER):
            v = num_value(m.group("n"))
            if v is None:
                continue
            self.take(*m.span())
            unit = m.group("u").rstrip("s")
            unit = {"sec": "second"}.get(unit, unit)
            if (v, unit) in self.idx.text_durations or v in self.idx.text_numbers:
                continue
            if unit == "year" and v in self.idx.number_set:
                continue
            found = self.line.text[m.start():m.end()]
            self.flag("numbers.unsupported", m.start(), m.end(), f"the facts mention no {found}", None, found)

    def _check_duration(self, s: int, e: int, minutes: float, prec: float, runtime_like: bool, style: str,
                        unit_value: tuple[float, str] | None = None) -> None:
        rt = self.f.runtime_minutes
        found = self.line.text[s:e]
        if rt and abs(rt - minutes) <= prec / 2 + 1e-9:
            self.ctx.claims.append(("runtime", minutes, prec, self.line, s, e))
            return
        ctx_rt = bool(RUNTIME_CTX.search(self.before(s, 80) + " " + self.after(e, 30))) or self.line.section == "overview"
        if unit_value and not ctx_rt:
            v, unit = unit_value
            if (v, unit) in self.idx.text_durations or (v in self.idx.text_numbers and not runtime_like):
                return
        if not (ctx_rt or runtime_like):
            if unit_value and unit_value[0] in self.idx.text_numbers:
                return
            self.flag("numbers.unsupported", s, e, f"the facts mention no {found}", None, found)
            return
        if unit_value and unit_value in self.idx.text_durations:
            return
        if not rt:
            self.flag("numbers.runtime", s, e, "the facts give no runtime", None, found)
            return
        exp = _fmt_runtime(rt, style, found)
        self.flag("numbers.runtime", s, e, f"runtime is {rt} minutes ({_fmt_runtime(rt, 'hm', '')}) in the facts",
                  exp, found)

    # ---------------------------------------------------------------- ratings
    def _rating_ctx(self, s: int, e: int) -> str | None:
        a = self.after(e, 30)
        for key, rx in RATING_KW:   # "7.5 on IMDb", "93% on Rotten Tomatoes"
            m = rx.search(a)
            if m and _RATING_ON.match(a[:m.start()]):
                return key
        b = self.before(s, 40)
        best, pos = None, -1
        for key, rx in RATING_KW:
            for m in rx.finditer(b):
                if m.start() > pos:
                    best, pos = key, m.start()
        if best:
            return best
        for key, rx in RATING_KW:
            m = rx.search(a)
            if m and _RATING_JUST.match(a[:m.start()]):
                return key
        return None

    def _critic_rating_ok(self, a: float, b: float) -> bool:
        for r in self.f.reviews:
            if r.rating:
                rm = re.match(r"^\s*(\d+(?:\.\d+)?)\s*(?:/|out of)\s*(\d+)", r.rating)
                if rm and abs(float(rm.group(1)) - a) < 1e-9 and abs(float(rm.group(2)) - b) < 1e-9:
                    return True
                stars = r.rating.count("\u2605") + 0.5 * r.rating.count("\u00bd")
                if stars and abs(stars - a) < 1e-9 and b in (4, 5):
                    return True
        return False

    def _score(self, key: str):
        r = self.f.ratings
        if not r:
            return None
        obj = {"imdb": r.imdb, "rt": r.rotten_tomatoes, "mc": r.metacritic}.get(key)
        return obj.score if obj is not None else None

    def _check_rating(self, s: int, e: int, key: str | None, a: float, scale: float | None, prec: float) -> None:
        found = self.line.text[s:e]
        names = {"imdb": "IMDb score", "rt": "Rotten Tomatoes score", "mc": "Metacritic score", "aud": "audience score"}
        if key == "aud":
            self.flag("numbers.rating", s, e, "the facts give no audience score", None, found)
            return
        if key:
            score = self._score(key)
            if score is None:
                self.flag("numbers.rating", s, e, f"the facts give no {names[key]}", None, found)
                return
            target = score
            if key == "imdb" and scale == 100:
                target = score * 10
            if key in ("rt", "mc") and scale == 10:
                target = score / 10
            if abs(target - a) <= prec / 2 + 1e-9:
                return
            exp = _fmt_num(score) + ("/10" if key == "imdb" else "%" if key == "rt" else "")
            self.flag("numbers.rating", s, e, f"the {names[key]} is {_fmt_num(score)} in the facts", exp, found)
            return
        # no keyword: any rating of the facts at that scale
        cands = []
        for k in ("imdb", "rt", "mc"):
            sc = self._score(k)
            if sc is None:
                continue
            natural = 10 if k == "imdb" else 100
            if scale in (None, natural):
                cands.append(sc)
        if any(abs(c - a) <= prec / 2 + 1e-9 for c in cands):
            return
        if scale and self._critic_rating_ok(a, scale):
            return
        if a in self.idx.text_numbers:
            return
        held = []
        r = self.f.ratings
        if r and r.imdb:
            held.append(f"IMDb {_fmt_num(r.imdb.score)}/10")
        if r and r.rotten_tomatoes:
            held.append(f"Rotten Tomatoes {_fmt_num(r.rotten_tomatoes.score)}%")
        if r and r.metacritic:
            held.append(f"Metacritic {_fmt_num(r.metacritic.score)}")
        msg = "no rating in the facts is " + found + ("; they hold " + ", ".join(held) if held else "")
        self.flag("numbers.rating", s, e, msg, None, found)

    def votes(self) -> None:
        for m in self.scan(RE_VOTES):
            s, e = m.span()
            self.take(s, e)
            v = num_value(m.group("a"))
            mult = MULTIPLIERS.get((m.group("mult") or "").lower(), 1.0)
            w = v * mult
            prec = _precision(m.group("a"), self.hedge(s)) * mult
            votes = self.f.ratings.imdb.votes if self.f.ratings and self.f.ratings.imdb else None
            found = self.line.text[s:e]
            if votes is None:
                self.flag("numbers.rating", s, e, "the facts give no vote count", None, found)
            elif not _close(votes, w, prec, "up" if "+" in found else None):
                self.flag("numbers.rating", s, e, f"IMDb votes are {votes:,} in the facts", _fmt_votes(votes, found), found)

    def ratings(self) -> None:
        for m in self.scan(RE_SLASH):
            s, e = m.span()
            a, b = float(m.group("a")), float(m.group("b"))
            key = self._rating_ctx(s, e)
            if b not in (4, 5, 10, 100) and not key:
                continue
            self.take(s, e)
            if not key and self._critic_near(s) and self._critic_rating_ok(a, b):
                continue
            self._check_rating(s, e, key, a, b, _precision(m.group("a"), None))
        for rx in (RE_OUTOF, RE_STARS):
            for m in self.scan(rx):
                s, e = m.span()
                a = num_value(m.group("a"))
                if a is None:
                    continue
                if m.group("half"):
                    a += 0.5
                b = num_value(m.group("b")) if "b" in m.groupdict() and m.group("b") else None
                self.take(s, e)
                key = self._rating_ctx(s, e)
                if b is None:
                    if self._critic_rating_ok(a, 4) or self._critic_rating_ok(a, 5):
                        continue
                    found = self.line.text[s:e]
                    self.flag("numbers.rating", s, e, "no critic's rating in the facts is " + found, None, found)
                    continue
                if not key and self._critic_rating_ok(a, b):
                    continue
                self._check_rating(s, e, key, a, b, _precision(m.group("a"), None) if m.group("a")[0].isdigit() else 1)
        for m in self.scan(RE_PERCENT):
            s, e = m.span()
            self.take(s, e)
            key = self._rating_ctx(s, e)
            a = float(m.group("a"))
            if key is None:
                score_ok = any(self._score(k) is not None and abs(self._score(k) - a) < 0.5 for k in ("rt", "mc"))
                if score_ok or a in self.idx.text_numbers:
                    continue
                found = self.line.text[s:e]
                self.flag("numbers.unsupported", s, e, f"no percentage in the facts is {found}", None, found)
                continue
            self._check_rating(s, e, key, a, 100 if key != "imdb" else 100, _precision(m.group("a"), None))

    def _critic_near(self, pos: int) -> bool:
        """A critic is named before pos on the line."""
        if self._critic_end is None:
            ends = [mn.end for mn in self.ctx.mentions(self.line)
                    if any("critic" in self.idx.people[i].kinds for i in mn.ids)]
            self._critic_end = min(ends, default=len(self.low) + 1)
        return self._critic_end <= pos

    # ---------------------------------------------------------------- years
    def years(self) -> None:
        f = self.f
        for m in self.scan(RE_DECADE):
            s, e = m.span()
            self.take(s, e)
            if m.group("y"):
                dec = int(m.group("y"))
            else:
                yy = int(m.group("yy"))
                dec = (1900 if yy >= 20 else 2000) + yy
            if any(dec <= y < dec + 10 for y in self.idx.year_set) or dec in self.idx.text_numbers:
                continue
            found = self.line.text[s:e]
            self.flag("numbers.year", s, e, f"the facts give no year in the {found}", None, found)
        for m in self.scan(RE_YEAR):
            s, e = m.span()
            y = int(m.group("y"))
            self.take(s, e)
            found = self.line.text[s:e]
            title_year = self._title_before(s)
            if title_year is not None:
                t, ty = title_year
                if ty is None or ty == y:
                    if ty is None and y not in self.idx.year_set:
                        self.flag("numbers.year", s, e, f"the facts give no year for {t}", None, found)
                    continue
                self.flag("numbers.year", s, e, f"{t} is from {ty} in the facts", str(ty), found)
                continue
            b = self.before(s, 80)
            if _RELEASED.search(b):
                ok = {f.year} | ({f.release_date.year} if f.release_date else set())
                if y in ok:
                    continue
                self.flag("numbers.year", s, e, f"the release year is {f.year} in the facts", str(f.year), found)
                continue
            if y in self.idx.year_set:
                continue
            held = sorted(self.idx.year_set)
            self.flag("numbers.year", s, e,
                      f"{y} is not a year in the facts (release {f.year}"
                      + (f"; other years: {', '.join(map(str, [h for h in held if h != f.year]))}" if len(held) > 1 else "")
                      + ")", None, found)

    def _title_before(self, pos: int):
        """The title (and its year in the facts) right before pos: "Alien (1979)", "Alien, 1979"."""
        low = self.low
        end = _rstrip_at(low, pos)
        if end and low[end - 1] == "(":
            end -= 1
        else:
            stripped = _rstrip_at(low, end, ",")
            if stripped == end:
                return None
            end = stripped
        end = _rstrip_at(low, _rstrip_at(low, _rstrip_at(low, end), "*_"))
        best = None
        for t, y in self.idx.titles.items():
            start = end - len(t)
            if low.endswith(t, 0, end) and (start == 0 or not low[start - 1].isalnum() and starts_bounded(low, start)):
                if best is None or len(t) > len(best[0]):
                    best = (t, y)
        if best is None:
            return None
        t = best[0]
        disp = next((s for s in [self.f.title] + [x.title for x in self.f.similar] + [self.f.original_title or ""]
                     if s and s.lower() == t or (s and s.lower().replace("\u2019", "'") == t)), t)
        return disp, best[1]

    # ---------------------------------------------------------------- ordinals
    def ordinals(self) -> None:
        for m in self.scan(RE_ORD_DIGIT):
            s, e = m.span()
            self.take(s, e)
            n = int(m.group("n"))
            if n in self.idx.text_ordinals or n in self.idx.number_set:
                continue
            found = self.line.text[s:e]
            self.flag("numbers.unsupported", s, e, f"the facts contain no {found}", None, found)
        for m in self.scan(RE_ORD_WORD):
            s, e = m.start("w"), m.end("w")
            n = ORDINALS[m.group("w")]
            rest = m.group("rest").strip()
            self.take(s, e)
            found = self.line.text[s:e]
            phrase_val = self.idx.ordinal_phrases.get(rest)
            if phrase_val is not None:
                if phrase_val != n:
                    exp = next(w for w, v in ORDINALS.items() if v == phrase_val)
                    self.flag("numbers.ordinal", s, e, f"the facts say {exp} {rest}", exp, found)
                continue
            if n <= 2 or n in self.idx.text_ordinals:
                continue
            if ORD_RANKISH.match(m.group("rest")):
                self.flag("numbers.unsupported", s, e, f"the facts contain no '{found}'", None, found)

    # ---------------------------------------------------------------- other figures
    def plain(self) -> None:
        for m in self.scan(RE_PLAIN):
            s, e = m.span()
            self.take(s, e)
            v = num_value(m.group("n"))
            if v is None:
                continue
            suf = m.group("suf") or ""
            vals = {v}
            if suf in MULTIPLIERS:
                vals.add(v * MULTIPLIERS[suf])
            elif suf in ("s",):
                pass
            self._check_plain(s, e, vals, m.group("n"), digits=True)
        for m in self.scan(RE_WORDS):
            s, e = m.span()
            word = m.group("n")
            if word in ("one", "zero"):
                continue
            # "one-person", "two-time": still numbers; "one" alone is an idiom more often than a count
            self.take(s, e)
            v = words_value(word)
            if v is None:
                continue
            self._check_plain(s, e, {v}, word, digits=False)

    def _check_plain(self, s: int, e: int, vals: set[float], raw: str, digits: bool) -> None:
        found = self.line.text[s:e]
        after = self.low[e:e + 60]
        after_words = _LEAD_SPACE.sub("", after)
        # a ratings keyword right before: Metacritic 89, IMDb 8.5
        key = self._rating_ctx(s, e)
        if key and digits:
            v = next(iter(vals))
            scale = 10 if key == "imdb" else 100
            self._check_rating(s, e, key, v, scale, _precision(raw, None))
            return
        # "won two", "winning three"; "How many Oscars did it win? Two."
        wins_kind = None
        if WINS_BEFORE.search(self.low[max(0, s - 30):s]):
            wins_kind = "wins"
        q = self._faq_question()
        if q and s - self.line.body_start < 12:
            qm = _HOW_MANY.search(q)
            if qm:
                wins_kind = "wins" if qm.group(1).startswith("w") else "nominations"
        if wins_kind and not _AWARD_NOUN_AFTER.match(after_words):
            counts = self._counts((wins_kind,), s, (q or "") if wins_kind and q else "", plain_wins=True)
            if any(v in counts for v in vals):
                return
            exp = ", ".join(str(c) for c in sorted(set(counts)))
            self.flag("numbers.count", s, e, f"the facts list {exp} award {'wins' if wins_kind == 'wins' else 'nominations'}",
                      exp, found)
            return
        # "a crew of seven", "a cast of four"
        if _GROUP_OF.search(self.low[max(0, s - 20):s]):
            if any(v in (self.idx.counts["cast"], self.idx.counts["crew"]) for v in vals):
                return
        # "ten times its budget"
        tm = _TIMES_BUDGET.match(after_words)
        if tm and self.f.box_office and self.f.box_office.budget:
            bo = self.f.box_office
            ratios = [g / bo.budget for g in (bo.domestic_gross, bo.worldwide_gross) if g]
            tol = 1.0 if self.hedge(s) else 0.5
            if any(abs(r - v) <= tol for r in ratios for v in vals):
                return
            exp = " or ".join(f"{r:.1f}" for r in ratios)
            self.flag("numbers.money", s, e, f"the grosses are {exp} times the budget in the facts", exp, found)
            return
        # a count of something the facts list
        for rx, kinds in _COUNT_AFTER:
            nm = rx.match(after_words)
            if nm and not _PUNCT.search(after_words[:nm.end()]):
                if kinds == ("cast_some",):   # "its two leads": some of the cast
                    if any(v <= self.idx.counts["cast"] for v in vals) or self._phrase_in_facts(raw, after_words[:nm.end()]):
                        return
                    noun = after_words[:nm.end()].strip()
                    self.flag("numbers.count", s, e, f"the facts list {self.idx.counts['cast']} cast members",
                              str(self.idx.counts["cast"]), found)
                    return
                counts = self._counts(kinds, s, after_words[:nm.end()])
                if kinds == ("cast",) and any(v <= 2 for v in vals):
                    counts.append(int(next(iter(vals))))  # "the two main characters" of a larger cast
                if any(v in counts for v in vals):
                    return
                if self._phrase_in_facts(raw, after_words[:nm.end()]):
                    return
                if kinds == ("cast",) and PERSON_NOUNS.match(after_words) and not _MAIN.match(after_words):
                    if any(v <= self.idx.counts["cast"] for v in vals):
                        return
                noun = after_words[:nm.end()].strip()
                exp = ", ".join(str(c) for c in sorted(set(counts))) if counts else None
                self.flag("numbers.count", s, e,
                          f"the facts list {exp or 'no'} {noun}" if counts else f"the facts give no count of {noun}",
                          exp, found)
                return
        if any(v in self.idx.number_set for v in vals):
            return
        if PERSON_NOUNS.match(after_words) or PRONOUN_BEFORE.search(self.low[max(0, s - 12):s]):
            if any(v <= max(2, self.idx.counts["cast"]) for v in vals):
                return
        self.flag("numbers.unsupported", s, e, f"the facts contain no figure {found}", None, found)

    def _faq_question(self) -> str | None:
        q = self.ctx.faq_question(self.line)
        return q.folded.lower() if q is not None else None

    def _counts(self, kinds: tuple[str, ...], s: int, noun: str, plain_wins: bool = False) -> list[int]:
        out = []
        body = None
        window = self.before(s, 60) + " " + noun
        for key, rx in _COUNT_BODIES:
            if rx.search(window):
                body = key
        nominated = not plain_wins and bool(_NOMINATED.search(self.before(s, 40)))
        aw = [a for a in self.idx.awards if body is None or a.body == body]
        if kinds == ("wins", "nominations"):   # "three Oscars": wins, unless "nominated for three Oscars"
            wins = sum(1 for a in aw if a.result == "won")
            if nominated:
                return [len(aw)]
            return [wins] if body else [wins, len(aw)]   # "its three awards" may count nominations
        for k in kinds:
            if k in ("wins", "nominations"):
                if k == "wins" and not nominated:
                    out.append(sum(1 for a in aw if a.result == "won"))
                else:
                    out.append(len(aw))
                    if k == "nominations":
                        out.append(sum(1 for a in aw if a.result == "nominated"))
            else:
                out.append(self.idx.counts.get(k, 0))
        return out

    def _phrase_in_facts(self, raw: str, noun: str) -> bool:
        noun = noun.strip()
        return f"{raw} {noun}" in self.idx.fact_text_norm


# ---------------------------------------------------------------- helpers

def _numa(text: str) -> float | None:
    t = text.strip().lower()
    if t in ("a", "an", "one"):
        return 1.0
    return num_value(t)


def _precision(num: str, hedge: str | None) -> float:
    num = num.replace(",", "")
    if "." in num:
        return 10.0 ** -len(num.split(".", 1)[1])
    if hedge:
        stripped = num.rstrip("0")
        zeros = len(num) - len(stripped)
        if stripped:
            return 10.0 ** zeros
    return 1.0


def _word_precision(value: float) -> float:
    p = 1.0
    while value and value % (p * 10) == 0:
        p *= 10
    return p


def _close(fact: float, written: float, prec: float, hedge: str | None) -> bool:
    diff = fact - written
    if hedge == "up":
        return -1e-9 <= diff < prec * 5 if prec > 0 else diff >= 0
    if hedge == "down":
        return -prec * 5 < diff <= 1e-9
    eps = 1e-9 * max(1.0, abs(fact))
    if hedge:
        return abs(diff) <= prec + eps
    # rounding half up: 9.75 may be written 9.8, not 9.7
    return -prec / 2 - eps <= diff < prec / 2 - eps


def _fmt_num(v: float) -> str:
    return str(int(v)) if float(v) == int(v) else str(v)


def _fmt_money(v: int, found: str, cur: str) -> str:
    sym = CUR_SYMBOL.get(cur, cur + " ")
    low = found.lower()
    if re.search(r"\d\s*(?:m|mn)\b", low) or "m" == low.strip()[-1:]:
        return f"{sym}{_trim(v / 1e6)}M"
    if "million" in low:
        return f"{sym}{_trim(v / 1e6)} million"
    if "billion" in low or re.search(r"\d\s*bn?\b", low):
        return f"{sym}{_trim(v / 1e9)} billion"
    return f"{sym}{v:,}"


def _trim(x: float) -> str:
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return s


def _fmt_votes(v: int, found: str) -> str:
    low = found.lower()
    if re.search(r"\dk\b|thousand", low):
        return f"{_trim(v / 1e3)}K votes"
    if re.search(r"\dm\b|million", low):
        return f"{_trim(v / 1e6)}M votes"
    return f"{v:,} votes"


def _fmt_runtime(rt: int, style: str, found: str) -> str:
    h, m = divmod(rt, 60)
    if style == "hm":
        if re.search(r"hours?|hrs?", found):
            return f"{h} hour{'s' if h != 1 else ''} {m} minutes"
        unit = "m" if re.search(r"\d\s*m\b", found) else "min"
        return f"{h}h {m}{unit}"
    if style == "colon":
        return f"{h}:{m:02d}"
    return f"{rt} minutes"


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
