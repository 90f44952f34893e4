"""People: every name on the page must be someone in the facts (a capitalised run of
words that is no known name or phrase is flagged, with the nearest name as a hint).
Whether each real person appears in a role the facts give them is checks/roles.py."""
from __future__ import annotations

import difflib
import re
from bisect import bisect_right

from . import roles
from .context import Ctx, Mention
from .names import Person
from .page import Line
from .roles import _core_end
from .text import COMMON_WORDS, HONORIFICS, NON_PERSON_WORDS, STOP_CAPS, loose_key

RULES = {
    "people.unknown": "a name (or a near miss of one) that is no one in the facts",
}

_TOKEN = r"(?:[A-Z]\.(?:\s?[A-Z]\.)*|(?:Mc|Mac|O'|D'|L')?[A-Z][A-Za-z]*(?:[-'][A-Za-z]+)*)"
_PARTICLE = r"(?:de|del|della|der|den|van|von|da|di|du|la|le|bin|al|ten|ter|dos|das)"
RE_SEQ = re.compile(rf"(?<![A-Za-z0-9'])({_TOKEN}(?:\s+(?:{_PARTICLE}\s+)?{_TOKEN})*)")
RE_TOK = re.compile(_TOKEN)

# common words that are also given names: "Bill Paxton" opening a sentence is still a name
GIVEN_NAME_WORDS = frozenset("""
bill will mark grace rose faith hope joy frank jack ray dean guy art sky summer june may april august amber crystal
pat rob sue don gene jean carol drew chase hunter miles max bob bud rich penny robin holly ivy iris lily daisy victor
earl sterling cliff dale glen heath reed wade lance chuck harry jimmy billy sally kate nick pete tom tim sam ben jim
joe john paul peter james
""".split())


_LABEL_COLON = re.compile(r"[*_]*:")
_SPACE = re.compile(r"\s")
_LONE_SKIP = STOP_CAPS | HONORIFICS     # a word _check_group drops from the start of a group
_NOT_EMPHASIS = re.compile(r"[^*_ ]")


def _real(p: Person) -> bool:
    return p.is_real


def check(ctx: Ctx) -> None:
    for line in ctx.page.lines:
        if line.kind == "text":
            ctx.per_line("people", line, lambda: unknown_names(ctx, line))
    roles.check(ctx)


# ---------------------------------------------------------------- unknown names

def _initial(line: Line, s: int) -> bool:
    """The word at s opens the line or a sentence, clause or quotation."""
    if s <= line.body_start:
        return True
    end = _core_end(line.folded, s)
    return end == 0 or line.folded[end - 1] in ".!?:;\"'-*>|"


def unknown_names(ctx: Ctx, line: Line) -> None:
    text = line.folded
    mentions = ctx.mention_spans(line)
    phrases = ctx.phrase_spans(line)
    label_from = None       # the first character after the list marker that is not `*`, `_` or a space

    def covered(s: int, e: int):
        """The mention (or else known phrase) holding the word at [s, e): the Mention, a
        new (start, end) for a phrase of several words, "phrase" for a one-word phrase."""
        m = mentions.containing(s, e)
        if m is not None:
            return m
        p = phrases.containing(s, e)
        if p is not None:
            ps, pe = p
            return (ps, pe) if " " in text[ps:pe] else "phrase"
        return None

    m_starts, m_ends = mentions.starts, mentions.ends
    p_starts, p_ends = phrases.starts, phrases.ends
    for sm in RE_SEQ.finditer(text):
        seq = sm.group()
        # one token (tokens are separated by spaces): the match, a possessive cut off. A lone stop
        # word or title ("The", "Mr."), or a lone word of a known name or phrase (covered(),
        # inlined): _check_group finds nothing in it
        if seq.isalpha():       # the common case: no possessive, no "."
            if seq.lower() in _LONE_SKIP:
                continue
            s, e = sm.span()
        elif _SPACE.search(seq) is None:
            s, e = sm.span()
            if seq.endswith("'s"):
                seq, e = seq[:-2], e - 2
            elif seq.endswith("'") and len(seq) > 2:
                seq, e = seq[:-1], e - 1
            if seq.lower().rstrip(".") in _LONE_SKIP:
                continue
        else:
            seq = None
        if seq is not None:
            k = bisect_right(m_starts, s) - 1
            if k >= 0 and e <= m_ends[k]:
                continue
            k = bisect_right(p_starts, s) - 1
            if k >= 0 and e <= p_ends[k]:
                continue
            # a label: "Domestic Gross: $32M"
            if _LABEL_COLON.match(text, e):
                if label_from is None:
                    lm = _NOT_EMPHASIS.search(text, line.body_start)
                    label_from = lm.start() if lm else len(text)
                if label_from >= s:
                    continue
            # _check_group on one word no name or phrase covers: it drops a stop word, and
            # a word opening a sentence; it looks any other up as a near miss of a name
            if seq.lower() in STOP_CAPS or _initial(line, s):
                continue
            _near_miss_token(ctx, line, seq, s, e)
            continue
        else:
            split = _split_names(RE_TOK.finditer(text, sm.start(), sm.end()), covered)
        for g in split:
            if len(g) == 1:
                # as above
                if g[0][0].lower().rstrip(".") in _LONE_SKIP or covered(g[0][1], g[0][2]) is not None:
                    continue
            # a label: "Domestic Gross: $32M"
            if _LABEL_COLON.match(line.folded, g[-1][2]):
                if label_from is None:
                    lm = _NOT_EMPHASIS.search(text, line.body_start)
                    label_from = lm.start() if lm else len(text)
                if label_from >= g[0][1]:
                    continue
            _check_group(ctx, line, g, covered)


def _split_names(tok_matches, covered) -> list[list[tuple[str, int, int]]]:
    """The tokens of a sequence of capitalised words, in groups that may each be a name:
    cut after a possessive, and around a full name."""
    toks = [(t.group(), t.start(), t.end()) for t in tok_matches]
    # split at possessives: "Sigourney Weaver's Ripley"
    groups, cur = [], []
    for tok in toks:
        word, s, e = tok
        if word.endswith("'s") or (word.endswith("'") and len(word) > 2):
            cut = 2 if word.endswith("'s") else 1
            cur.append((word[:-cut], s, e - cut))
            groups.append(cur)
            cur = []
        else:
            cur.append(tok)
    if cur:
        groups.append(cur)
    # a full name is a name on its own: "Nicolas Cage Rewatches ..." is two things
    split = []
    for g in groups:
        if len(g) == 1:     # nothing to split
            split.append(g)
            continue
        cur = []
        c = None
        for tok in g:
            prev = c if cur else None     # cur[-1] is the token before: covered() of it
            c = covered(tok[1], tok[2])
            if _long_full(c):
                if cur and prev is not c:
                    split.append(cur)
                    cur = []
            elif cur and _long_full(prev):
                split.append(cur)
                cur = []
            cur.append(tok)
        if cur:
            split.append(cur)
    return split


def _long_full(c) -> bool:
    return (isinstance(c, Mention) and c.full and " " in c.text) or isinstance(c, tuple)


def _check_group(ctx: Ctx, line: Line, g, covered) -> None:
    idx = ctx.idx
    initial = _initial(line, g[0][1])
    while g:
        w = g[0][0]
        low = w.lower().rstrip(".")
        if low in STOP_CAPS or low in HONORIFICS or (
                initial and (low in COMMON_WORDS or low in idx.lower_words)
                and not isinstance(covered(g[0][1], g[0][2]), Mention)     # a name
                and not (low in GIVEN_NAME_WORDS and len(g) > 1 and covered(g[1][1], g[1][2]) is None
                         and g[1][0].lower() not in COMMON_WORDS)):        # a given name before another word
            g = g[1:]
            initial = False
            continue
        break
    # an opening word before a known name: "Includes Leaving Las Vegas", "Then Ripley"
    if initial and len(g) >= 2 and covered(g[0][1], g[0][2]) is None and g[0][0] not in idx.known_tokens \
            and all(covered(s, e) is not None or w in idx.known_tokens for w, s, e in g[1:]) \
            and g[0][0].lower() not in GIVEN_NAME_WORDS:
        if _near_miss_token(ctx, line, g[0][0], g[0][1], g[0][2]):
            return
        g = g[1:]
    while g and g[-1][0].lower() in STOP_CAPS:
        g = g[:-1]
    if not g:
        return
    cov = [covered(s, e) for _, s, e in g]
    if len(g) == 1:
        word, s, e = g[0]
        if cov[0] is None and not initial:
            _near_miss_token(ctx, line, word, s, e)
        return
    for (w, s, e), c in zip(g, cov):
        low = w.lower().rstrip(".")
        if c is None and (low in NON_PERSON_WORDS or (len(w) > 1 and w.isupper() and "." not in w)
                          or any(ch.isdigit() for ch in w)):
            return
        if (c == "phrase" or isinstance(c, tuple)) and low in NON_PERSON_WORDS:
            return
    uncovered = [i for i, c in enumerate(cov) if c is None and g[i][0] not in idx.known_tokens]
    if not uncovered:
        # two short names of different people run together: "Janet Ebert"
        ms = [c for c in cov if isinstance(c, Mention)]
        for a, b in zip(ms, ms[1:]):
            if a is not b and not a.full and not b.full and not (a.ids & b.ids) and a.end < b.start \
                    and line.folded[a.end:b.start].strip() == "":
                ex_s, ex_e = a.start, b.end
                _flag_unknown(ctx, line, ex_s, ex_e)
                return
        return
    # an unknown phrase with an ordinary English word in it ("Golden Age") is not a person's name
    if not any(isinstance(c, Mention) for c in cov) and any(
            g[i][0].lower() in COMMON_WORDS and g[i][0].lower() not in GIVEN_NAME_WORDS for i in uncovered):
        return
    _flag_unknown(ctx, line, g[0][1], g[-1][2])


def _flag_unknown(ctx: Ctx, line: Line, s: int, e: int) -> None:
    name = line.text[s:e]
    near = ctx.idx.derived("people.unknown", lambda idx: {})   # name -> None if known, else the close names
    close = near.get(name, ())
    if close == ():
        if loose_key(name) in ctx.idx.loose_names:
            close = None
        else:
            close = difflib.get_close_matches(name, [p.name for p in ctx.idx.people], n=1, cutoff=0.6)
        if len(near) < 50_000:
            near[name] = close
    if close is None:
        return
    msg = f"{name} is not a name in the facts"
    if close:
        msg += f" (did you mean {close[0]}?)"
    ctx.add("people.unknown", "error", line, s, e, msg, close[0] if close else None, name)


def _near_miss_token(ctx: Ctx, line: Line, word: str, s: int, e: int) -> bool:
    idx = ctx.idx
    low = word.lower()
    if len(word) < 4 or low in COMMON_WORDS or low in NON_PERSON_WORDS or word in idx.known_tokens \
            or low in idx.lower_words or not word.isalpha():
        return False
    near = idx.derived("people.near", lambda idx: {})     # word -> the close name tokens, once per facts
    close = near.get(word)
    if close is None:
        cands = [t for t in idx.person_tokens if len(t) >= 4 and t[0] == word[0] and abs(len(t) - len(word)) <= 2
                 and not word.startswith(t) and not t.startswith(word)]
        close = difflib.get_close_matches(word, cands, n=1, cutoff=0.84)
        if len(near) < 50_000:
            near[word] = close
    if close:
        return ctx.add("people.unknown", "error", line, s, e, f"{word} is not a name in the facts (did you mean {close[0]}?)",
                close[0], word)
        return True
    return False
