"""People and roles: every name on the page must be someone in the facts, and
each real person must appear in a role the facts give them (actor of that
character, director, writer, composer, designer, critic of that outlet ...)."""
from __future__ import annotations

import difflib
import functools
import re
from bisect import bisect_right

from .context import Ctx, Mention
from .index import Person
from .page import Line
from .text import (COMMON_WORDS, HONORIFICS, NON_PERSON_WORDS, STOP_CAPS, fold, loose_key, lower_same_len, norm_words,
                   stem)

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

ROLE_VERBS = {
    "director": r"(?:co-)?direct(?:ed|s)|helm(?:ed|s)",
    "writer": r"(?:co-)?wr(?:ote|ites)|(?:co-)?penned|scripted",
    "composer": r"compos(?:ed|es)|scored",
    "designer": r"design(?:ed|s)",
    "producer": r"(?:co-)?produc(?:ed|es)",
    "editor": r"edit(?:ed|s)",
    "cinematographer": r"photographed|lensed",
}
ROLE_BY = {
    "director": r"directed by|direction by|co-directed (?:it |the film )?with",
    "writer": r"written by|screenplay by|script by|scripted by|co-written by|penned by|co-written with|written with|"
              r"(?:co-)?wrote (?:it |the film |the script |the screenplay )?with",
    "composer": r"composed by|score by|scored by|music by",
    "designer": r"designed by|design by|designs by|created by",
    "producer": r"produced by",
    "editor": r"edited by|editing by",
    "cinematographer": r"photographed by|cinematography by|shot by|lensed by",
}
ROLE_NOUNS = {
    "cinematographer": r"director of photography|cinematographer|dp|dop|cinematography",
    "director": r"director|directors|filmmaker|helmer",
    "writer": r"writer|writers|screenwriter|screenwriters|co-writer|scriptwriter|screenplay",
    "composer": r"composer|score|music",
    "designer": r"(?:production |creature |costume |set )?designer|designers",
    "producer": r"producer|producers",
    "editor": r"editor|film editor",
}
_VERB_ANY = "|".join(f"(?P<{k}>{v})" for k, v in ROLE_VERBS.items())
RE_AFTER_VERB = re.compile(rf"\s*,?\s*(?:who\s+|which\s+)?(?:also\s+|both\s+|then\s+|later\s+|himself\s+|herself\s+)?"
                           rf"(?:{_VERB_ANY})\b")
RE_MORE_VERB = re.compile(rf"\s*(?:,|and|&|as well as)\s*(?:also\s+)?(?:{_VERB_ANY})\b")
RE_BY_END = re.compile(r"(?:" + "|".join(f"(?P<{k}>{v})" for k, v in ROLE_BY.items()) + r")\s+$", re.I)
RE_NOUN_END = re.compile(r"(?:^|[\s(\-*])(?:" + "|".join(f"(?P<{k}>{v})" for k, v in ROLE_NOUNS.items())
                         + r")\s*:?\s*$", re.I)
RE_NOUN_AFTER = re.compile(r"\s*,\s+(?:the\s+|its\s+|the film's\s+|the movie's\s+)(?:"
                           + "|".join(f"(?P<{k}>{v})" for k, v in ROLE_NOUNS.items()) + r")\b", re.I)
RE_POSS_WORK = re.compile(r"'s\s+(?:(?P<composer>score|music)|(?P<director>direction)|(?P<writer>screenplay|script)|"
                          r"(?P<designer>designs?|creature design)|(?P<cinematographer>cinematography|camerawork)|"
                          r"(?P<editor>editing))\b")
RE_FAQ_WHO = re.compile(r"^\s*who\s+(?:(?:was|is)\s+the\s+)?(?:" + "|".join(
    f"(?P<{k}>{v}|{ROLE_NOUNS[k]})" for k, v in ROLE_VERBS.items()) + r")\b", re.I)
RE_ACTOR_AS = re.compile(r"^,?\s+(?:who\s+)?(?:as|plays|played|playing|portrays|portrayed|portraying|stars as|"
                         r"starred as|starring as|is cast as|was cast as)\s+(?:the\s+)?$")
RE_PLAYED_BY = re.compile(r"^,?\s+\(?(?:(?:is|was)\s+)?(?:played|portrayed|voiced)\s+by\s+$")


_LABEL_COLON = re.compile(r"[*_]*:")
_PAREN_OPEN = re.compile(r"(?:'s)?\s*\(\s*")
_PAREN_CLOSE = re.compile(r"\s*\)")
_LIST_SEP = re.compile(r"\s*(?:,|and|&|, and)\s*")
_BEST_END = re.compile(r"\bbest\s+\w*\s*$", re.I)
_SCRIPT = re.compile(r"screenplay|script")
_SONG = re.compile(r"song|track")
_OUTLET_PAREN = re.compile(r"\s*\(\s*([^)]+?)\s*\)")
_PARTS = re.compile(r"[^,;]+")
_LETTERS3 = re.compile(r"[A-Za-z]{3,}")
_DIGIT = re.compile(r"\d")
_SPACE = re.compile(r"\s")
_LONE_SKIP = STOP_CAPS | HONORIFICS     # a word _check_group drops from the start of a group
_NOT_EMPHASIS = re.compile(r"[^*_ ]")
_TRACK_SEP = re.compile(r"[\"'*_)]*\s*(?:by|-|:|,)\s*(?:the\s+band\s+|the\s+singer\s+)?")


# RE_BY_END's words are literal (no `*`, `+`, `{`, escapes) and end in a letter, so a match is one of
# them, at most _BY_MAXW characters long, ending at the last non-space character, then spaces only
assert not any(c in v for v in ROLE_BY.values() for c in "*+{\\") and all(
    not re.search(r"\)\?(?:\||$)", v) and all(a[-1:].isalpha() for a in re.sub(r"\(\?:[^)]*\)\?", "", v).split("|"))
    for v in ROLE_BY.values())
try:
    from re import _parser as _sre_parse
    _BY_MAXW = max(_sre_parse.parse(v).getwidth()[1] for v in ROLE_BY.values())
except Exception:  # noqa: BLE001 - another re implementation: the whole alternation's length bounds it
    _BY_MAXW = max(len(v) for v in ROLE_BY.values())
assert all(a.endswith(("by", "with")) for v in ROLE_BY.values() for a in re.sub(r"\(\?:[^)]*\)\?", "", v).split("|"))
# RE_NOUN_END's words, which end in a letter (optional parts only lead): a match is one of them at the end,
# before spaces, a colon and spaces at most
_NOUN_WORDS = tuple(a for v in ROLE_NOUNS.values() for a in re.sub(r"\(\?:[^)]*\)\?", "", v).split("|"))
assert not any(re.search(r"\)\?(?:\||$)", v) for v in ROLE_NOUNS.values()) and all(a[-1:].isalpha() for a in _NOUN_WORDS)


def _core_end(text: str, end: int) -> int:
    """Where text[:end] ends once trailing spaces are stripped."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _by_end(text: str, end: int) -> re.Match | None:
    """RE_BY_END.search(text[:end]), looking only where a match can start: in the last
    _BY_MAXW characters before the trailing spaces."""
    core = _core_end(text, end)
    if core == end:
        return None
    start = max(0, core - _BY_MAXW)
    tail = text[start:core]
    if tail.isascii() and not tail.lower().endswith(("by", "with")):
        return None
    return RE_BY_END.search(text[start:end])


def _noun_end(text: str) -> re.Match | None:
    """RE_NOUN_END.search(text); none, without searching, in ASCII text that does not end with one of its words."""
    if text.isascii():
        core = text.rstrip()
        if core.endswith(":"):
            core = core[:-1].rstrip()
        if not core.lower().endswith(_NOUN_WORDS):
            return None
    return RE_NOUN_END.search(text)


def _real(p: Person) -> bool:
    return p.is_real


def _names(ctx: Ctx, fam: str) -> list[str]:
    return [p.name for p in ctx.idx.people if fam in p.families]


def check(ctx: Ctx) -> None:
    for line in ctx.page.lines:
        if line.kind == "text":
            ctx.per_line("people", line, lambda: _line(ctx, line))
    faq_who(ctx)
    critic_summaries(ctx)
    track_artists(ctx)


def _line(ctx: Ctx, line: Line) -> None:
    """The rules that read one line and nothing else."""
    unknown_names(ctx, line)
    pairs(ctx, line)
    role_claims(ctx, line)
    critic_outlets(ctx, line)


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


# ---------------------------------------------------------------- actor / character pairs

def _cast_as(ctx: Ctx, m: Mention, kind: str) -> set[int]:
    out = set()
    for i in m.ids:
        p = ctx.idx.people[i]
        if kind in p.kinds:
            out |= p.cast
    return out


def pairs(ctx: Ctx, line: Line) -> None:
    ms = ctx.mentions(line)
    text = line.folded
    for a, b in zip(ms, ms[1:]):
        between = text[a.end:b.start]
        end = b.end
        orient = None
        close = _PAREN_CLOSE.match(text, b.end) if _PAREN_OPEN.fullmatch(between) else None
        if close:
            orient = "either"
            end = close.end()
        elif RE_ACTOR_AS.match(between):
            orient = "actor_first"
        elif RE_PLAYED_BY.match(between):
            orient = "char_first"
        elif between == "'s " and _cast_as(ctx, a, "actor") and not _cast_as(ctx, a, "character") \
                and _cast_as(ctx, b, "character") and not _cast_as(ctx, b, "actor"):
            orient = "actor_first"
        if orient is None:
            continue
        options = []
        if orient in ("either", "char_first"):
            options.append((_cast_as(ctx, a, "character"), _cast_as(ctx, b, "actor")))
        if orient in ("either", "actor_first"):
            options.append((_cast_as(ctx, b, "character"), _cast_as(ctx, a, "actor")))
        typed = [(c, ac) for c, ac in options if c and ac]
        f = ctx.facts
        if not typed:
            # a character paired with a real person who is in no cast entry: "Ash (Ridley Scott)"
            for ch, other in ((a, b), (b, a)) if orient == "either" else ((b, a),) if orient == "actor_first" else ((a, b),):
                cc = _cast_as(ctx, ch, "character")
                people_o = [ctx.idx.people[j] for j in other.ids]
                if cc and people_o and all(p.is_real and not p.cast for p in people_o) and not _cast_as(ctx, other, "character"):
                    actor = f.cast[sorted(cc)[0]].actor
                    p0 = people_o[0]
                    what = ", ".join(dict.fromkeys(p0.roles)) or ", ".join(sorted(p0.kinds))
                    ctx.add("roles.actor_character", "error", line, a.start, end,
                            f"{f.cast[sorted(cc)[0]].character} is played by {actor} in the facts; "
                            f"{p0.name} is not in the cast ({what})", actor, line.text[a.start:end])
                    break
            continue
        if any(c & ac for c, ac in typed):
            continue
        c, ac = typed[0]
        right = [f"{f.cast[i].character} is played by {f.cast[i].actor}" for i in sorted(c)]
        right += [f"{f.cast[i].actor} plays {f.cast[i].character}" for i in sorted(ac)]
        exp = f.cast[sorted(c)[0]].actor
        ctx.add("roles.actor_character", "error", line, a.start, end, "; ".join(dict.fromkeys(right)) + " in the facts",
                exp, line.text[a.start:end])


# ---------------------------------------------------------------- credited roles

def _fams(m: re.Match | None) -> list[str]:
    if not m:
        return []
    return [k for k, v in m.groupdict().items() if v]


def role_claims(ctx: Ctx, line: Line) -> None:
    text = line.folded
    ms = ctx.mentions(line)
    head = 0        # the first mention of the list of names this one ends: "written by A, B and C"
    real = ctx.idx.derived("people.real", lambda idx: {})   # alias -> its people, None if no real person
    for i, m in enumerate(ms):
        if i and not _LIST_SEP.fullmatch(text, ms[i - 1].end, m.start):
            head = i
        persons = real.get(m.text, ())
        if persons == ():
            persons = [ctx.idx.people[j] for j in m.ids]
            if not persons or any(p.only_character for p in persons):
                persons = None
            if len(real) < 50_000:
                real[m.text] = persons
        if persons is None:
            continue
        claims: list[str] = []
        am = RE_AFTER_VERB.match(text, m.end)
        if am:
            claims += _fams(am)
            pos = am.end()
            while True:
                mm = RE_MORE_VERB.match(text, pos)
                if not mm:
                    break
                claims += _fams(mm)
                pos = mm.end()
        # what comes before the list of names this one is in: "written by A and B"
        pend = ms[head].start
        claims += _fams(_by_end(text, pend))
        last40 = text[max(0, pend - 40):pend]
        nm = _noun_end(last40)
        if nm and not _BEST_END.search(last40):
            claims += _fams(nm)
        claims += _fams(RE_NOUN_AFTER.match(text, m.end))
        claims += _fams(RE_POSS_WORK.match(text, m.end))
        _check_families(ctx, line, m, persons, list(dict.fromkeys(claims)), text)


def _has_family(p: Person, fam: str, m: Mention, text: str) -> bool:
    if fam in p.families:
        return True
    if fam == "writer" and "author" in p.families and not _SCRIPT.search(text[m.end:m.end + 60]):
        return True
    return fam == "composer" and "artist" in p.families and _names_a_song(text)


@functools.lru_cache(maxsize=64)
def _names_a_song(text: str) -> bool:
    """The line speaks of a song or track: searched once per line, not once per name on it."""
    return bool(_SONG.search(text))


def _check_family(ctx: Ctx, line: Line, m: Mention, persons: list[Person], fam: str, text: str) -> None:
    _check_families(ctx, line, m, persons, [fam], text)


def _check_families(ctx: Ctx, line: Line, m: Mention, persons: list[Person], fams: list[str], text: str) -> None:
    wrong = [fam for fam in fams if not any(_has_family(p, fam, m, text) for p in persons)]
    if not wrong:
        return
    p = persons[0]
    what = ", ".join(dict.fromkeys(p.roles)) or ", ".join(sorted(k for k in p.kinds if k != "recipient"))
    msg = f"{p.name} is credited as {what} in the facts, not {' or '.join(wrong)}"
    expected = []
    for fam in wrong:
        has = _names(ctx, fam)
        msg += f"; the {fam} is {', '.join(has)}" if has else f"; the facts name no {fam}"
        expected += has
    ctx.add(f"roles.{wrong[0]}", "error", line, m.start, m.end, msg, ", ".join(dict.fromkeys(expected)) or None,
            line.text[m.start:m.end])


def faq_who(ctx: Ctx) -> None:
    for sec in ctx.page.sections:
        if sec.id != "faq":
            continue
        for sub in sec.subsections:
            q = sub.line.folded[sub.line.body_start:]
            qm = RE_FAQ_WHO.match(q)
            if not qm:
                continue
            fams = _fams(qm)
            answer = [ln for ln in sub.body if ln.kind == "text"]
            if not answer or not fams:
                continue
            ln = answer[0]
            ms = [m for m in ctx.mentions(ln) if m.start < 80]
            if not ms:
                continue
            m = ms[0]
            persons = [ctx.idx.people[j] for j in m.ids]
            if persons and not any(p.only_character for p in persons):
                _check_family(ctx, ln, m, persons, fams[0], ln.folded)


# ---------------------------------------------------------------- critics

def critic_outlets(ctx: Ctx, line: Line) -> None:
    idx = ctx.idx
    if not idx.outlets:
        return
    text = line.folded
    rx_after = rx_before = None
    close = -1      # the first ")" at or after the last name looked at (len(text): none)
    for m in ctx.mentions(line):
        critics = [idx.people[j] for j in m.ids if "critic" in idx.people[j].kinds]
        if not critics:
            continue
        if rx_after is None:
            rx_after, rx_before, reach = idx.derived("people.outlets", _outlet_res)
        own = set().union(*(p.outlets for p in critics))
        # "Ebert (Chicago Sun-Times)": the parenthesis ends at the first ")" after the name
        if close < m.end:
            close = text.find(")", m.end)
            if close == -1:
                close = len(text)
        pm = _OUTLET_PAREN.match(text, m.end, close + 1) if close < len(text) else None
        named = None
        if pm:
            part = next((pt for pt in _PARTS.finditer(text, pm.start(1), pm.end(1))
                         if _LETTERS3.search(pt.group()) and not _DIGIT.search(pt.group())), None)
            if part is None:
                continue
            t = part.group()
            o = part.start() + len(t) - len(t.lstrip())
            t = t.strip()
            named = (norm_words(t), o, o + len(t))
        else:
            # an outlet named right after or right before the name: within `reach` characters
            # (an outlet's name, a few words and spaces), not the rest of the line
            om = rx_after.match(lower_same_len(text[m.end:m.end + reach]))
            if om:
                named = (om.group(1), m.end + om.start(1), m.end + om.end(1))
            else:
                off = max(0, _core_end(text, m.start) - reach)
                bm = rx_before.search(lower_same_len(text[off:m.start]))
                if bm:
                    named = (bm.group(1), off + bm.start(1), off + bm.end(1))
        if not named:
            continue
        name, s, e = named
        name = norm_words(name)
        if name in own or (name.startswith("the ") and name[4:] in own) or ("the " + name) in own:
            continue
        outs = ", ".join(idx.outlets[o] for o in sorted(own) if o in idx.outlets and not o.startswith("the ")) \
            or ", ".join(idx.outlets.get(o, o) for o in sorted(own))
        p = critics[0]
        ctx.add("roles.critic_outlet", "error", line, s, e,
                f"{p.name} reviewed for {outs or 'no outlet named'} in the facts", outs or None, line.text[s:e])


def _outlet_res(idx) -> tuple[re.Pattern, re.Pattern, int]:
    outlet_alt = "|".join(re.escape(o) for o in sorted(idx.outlets, key=len, reverse=True))
    reach = max(map(len, idx.outlets)) + 100
    return (re.compile(rf",?\s+(?:of|for|at|from|in|writing (?:in|for)|with)\s+((?:the\s+)?(?:{outlet_alt}))\b"),
            re.compile(rf"((?:the\s+)?(?:{outlet_alt}))(?:'s|'|\s+critic)\s+$"), reach)


_FUNCTION = STOP_CAPS | {"found", "film", "movie", "called", "said", "praised", "thought", "wrote", "felt", "while",
                         "with", "that", "than", "them", "were", "have", "been", "into", "about", "very", "much"}


def _content(text: str) -> set[str]:
    return {stem(w) for w in norm_words(text).split() if len(w) > 3 and w not in _FUNCTION}


def critic_summaries(ctx: Ctx) -> None:
    """A critic's line that retells another critic's summary."""
    idx = ctx.idx
    if len(idx.summaries) < 2:
        return
    sums = None
    for line in ctx.page.lines:
        if line.kind != "text" or line.section != "reviews":
            continue
        ms = [m for m in ctx.mentions(line) if any("critic" in idx.people[j].kinds for j in m.ids)]
        if len(ms) != 1 or ctx.quotes(line):
            continue
        m = ms[0]
        words = _content(line.folded[m.end:])
        if len(words) < 3:
            continue
        if sums is None:
            sums = idx.derived("people.summaries", lambda ix: [(_content(s), cid) for s, cid in ix.summaries])
        scores = [(len(words & s) / max(1, len(s)), cid) for s, cid in sums]
        own = max([sc for sc, cid in scores if cid in m.ids] or [0])
        best, bid = max(scores)
        if bid not in m.ids and best >= 0.5 and best > own + 0.25:
            other = idx.people[bid].name
            ctx.add("roles.critic_review", "error", line, m.start, m.end,
                    f"this is {other}'s view in the facts, not {idx.people[next(iter(m.ids))].name}'s", other,
                    line.text[m.start:m.end])


def track_artists(ctx: Ctx) -> None:
    """ "Song" by Artist / "Song" – Artist: the artist the facts give for that track."""
    tracks = [(t.title, t.artist) for t in ctx.facts.soundtrack if t.artist]
    if not tracks:
        return
    for line in ctx.page.lines:
        if line.kind == "text":
            ctx.per_line("people.tracks", line, lambda: _track_artists_line(ctx, line, tracks))


def _track_artists_line(ctx: Ctx, line: Line, tracks: list[tuple[str, str]]) -> None:
    low = line.folded.lower()
    mentions = ctx.mention_spans(line)
    for title, artist in tracks:
        t = fold(title).lower()
        i = low.find(t)
        if i == -1:
            continue
        end = i + len(t)
        m = _TRACK_SEP.match(low, end)
        if not m:
            continue
        start = m.end()
        mn = mentions.at(start)
        if mn is not None and mn.start == start:
            aid = ctx.idx.by_name.get(fold(artist).strip())
            if aid is not None and aid not in mn.ids:
                ctx.add("roles.track_artist", "error", line, mn.start, mn.end,
                        f"{title} is by {artist} in the facts", artist, line.text[mn.start:mn.end])
