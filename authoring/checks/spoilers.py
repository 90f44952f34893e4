"""Spoilers: what plot.ending holds may be told only in the ending section."""
from __future__ import annotations

import re

from .context import Ctx
from .page import Line
from .spans import Spans
from .text import COMMON_STEMS, COMMON_WORDS, stem

RULES = {"spoilers.ending": "what plot.ending holds, told outside the ending section"}

# abstract nouns (acceptance, redemption, loneliness) are themes, not events: alone they give nothing away
ABSTRACT = re.compile(r"(?:ance|ence|ness|ity|ship|dom|hood|ism|ment|tion|sion)$")
# what happens at an end: one of these, when only the ending uses it, gives the ending away
EVENT_STEMS = frozenset(stem(w) for w in """
die dies died dying death dead kill kills killed murder murdered drown drowned drowning suicide sacrifice sacrificed
betray betrayed betrays confess confessed confesses escape escaped escapes survive survived survives rescue rescued
destroy destroyed destroys explode exploded explodes execute executed arrest arrested shoot shot stab stabbed poison
poisoned marry married reunite reunited divorce divorced abandon abandoned vanish vanished disappear disappeared
collapse collapses collapsed perish perished crash crashed sink sank sunk capture captured imprisoned imprison
""".split())
RE_WORD = re.compile(r"[A-Za-z0-9]+(?:['-][A-Za-z0-9]+)*")


class _Prep:
    """Per facts: the ending items' terms, the stems that alone give an item away,
    and for each lower-case word seen so far whether it can hit any item."""

    def __init__(self, idx):
        self.terms = [t for t in idx.ending_terms if t]
        self.strong = []   # per item: stems that alone give the ending away
        for t in self.terms:
            self.strong.append({st for st, w in t.items()
                                if (w not in COMMON_WORDS and st not in COMMON_STEMS and not ABSTRACT.search(w))
                                or st in EVENT_STEMS})
        self.all_stems = set().union(*self.terms) if self.terms else set()
        self.safe_vocab = idx.safe_vocab
        self.hits: dict[str, bool] = {}

    def can_hit(self, word: str) -> bool:
        """word (as matched, any case) may be one of the ending's terms."""
        got = self.hits.get(word)
        if got is None:
            w = word.lower()
            if w.endswith("'s"):
                w = w[:-2]
            got = not (w in self.safe_vocab or len(w) < 3) and stem(w) in self.all_stems
            if len(self.hits) < 50_000:
                self.hits[word] = got
        return got


def check(ctx: Ctx) -> None:
    prep = ctx.idx.derived("spoilers", _Prep)
    if not prep.terms:
        return
    for line in ctx.page.lines:
        if line.kind in ("text", "subheading") and line.section != "ending":
            ctx.per_line("spoilers", line, lambda: _check_line(ctx, line, prep))


def _check_line(ctx: Ctx, line: Line, prep: _Prep) -> None:
    idx = ctx.idx
    terms, strong = prep.terms, prep.strong
    # no word of the line is a term of the ending: nothing to find
    hits, can_hit = prep.hits, prep.can_hit
    for w in RE_WORD.findall(line.folded):
        got = hits.get(w)
        if got if got is not None else can_hit(w):
            break
    else:
        return
    # verbatim quotes from the facts are fine anywhere
    quoted = Spans([q.inner for q in ctx.quotes(line)])
    words = []
    for m in RE_WORD.finditer(line.folded):
        if quoted.at(m.start()) is not None:
            continue
        w = m.group().lower()
        if w.endswith("'s"):
            w = w[:-2]
        if w in idx.safe_vocab or len(w) < 3:
            continue
        words.append((stem(w), m.start(), m.start() + len(w)))
    if not words:
        return
    for item_no, t in enumerate(terms):
        hits = [(st, s, e) for st, s, e in words if st in t]
        if not hits:
            continue
        strong_hits = [h for h in hits if h[0] in strong[item_no]]
        if strong_hits or len({h[0] for h in hits}) >= 2:
            st, s, e = (strong_hits or hits)[0]
            item = _item_text(ctx, t)
            ctx.add("spoilers.ending", "error", line, s, e,
                    f"this gives away the ending (plot.ending: \u201c{item}\u201d); only the ending section may",
                    None, line.text[s:e])
            break


def _item_text(ctx: Ctx, terms: dict) -> str:
    f = ctx.facts
    idx = ctx.idx.ending_terms.index(terms)
    return f.plot.ending[idx] if f.plot and idx < len(f.plot.ending) else ""
