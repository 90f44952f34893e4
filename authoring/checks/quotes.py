"""Quotes: text in quotation marks must be a verbatim line from the film
(quotes[].text) or a review excerpt (reviews[].excerpt), or an exact part of
one, attributed to its real speaker; a review summary is never a quote."""
from __future__ import annotations

import difflib
import re

from .context import Ctx, Quoted
from .index import QuoteSource, quote_norm
from .page import Line

RULES = {
    "quotes.review_summary": "a review summary in quotation marks: the facts hold a paraphrase, never a quote",
    "quotes.not_verbatim": "a quote close to a line or excerpt in the facts but not verbatim",
    "quotes.not_a_quote": "words from the facts quoted that are no line from the film or review excerpt",
    "quotes.unsourced": "words in quotation marks that no line or excerpt in the facts says",
    "quotes.speaker": "a quote given to someone other than its speaker in the facts",
}

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


def _char_masks(b: str) -> dict[str, int]:
    """Per character of b, the bit mask of where it occurs (for _lcs_len)."""
    masks: dict[str, int] = {}
    for i, ch in enumerate(b):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    return masks


def _lcs_len(a: str, masks: dict[str, int], m: int) -> int:
    """The length of the longest common subsequence of a and the text of m characters whose
    _char_masks are masks (bit-parallel: Allison and Dix, Hyyro)."""
    full = (1 << m) - 1
    v = full
    get = masks.get
    for ch in a:
        u = v & get(ch, 0)
        v = ((v + u) | (v - u)) & full
    return m - v.bit_count()


class _Prep:
    """Per-facts data: titles and names as quote text, sources without edges, speakers."""

    def __init__(self, idx):
        self.titles = {quote_norm(t).strip(_EDGE) for t in idx.title_strings}
        self.titles |= {quote_norm(p.name) for p in idx.people}
        self.names = [quote_norm(p.name) for p in idx.people]
        self.stripped = [src.norm.strip(_EDGE) for src in idx.quote_sources]
        self.summaries = [(summ, cid, _shingles(summ.strip(_EDGE).split(), 3)) for summ, cid in idx.summaries]
        # one matcher per source, its second sequence analysed once (set_seq1 per quote);
        # the closest source per quote text, worked out once
        self.sources = idx.quote_sources
        self.matchers: list | None = None     # made on the first quote that is no source's words
        self.closest: dict[str, tuple] = {}

    def closest_source(self, core: str):
        """The first source most like core by difflib's ratio, and that ratio, when it is at
        least 0.6 (else None, 0.0): what a quote that is no source's words is flagged against."""
        got = self.closest.get(core)
        if got is None:
            if self.matchers is None:
                self.matchers = [(src, difflib.SequenceMatcher(None, "", src_norm, autojunk=False))
                                 for src, src_norm in zip(self.sources, self.stripped)]
                self.masks = [_char_masks(src_norm) for src_norm in self.stripped]
            # ratio() <= quick_ratio() <= real_quick_ratio(): only sources whose bounds reach 0.6
            # can, and they are tried by falling bound, until the bound is below the best ratio
            cands = []
            for i, (src, sm) in enumerate(self.matchers):
                sm.set_seq1(core)
                if sm.real_quick_ratio() < 0.6:
                    continue
                bound = sm.quick_ratio()
                if bound >= 0.6:
                    cands.append((-bound, i))
            cands.sort()
            got = (None, 0.0)
            at = len(self.matchers)
            for neg, i in cands:
                if -neg < got[1]:
                    break
                # a tighter bound, still below what ratio() can find: its matching blocks are a
                # common subsequence, no longer than the longest one
                b = self.stripped[i]
                total = len(core) + len(b)
                lcs_bound = 2.0 * _lcs_len(core, self.masks[i], len(b)) / total if total else 1.0
                if lcs_bound < 0.6 or lcs_bound < got[1]:
                    continue
                r = self.matchers[i][1].ratio()
                if r >= 0.6 and (r > got[1] or (r == got[1] and i < at)):
                    got, at = (self.matchers[i][0], r), i
            if len(self.closest) < 4096:
                self.closest[core] = got
        return got


def check(ctx: Ctx) -> None:
    for line in ctx.page.lines:
        if line.kind == "text" and ctx.quotes(line):
            ctx.per_line("quotes", line, lambda: _check_line(ctx, line))


def _check_line(ctx: Ctx, line: Line) -> None:
    prep = ctx.idx.derived("quotes", _Prep)
    for q in ctx.quotes(line):
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
    shingles = _shingles(words, 3) if len(words) >= 3 and prep.summaries else None
    for summ, cid, summ_shingles in prep.summaries:
        if _in(core, summ) or (shingles is not None and shingles & summ_shingles
                               and len(shingles & summ_shingles) >= max(1, min(2, len(words) - 2))):
            critic = idx.people[cid].name
            ctx.add("quotes.review_summary", "error", line, s, e,
                    f"review summaries are never quotes: the facts hold only a paraphrase of {critic}'s review "
                    f"and no excerpt", None, raw)
            return
    best, ratio = prep.closest_source(core)
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
