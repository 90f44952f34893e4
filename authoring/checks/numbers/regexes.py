"""The numbers rules' regexes and word tables, and the prefilter that skips a regex
on a line that lacks what it cannot match without (_NEEDS): shared by every
scanner, so in a room of their own below them."""
from __future__ import annotations

import re

from ..patterns import literal_alt
from ..text import DIGITS, NUMWORDS, ORDINALS, TENS, UNITS


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

