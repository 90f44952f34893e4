"""Regex building blocks for the facts' words on a page: word and number boundaries,
alternations of many literal words written as tries (so the regex engine skips to their
first letters instead of trying every word everywhere), and the cheap prefilter that
skips a scan when a text lacks every literal a match needs. Its own room: these build
patterns and know nothing of what the words mean; text.py (folding, number words,
stems, common words) and the rule families build on them."""
from __future__ import annotations

import functools
import re

# Where a name, title or phrase of the facts may start and end on a page: not inside a
# word, and not inside a figure: the title `300` is not in "$1,300", "3,000" or "1.300",
# and not the figure "$300" (a currency sign makes it money).
BOUNDARY_BEFORE = r"(?<![A-Za-z0-9])(?<![0-9][.,])(?<![$\u00a3\u20ac\u00a5\u20b9])"
BOUNDARY_AFTER = r"(?![A-Za-z0-9])(?![.,][0-9])"


def bounded(alternation: str) -> str:
    """A regex matching the alternation only on word and number boundaries."""
    return f"{BOUNDARY_BEFORE}(?:{alternation}){BOUNDARY_AFTER}"


def starts_bounded(text: str, s: int) -> bool:
    """Something starting at s starts on a word and number boundary (as `bounded`)."""
    if s == 0:
        return True
    prev = text[s - 1]
    if prev.isascii() and prev.isalnum() or prev in "$\u00a3\u20ac\u00a5\u20b9":
        return False
    return not (prev in ".," and s > 1 and "0" <= text[s - 2] <= "9")


# ---------------------------------------------------------------- regex alternations

def word_alt(words) -> str:
    """A regex for any of the words (lower case) as `\\b(?:longest|...|shortest)` would
    match one that starts with a letter or digit (a word starting otherwise has no `\\b`
    before it), written first letter first: `w(?<!\\w.)(?:on|in...)`, so that the regex
    engine can skip ahead to the first letters instead of trying every word everywhere."""
    by_first: dict[str, set[str]] = {}
    for w in words:
        by_first.setdefault(w[0], set()).add(w[1:])
    alts = []
    for ch in sorted(by_first):
        rests = by_first[ch]
        longer = rests - {""}
        tail = f"(?:{literal_alt(longer)})" + ("?" if "" in rests else "") if longer else ""
        lead = r"(?<!\w.)" if re.match(r"\w", ch) else ""
        alts.append(re.escape(ch) + lead + tail)
    return "(?:" + "|".join(alts) + ")"

def trie_alt(words, ignorecase: bool = False) -> bool:
    """literal_alt(words, ignorecase) is a trie (else a plain alternation)."""
    return bool(words) and "" not in words and not (ignorecase and not all(w.isascii() for w in words)) \
        and max(map(len, words)) <= 400


# BOUNDARY_BEFORE checked after the first character of a match: the same test one
# character later, so that an alternation can start with its first letters (the regex
# engine skips to them instead of testing the boundary at every position)
BOUNDARY_BEFORE_LEAD = r"(?<![A-Za-z0-9][\s\S])(?<![0-9][.,][\s\S])(?<![$\u00a3\u20ac\u00a5\u20b9][\s\S])"


def bounded_alt(words) -> str:
    """bounded(literal_alt(words)) (case-sensitive), with the boundary before tested after
    each word's first character where the alternation is a trie: the same matches, found
    faster."""
    words = set(words)
    if not trie_alt(words):
        return bounded(literal_alt(words))
    return f"(?:{literal_alt(words, lead=BOUNDARY_BEFORE_LEAD)}){BOUNDARY_AFTER}"


def literal_alt(words, ignorecase: bool = False, lead: str = "") -> str:
    """A regex alternation of literal words that, at each position, matches the
    longest word it can (backtracking to shorter ones when what follows fails),
    as `longest|...|shortest` does, but as a trie: one branch per next character
    instead of one per word. With ignorecase (the pattern compiled with re.I) the
    trie folds ASCII case; words with other characters keep the plain alternation."""
    words = set(words)
    if not words or "" in words or (ignorecase and not all(w.isascii() for w in words)) \
            or max(map(len, words)) > 400:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return _trie_alt(frozenset(words), ignorecase, lead)


@functools.lru_cache(maxsize=256)
def _trie_alt(words: frozenset, ignorecase: bool, lead: str) -> str:
    """literal_alt's trie (worked out once per set of words: the facts of one film are
    indexed again whenever they are loaded again)."""
    # the trie, walked over the sorted words: the words under a node are a run of the sorted
    # list, its branches in the order of their characters; a branch holding one word is the
    # rest of that word, escaped at once (most of a trie's nodes are in such tails)
    table = getattr(re, "_special_chars_map", None)    # what re.escape translates by, if this re has it
    esc = (lambda x: x.translate(table)) if isinstance(table, dict) else re.escape

    def build(ws: list[str], d: int, lead: str = "") -> str:
        """The regex of the node at depth d whose words (sorted, sharing ws[0][:d]) are ws."""
        terminal = len(ws[0]) == d        # only the first can end here: the words are distinct
        rest = ws[1:] if terminal else ws
        if not rest:
            return ""
        alts = []
        i, n = 0, len(rest)
        while i < n:
            ch = rest[i][d]
            j = i + 1
            while j < n and rest[j][d] == ch:
                j += 1
            if j == i + 1:
                alts.append(esc(ch) + lead + esc(rest[i][d + 1:]))
            else:
                alts.append(esc(ch) + lead + build(rest[i:j], d + 1))
            i = j
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if terminal else body

    return build(sorted({w.lower() for w in words} if ignorecase else words), 0, lead)


def required_words(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """Literal strings one of which the text must hold wherever pattern matches
    (as written in the pattern: compare case-insensitively under re.I); None
    when the pattern does not tell (no literal in every match, inline flags)."""
    try:
        from re import _constants as C, _parser
        tree = _parser.parse(pattern, flags)
    except Exception:  # noqa: BLE001 - another re implementation: no prefilter
        return None
    repeats = (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT))

    def seq(items):
        best, run = None, []

        def consider(cand):
            nonlocal best
            if cand and (best is None or min(map(len, cand)) > min(map(len, best))):
                best = cand

        for op, av in items:
            if op is C.LITERAL:
                run.append(chr(av))
                continue
            if run:
                consider({"".join(run)})
                run = []
            if op is C.SUBPATTERN:
                if av[1] or av[2]:      # inline flags inside: give up
                    raise ValueError
                consider(seq(av[3]))
            elif op is C.BRANCH:
                alts = [seq(a) for a in av[1]]
                if all(alts):
                    consider(set().union(*alts))
            elif op in repeats and av[0] >= 1:
                consider(seq(av[2]))
            elif op is getattr(C, "ATOMIC_GROUP", None):
                consider(seq(av))
            # anything else (sets, categories, anchors, lookarounds) ends a run and requires nothing
        if run:
            consider({"".join(run)})
        return best

    try:
        got = seq(tree)
    except ValueError:
        return None
    return tuple(sorted(got)) if got else None


class Prefilter:
    """A cheap test before a regex scan: False only when text cannot hold a match
    of rx, for lack of any of its required_words."""

    def __init__(self, rx: re.Pattern):
        self.rx = rx
        keys = required_words(rx.pattern, rx.flags)
        self.icase = bool(rx.flags & re.I)
        if keys and self.icase:
            # case-insensitive: compare lower case with lower case, in ASCII only (Unicode case folding
            # lets some other characters match ASCII letters)
            keys = tuple(k.lower() for k in keys) if all(k.isascii() for k in keys) else None
        self.keys = keys

    def may_match(self, text: str) -> bool:
        if self.keys is None:
            return True
        if self.icase:
            if not text.isascii():
                return True
            text = text.lower()
        for k in self.keys:
            if k in text:
                return True
        return False

    def finditer(self, text: str):
        return self.rx.finditer(text) if self.may_match(text) else iter(())
