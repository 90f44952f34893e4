"""Quotes: text in quotation marks must be a verbatim line from the film
(quotes[].text) or a review excerpt (reviews[].excerpt), or an exact part of
one, attributed to its real speaker; a review summary is never a quote."""
from __future__ import annotations

import difflib
import re

from .context import Ctx, Quoted
from .index import QuoteSource, quote_norm
from .page import Line

RE_SAY_BEFORE = re.compile(
    r"^\s*(?:'s)?\s*(?:\([^)]*\))?\s*(?:[:\-]|,)?\s*(?:(?:says|said|tells|told|asks|asked|replies|replied|writes|wrote|"
    r"called it|calls it|calls the film|called the film|declares|declared|adds|added|notes|noted|puts it|yells|shouts|"
    r"whispers|remarks|admits|explains|insists|warns|muses|quips|describes it as|described it as|cries|says to)"
    r"(?:\s+\w+){0,3}?)?\s*[:,]?\s*$", re.I)
RE_SAY_AFTER = re.compile(r"^[\s,.;!?]*(?:-\s*)?(?:(?:says|said|writes|wrote|asks|asked|replies|replied|"
                          r"tells \w+|told \w+)\s+)?$", re.I)
_EDGE = " .,;:!?-'\"()[]"
_LETTER = re.compile(r"[A-Za-z]")
_EDGE_ELLIPSIS = re.compile(r"^\.\.\.\s*|\s*\.\.\.$")


def _in(needle: str, hay: str) -> bool:
    """needle occurs in hay starting and ending at word boundaries."""
    if not needle:
        return False
    start = hay.find(needle)
    while start != -1:
        end = start + len(needle)
        ok_s = start == 0 or not hay[start - 1].isalnum() or not needle[0].isalnum()
        ok_e = end == len(hay) or not hay[end].isalnum() or not needle[-1].isalnum()
        if ok_s and ok_e:
            return True
        start = hay.find(needle, start + 1)
    return False


def _matches(core: str, src: str) -> bool:
    if _in(core, src):
        return True
    if "..." in core:
        parts = [p.strip(_EDGE) for p in core.split("...")]
        parts = [p for p in parts if p]
        pos = 0
        for p in parts:
            i = src.find(p, pos)
            if i == -1:
                return False
            pos = i + len(p)
        return bool(parts)
    return False


def _shingles(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


class _Prep:
    """Per-facts data: titles and names as quote text, sources without edges, speakers."""

    def __init__(self, idx):
        self.titles = {quote_norm(t).strip(_EDGE) for t in idx.title_strings}
        self.titles |= {quote_norm(p.name) for p in idx.people}
        self.names = [quote_norm(p.name) for p in idx.people]
        self.stripped = [src.norm.strip(_EDGE) for src in idx.quote_sources]
        self.summaries = [(summ, cid, summ.strip(_EDGE).split()) for summ, cid in idx.summaries]


def check(ctx: Ctx) -> None:
    idx = ctx.idx
    prep = None
    for line in ctx.page.lines:
        if line.kind != "text":
            continue
        for q in ctx.quotes(line):
            if prep is None:
                prep = idx.derived("quotes", _Prep)
            _check_quote(ctx, line, q, prep)


def _check_quote(ctx: Ctx, line: Line, q: Quoted, prep: _Prep) -> None:
    idx = ctx.idx
    s, e = q.inner
    raw = line.text[s:e]
    if not q.closed:
        raw = raw.rstrip()
    # the excerpt: the quoted words, without edge spaces
    lead = len(raw) - len(raw.lstrip())
    s += lead
    raw = raw.strip()
    if raw.endswith((",", ";", ":")):
        raw = raw[:-1].rstrip()
    e = s + len(raw)
    if not _LETTER.search(raw):
        return
    core = quote_norm(raw).strip(_EDGE)
    core = _EDGE_ELLIPSIS.sub("", core).strip(_EDGE) or core
    if not core:
        return
    matched = [src for src in idx.quote_sources if _matches(core, src.norm)]
    if matched:
        _check_speaker(ctx, line, q, matched)
        return
    titles = prep.titles
    if core in titles or quote_norm(raw).strip(_EDGE) in titles:
        return
    if any(_in(core, name) for name in prep.names):   # a nickname: Jean-Paul "JP" Arnaud
        return
    words = core.split()
    # a review summary in quotation marks
    for summ, cid, sw in prep.summaries:
        if _in(core, summ) or (len(words) >= 3 and _shingles(words, 3) & _shingles(sw, 3)
                               and len(_shingles(words, 3) & _shingles(sw, 3)) >= max(1, min(2, len(words) - 2))):
            critic = idx.people[cid].name
            ctx.add("quotes.review_summary", "error", line, s, e,
                    f"review summaries are never quotes: the facts hold only a paraphrase of {critic}'s review "
                    f"and no excerpt", None, raw)
            return
    best, ratio = None, 0.0
    for src, src_norm in zip(idx.quote_sources, prep.stripped):
        sm = difflib.SequenceMatcher(None, core, src_norm, autojunk=False)
        if sm.real_quick_ratio() < 0.5 or sm.quick_ratio() < 0.5:
            continue
        r = sm.ratio()
        if r > ratio:
            best, ratio = src, r
    if best is not None and ratio >= 0.6:
        who = _speaker_name(ctx, best)
        ctx.add("quotes.not_verbatim", "error", line, s, e,
                f"not verbatim: the {'line' if best.kind == 'quote' else 'excerpt'} in the facts is "
                f"\u201c{best.text}\u201d{who}", best.text, raw)
        return
    if len(words) <= 4 and _in(core, idx.fact_text_norm):
        ctx.add("quotes.not_a_quote", "warning", line, s, e,
                "these words are in the facts but not as a line from the film or a review excerpt; "
                "only those may be quoted", None, raw)
        return
    what = "no line from the film or review excerpt in the facts says this"
    if not idx.quote_sources:
        what = "the facts hold no quotes or review excerpts, so nothing may appear in quotation marks"
    ctx.add("quotes.unsourced", "error", line, s, e, what, None, raw)


def _speaker_name(ctx: Ctx, src: QuoteSource) -> str:
    if src.kind == "quote":
        for q in ctx.facts.quotes:
            if quote_norm(q.text) == src.norm:
                return f" ({q.speaker})"
    else:
        for r in ctx.facts.reviews:
            if r.excerpt and quote_norm(r.excerpt) == src.norm:
                return f" ({r.critic})"
    return ""


def _check_speaker(ctx: Ctx, line: Line, q: Quoted, matched: list[QuoteSource]) -> None:
    idx = ctx.idx
    text = line.folded
    named = None
    for m in reversed(ctx.mentions(line)):
        if m.end <= q.start and RE_SAY_BEFORE.match(text[m.end:q.start]):
            named = m
            break
        if m.end <= q.start:
            break
    if named is None:
        for m in ctx.mentions(line):
            if m.start >= q.end:
                if RE_SAY_AFTER.match(text[q.end:m.start]):
                    named = m
                break
    if named is None:
        return
    persons = [idx.people[i] for i in named.ids]
    if not any(p.kinds & {"character", "actor", "critic"} for p in persons):
        return
    if any(named.ids & src.speakers for src in matched):
        return
    who = _speaker_name(ctx, matched[0]).strip(" ()")
    ctx.add("quotes.speaker", "error", line, named.start, named.end,
            f"in the facts these words are {who}'s", who, line.text[named.start:named.end])
