"""Awards: every award claim (body, category, year, result, recipient) must match
an award in the facts. What the film is based on is checks/source.py."""
from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right

from . import source
from .context import Ctx
from .index import AWARD_BODIES, AwardEntry, body_key, cat_tokens
from .page import Line
from .patterns import Prefilter, bounded, literal_alt, word_alt
from .spans import Spans
from .text import caseless, fold, norm_words, sentence_spans

BODY_NAMES = {
    "academy": "Academy Award", "golden_globe": "Golden Globe", "bafta": "BAFTA", "emmy": "Emmy",
    "sag": "Screen Actors Guild Award", "critics_choice": "Critics' Choice Award", "spirit": "Independent Spirit Award",
    "cannes": "Cannes award", "venice": "Venice award", "berlin": "Berlin award", "saturn": "Saturn Award",
    "cesar": "Cesar", "goya": "Goya", "grammy": "Grammy", "razzie": "Razzie",
}

RE_CATEGORY = re.compile(r"\bBest(?:\s+(?:(?:in|of|a|an|the|by|for|and|&)\s+)*(?:[A-Z][\w'-]*|[A-Z]))+")
# the words that say how an award went, each a whole word (case aside); "-winning" after a word
RESULT_WORDS = {
    **dict.fromkeys("won win wins winning winner winners awarded victory -winning".split() + ["took home", "takes home"],
                    "won"),
    **dict.fromkeys("nominated nomination nominations nominee nominees nod nods shortlisted -nominated lost loses".split()
                    + ["up for", "did not win", "didn't win"], "nominated"),
    **dict.fromkeys("received receives earned earns collected claimed scooped bagged garnered".split()
                    + ["picked up", "honoured with", "honored with"], "weak"),
}
# in caseless() text; no two words can match at one place, so the word found says the result
RE_RESULT = re.compile(word_alt(RESULT_WORDS) + r"\b")
# (?<![\d$.,]) tested after the first two digits, so that the regex engine can skip to a 1 or a 2
RE_YEAR = re.compile(r"((?:1[89]|20)(?<![\d$.,][\s\S][\s\S])\d\d)(?![\d,])")
RE_AWARD_WINNING = re.compile(r"\baward-winning\b|\bprize-winning\b|\bawards? (?:winner|success)", re.I)
_CATEGORY, _AWARD_WINNING = Prefilter(RE_CATEGORY), Prefilter(RE_AWARD_WINNING)

RULES = {
    "awards.none": "an award claimed for a film whose facts list none",
    "awards.unknown": "an award (body or category) the facts do not list",
    "awards.year": "an award given a year other than the facts' ceremony year",
    "awards.result": "a nomination called a win, or a win a nomination",
    "awards.recipient": "an award given to someone other than its recipient in the facts",
}


def _split_top(p: str) -> list[str]:
    """p's alternatives: split at the `|` outside groups (and after no backslash)."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(p[start:i])
            start = i + 1
        i += 1
    out.append(p[start:])
    return out


@functools.lru_cache(maxsize=256)
def _flat_alts(p: str) -> tuple[str, ...]:
    """p's alternatives in order, each `(?:x )?rest` written as `x rest` then `rest`: the
    same matches as `(?:p)` in an alternation of them, which now starts with a letter in
    every branch, so that the regex engine skips to those letters."""
    out = []
    for alt in _split_top(p):
        if alt.startswith("(?:"):
            depth, i = 0, 0
            while i < len(alt):
                c = alt[i]
                if c == "\\":
                    i += 2
                    continue
                depth += c == "("
                depth -= c == ")"
                if depth == 0:
                    break
                i += 1
            inner = alt[3:i]
            if alt[i + 1:i + 2] == "?" and alt[i + 2:i + 3] not in ("?", "+") and len(_split_top(inner)) == 1 \
                    and "(" not in inner:
                out += [inner + alt[i + 2:], alt[i + 2:]]
                continue
            return (f"(?:{p})",)    # not a form this knows: as it was
        out.append(alt)
    return tuple(out)


def _by_first_char(alts: list[str]) -> str:
    """"|".join(alts), written as one branch per first character, the alternatives that start
    with it in their order: `a(?:x|y)|b(?:z)` for `ax|bz|ay`. At a position only the branch of
    its character can match, so the matches are the same; the regex engine tries one branch
    instead of every alternative. As it was when an alternative does not start with a literal."""
    groups: dict[str, list[str]] = {}
    for alt in alts:
        lit = alt[:2] if alt[:1] == "\\" and alt[1:2] and not alt[1].isalnum() else alt[:1]
        after = alt[len(lit):len(lit) + 1]
        if not lit or not (lit[0] == "\\" or lit.isalnum() or lit in " '-") or (after and after in "?*+{"):
            return "|".join(alts)
        groups.setdefault(lit, []).append(alt[len(lit):])
    return "|".join(f"{lit}(?:{'|'.join(rests)})" for lit, rests in groups.items())


def _prep(idx) -> tuple:
    """Per facts: the award bodies, categories and titles as regexes, and the words an award line has."""
    facts = idx.facts
    body_alts = [(k, p) for k, p in AWARD_BODIES]
    known = {k for k, _ in AWARD_BODIES}
    for a in facts.awards:
        k = body_key(a.award)
        if k not in known:
            body_alts.append((k, re.escape(a.award)))
            known.add(k)
    # the bodies' names are literal words (re.escape'd or written so): lower-cased, they match in caseless()
    # text, which the regex engine scans far faster than with re.I
    assert not any("\\" in p for _, p in AWARD_BODIES)   # no escape a lower-casing could change
    rx_body = re.compile(_by_first_char([caseless(alt) for _, p in body_alts for alt in _flat_alts(p)]))
    cats = {a.category for a in facts.awards}
    rx_cat_known = re.compile(r"(?<![A-Za-z])(?:" + literal_alt(cats, ignorecase=True) + r")(?![A-Za-z])", re.I) \
        if cats else None
    titles = [fold(t) for t in idx.title_strings if t]
    rx_titles = re.compile(bounded(literal_alt(titles, ignorecase=True)), re.I) \
        if titles else None
    triggers = {"award", "oscar", "best", "globe", "bafta", "prize", "emmy", "nominat", "winning", "palme", "golden",
                "guild", "critics", "spirit", "cesar", "goya", "razz", "festival", "sundance", "saturn", "grammy",
                "berlinale", "national board", "circle", "aacta", "annie", "hugo"}
    triggers |= {a.award.lower() for a in facts.awards} | {a.category.lower() for a in facts.awards}
    # the words as one regex: any of them in a line, found in one scan
    return rx_body, rx_cat_known, rx_titles, re.compile(literal_alt(triggers)).search


def check(ctx: Ctx) -> None:
    prep = ctx.idx.derived("awards", _prep)
    for line in ctx.page.lines:
        if line.kind == "text":
            ctx.per_line("awards", line, lambda: _awards_if_named(ctx, line, *prep))
    source.check(ctx)


def _awards_if_named(ctx: Ctx, line: Line, rx_body, rx_cat_known, rx_titles, triggered) -> None:
    if triggered(line.folded.lower()) is not None:
        _awards_line(ctx, line, rx_body, rx_cat_known, rx_titles)


def _body_of(match_text: str) -> str:
    return body_key(re.sub(r"-(?:winning|nominated|winner|nominee)$", "", match_text, flags=re.I))


def _awards_line(ctx: Ctx, line: Line, rx_body: re.Pattern, rx_cat_known, rx_titles) -> None:
    text = line.folded
    low = caseless(text)
    idx = ctx.idx
    mentions = ctx.mentions(line)
    people = ctx.mention_spans(line)

    def in_person(s, e):
        return people.containing(s, e) is not None

    title_spans = None

    def in_title(s, e):
        nonlocal title_spans
        if title_spans is None:
            title_spans = Spans([m.span() for m in rx_titles.finditer(text)] if rx_titles else [])
        return title_spans.containing(s, e) is not None

    bodies = [(m.start(), m.end(), _body_of(text[m.start():m.end()])) for m in rx_body.finditer(low)
              if not in_person(m.start(), m.end()) and not in_title(m.start(), m.end())]
    cats = []
    known = Spans([])        # the categories of the facts found: a generic "Best ..." may not overlap one
    for rx in filter(None, (rx_cat_known, _CATEGORY)):
        for m in rx.finditer(text):
            if known.overlaps(m.start(), m.end()) or in_person(m.start(), m.end()):
                continue
            if in_title(m.start(), m.end()):
                continue
            cats.append((m.start(), m.end(), m.group()))
        known = Spans([(cs, ce) for cs, ce, _ in cats])
    cats.sort()
    generic = [m for m in _AWARD_WINNING.finditer(text)]
    if not bodies and not cats and not generic:
        return
    awards = idx.awards
    body_spans = Spans([(bs, be) for bs, be, _ in bodies], bodies)
    if not awards:
        for s, e, _ in bodies:
            ctx.add("awards.none", "error", line, s, e, "the facts list no awards", None, line.text[s:e])
        for s, e, _ in cats:
            if body_spans.at(s) is None:
                ctx.add("awards.none", "error", line, s, e, "the facts list no awards", None, line.text[s:e])
        for m in generic:
            ctx.add("awards.none", "error", line, m.start(), m.end(), "the facts list no awards", None, m.group())
        return
    sents = Spans(sentence_spans(text))

    def sent(pos):
        return sents.at(pos) or (0, len(text))

    results = [(m.start(), m.end(), RESULT_WORDS[m.group()]) for m in RE_RESULT.finditer(low)]
    result_spans = Spans([(rs, re_) for rs, re_, _ in results], results)
    years = [(m.start(), m.end(), int(m.group(1))) for m in RE_YEAR.finditer(text)]
    year_spans = Spans([(ys, ye) for ys, ye, _ in years], years)
    claimed = set()         # the sentences that name a category: their bodies belong to it
    for i, (cs, ce, ctext) in enumerate(cats):
        ss, se = sent(cs)
        lo = max(ss, cats[i - 1][1] if i else ss)
        hi = min(se, cats[i + 1][0] if i + 1 < len(cats) else se)
        # body: last before in the sentence, else first after, else none
        body = None
        j = bisect_right(body_spans.ends, cs) - 1
        if j >= 0 and body_spans.starts[j] >= ss:
            body = bodies[j][2]
        if body is None:
            after = body_spans.between(ce, hi)
            if after:
                body = after[0][2]
        claimed.add((ss, se))
        # result: nearest before (within segment), else first after
        res = None
        j = bisect_right(result_spans.ends, cs) - 1
        if j >= 0 and result_spans.starts[j] >= lo:
            res = results[j]
        if res is None:
            after = result_spans.between(ce, hi)
            if after:
                res = after[0]
        cands = [a for a in awards if (body is None or a.body == body) and _cat_match(ctext, a)]
        if not cands:
            same_cat = [a for a in awards if _cat_match(ctext, a)]
            bname = BODY_NAMES.get(body, body) if body else "award"
            held = "; ".join(f"{a.award} {a.category} ({a.year}, {a.result})" for a in awards)
            if same_cat:
                msg = f"the {same_cat[0].category} award in the facts is a {same_cat[0].award}, not a {bname}"
            else:
                msg = f"the facts hold no {bname} for {ctext}; they list: {held}"
            ctx.add("awards.unknown", "error", line, cs, ce, msg, None, line.text[cs:ce])
            continue
        # year
        yrs = year_spans.between(lo, hi)
        if yrs and not any(y[2] in {a.year for a in cands} for y in yrs):
            ys, ye, yv = min(yrs, key=lambda y: abs(y[0] - ce))
            exp = str(cands[0].year)
            ctx.add("awards.year", "error", line, ys, ye,
                    f"the {cands[0].award} for {cands[0].category} was in {cands[0].year} (ceremony year) in the facts",
                    exp, str(yv))
            cands_y = cands
        else:
            cands_y = [a for a in cands if not yrs or a.year in {y[2] for y in yrs}] or cands
        # result
        if res and res[2] != "weak":
            if not any(a.result == res[2] for a in cands_y):
                a = cands_y[0]
                rs, re_ = res[0], res[1]
                ctx.add("awards.result", "error", line, rs, re_,
                        f"the {a.award} for {a.category} ({a.year}) was {a.result} in the facts, not {res[2]}",
                        a.result, line.text[rs:re_])
                continue
        # recipient
        ppl = [m for m in people.between(lo, hi) if any(idx.people[j].is_real for j in m.ids)]
        with_rec = [a for a in cands_y if a.recipients]
        if ppl and with_rec:
            near = min(ppl, key=lambda m: abs(m.start - cs))
            if not any(near.ids & a.recipients for a in with_rec):
                if any(m.ids & a.recipients for m in ppl for a in with_rec):
                    continue
                a = with_rec[0]
                ctx.add("awards.recipient", "error", line, near.start, near.end,
                        f"the {a.award} for {a.category} ({a.year}) went to {a.recipient} in the facts",
                        a.recipient, line.text[near.start:near.end])
    # body-only claims: "Oscar-winning", "won an Oscar", "an Academy Award nomination"
    whole_line = (0, len(text)) in claimed       # a category outside any sentence claims every body
    claimed = Spans(sorted(claimed - {(0, len(text))}))
    for j, (bs, be, bk) in enumerate(bodies):
        if whole_line or claimed.at(bs) is not None:
            continue
        ss, se = sent(bs)
        of_body = [a for a in awards if a.body == bk]
        found = line.text[bs:be]
        if not of_body:
            held = ", ".join(sorted({a.award for a in awards}))
            ctx.add("awards.unknown", "error", line, bs, be, f"the facts list no {found}; their awards are {held}",
                    None, found)
            continue
        kind = None
        # the result word nearest the body in its sentence (the earlier of two as near)
        k = bisect_left(result_spans.starts, bs)
        near_res = [results[x] for x in (k - 1, k) if 0 <= x < len(results) and ss <= results[x][0] < se]
        if near_res:
            r = min(near_res, key=lambda r: abs(r[0] - bs))
            kind = r[2]
        if re.search(r"-winning|winner", found, re.I):
            kind = "won"
        elif re.search(r"-nominated|nominee", found, re.I):
            kind = "nominated"
        near = mentions[bisect_left(people.ends, bs - 70):bisect_right(people.starts, be + 30)]
        ppl = [m for m in near if ss <= m.start < se and any(idx.people[x].is_real for x in m.ids)
               and (bs - m.end <= 70 if m.end <= bs else m.start - be <= 30)]
        pool = of_body
        if ppl:
            m = min(ppl, key=lambda m: (bs - m.end) if m.end <= bs else (m.start - be) + 20)
            ppl = [m]
            pool = [a for a in of_body if m.ids & a.recipients]
            if not pool and not any(m.ids & a.recipients for a in awards):
                if any(a.recipients for a in of_body) or _named_as_winner(text, m, bs, be):
                    recips = ", ".join(a.recipient for a in of_body if a.recipient)
                    ctx.add("awards.recipient", "error", line, m.start, m.end,
                            f"the facts name {recips or 'no one'} for the {found}", recips or None,
                            line.text[m.start:m.end])
                    continue
                pool = of_body
            elif not pool:
                recips = ", ".join(a.recipient for a in of_body if a.recipient)
                ctx.add("awards.recipient", "error", line, m.start, m.end,
                        f"the facts name {recips or 'no one'} for the {found}", recips or None,
                        line.text[m.start:m.end])
                continue
        if kind == "won" and not any(a.result == "won" for a in pool):
            ctx.add("awards.result", "error", line, bs, be,
                    f"the facts list no {BODY_NAMES.get(bk, found)} win"
                    + (" for " + line.text[ppl[0].start:ppl[0].end] if ppl else "") + "; only nominations",
                    "nominated", found)
    for m in generic:
        if not any(a.result == "won" for a in awards):
            ctx.add("awards.result", "error", line, m.start(), m.end(), "the facts list no award wins, only nominations",
                    None, m.group())


def _named_as_winner(text: str, m, bs: int, be: int) -> bool:
    """A person right next to an award: "X won a BAFTA", "X for a BAFTA", "BAFTA-winning X"."""
    if m.end <= bs:
        between = text[m.end:bs]
        return bool(re.fullmatch(r"(?:'s)?\s*(?:,\s*)?(?:who\s+)?(?:also\s+)?(?:was\s+|is\s+)?(?:\w+\s+)?"
                                 r"(?:for|won|wins|received|earned|got|took home|nominated for)?\s*(?:an?|the)?\s*", between))
    between = text[be:m.start]
    return bool(re.fullmatch(r"\s*(?:winner|nominee|-winning|-nominated)?\s*", between))


def _cat_match(page_cat: str, a: AwardEntry) -> bool:
    p = cat_tokens(page_cat)
    f = a.cat_tokens
    if not p:
        return False
    if norm_words(page_cat) == norm_words(a.category):
        return True
    if not (p <= f or f <= p):
        return False
    for key in ("supporting", "actor", "actress", "original", "adapted", "foreign", "animated", "documentary",
                "short", "director", "picture", "song", "score", "visual", "sound"):
        if (key in p) != (key in f) and (key in p or key in f):
            if key in ("actor", "actress") and ("performer" in p or "performer" in f):
                continue
            return False
    return True
