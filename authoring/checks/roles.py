"""Roles: each real person named on the page must appear in a role the facts give
them: actor of that character, director, writer, composer, designer, producer,
editor, cinematographer, critic of that outlet and of that review, artist of that
track. Its own room: people.py asks whether a name is anyone in the facts; these
rules ask, of a known name, whether the words around it give it the facts' role."""
from __future__ import annotations

import functools
import re

from .context import Ctx, Mention
from .names import Person
from .page import Line
from .text import STOP_CAPS, fold, lower_same_len, norm_words, stem

RULES = {
    "roles.actor_character": "an actor paired with a character they do not play in the facts",
    "roles.director": "someone called the film's director whom the facts do not credit as one",
    "roles.writer": "someone called the film's writer whom the facts do not credit as one",
    "roles.composer": "someone called the film's composer whom the facts do not credit as one",
    "roles.designer": "someone called the film's designer whom the facts do not credit as one",
    "roles.producer": "someone called the film's producer whom the facts do not credit as one",
    "roles.editor": "someone called the film's editor whom the facts do not credit as one",
    "roles.cinematographer": "someone called the film's cinematographer whom the facts do not credit as one",
    "roles.critic_outlet": "a critic placed at an outlet the facts do not give them",
    "roles.critic_review": "a critic given another critic's view",
    "roles.track_artist": "a soundtrack track given an artist other than the facts'",
}

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


def _names(ctx: Ctx, fam: str) -> list[str]:
    return [p.name for p in ctx.idx.people if fam in p.families]


def check(ctx: Ctx) -> None:
    for line in ctx.page.lines:
        if line.kind == "text":
            ctx.per_line("roles", line, lambda: _line(ctx, line))
    faq_who(ctx)
    critic_summaries(ctx)
    track_artists(ctx)


def _line(ctx: Ctx, line: Line) -> None:
    """The rules that read one line and nothing else."""
    pairs(ctx, line)
    role_claims(ctx, line)
    critic_outlets(ctx, line)


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
