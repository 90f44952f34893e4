"""The fact checker: every statement on a page that does not hold against the
facts seed, as flags (../shared/spec/page.md, "Flags").

    from authoring.checks import check_page
    flags = check_page(facts, page_text)
"""
from __future__ import annotations

import gc

from ..facts import Facts
from . import awards, consistency, numbers, people, quotes, roles, run, source, spoilers, structure
from .context import Ctx
from .flags import Flag
from .index import get_index
from .page import parse_page

__all__ = ["FAMILIES", "Flag", "RULES", "check_page"]

# The rule families are imported with the package: every command that imports it checks a
# page (check, draft, status, review), and `authoring --help` imports none of it.
# The families, each a module with check(ctx), run in this order: flags are raised, and
# deduplicated, in it. roles and source are checked from people and awards.
FAMILIES = (structure, people, quotes, awards, numbers, spoilers, consistency)
# Every rule id the checker raises -> what it means: the RULES table of each module that raises
# any, the figures first (the order a config's hints list the families in, policy.FAMILIES).
RULES = {rule: meaning for module in (numbers, people, quotes, awards, source, roles, spoilers, structure,
                                      consistency, run)
         for rule, meaning in module.RULES.items()}

# more specific rules win when two flag the same words
_GENERAL = {"numbers.unsupported": 3, "numbers.year": 2, "people.unknown": 2, "quotes.unsourced": 1}


GC_PAUSE = 100_000   # characters: a page this long is checked with the cyclic garbage collector paused


def check_page(facts: Facts, text: str) -> list[Flag]:
    """All flags for one page's Markdown text; pure (no I/O)."""
    if len(text) < GC_PAUSE or not gc.isenabled():
        return _check_page(facts, text)
    # A long page makes millions of small objects, none in a reference cycle: the collector's
    # passes over them (a full one each time the survivors grow by a quarter) cost a fifth of
    # the check and free nothing. Reference counting frees them as before; a cycle made
    # meanwhile is collected at the next pass after.
    gc.disable()
    try:
        return _check_page(facts, text)
    finally:
        gc.enable()


def _check_page(facts: Facts, text: str) -> list[Flag]:
    idx = get_index(facts)
    page = parse_page(text, facts.title)
    _split_long_lines(page)
    ctx = Ctx(idx, page)
    for family in FAMILIES:
        family.check(ctx)
    return _dedupe(ctx.raised)


LONG_LINE = 10_000   # characters; no paragraph a writer means as one comes near


def _split_long_lines(page) -> None:
    """A line far longer than any paragraph (a paste gone wrong, a model stuck in a
    loop) is checked sentence by sentence: each piece is a line of its own to the rules,
    with the same line number and its offset in the line, cut where a sentence ends
    and a capitalised one starts outside quotation marks. Rules then work on pieces a
    paragraph long, and a piece that repeats is checked once (Ctx.per_line)."""
    import dataclasses

    from .context import find_quotes
    from .spans import Spans
    from .text import sentence_spans

    pieces: dict[int, list] = {}
    for ln in page.lines:
        if ln.kind != "text" or len(ln.text) <= LONG_LINE:
            continue
        quoted = Spans([(q.start, q.end) for q in find_quotes(ln.text)])
        cuts = [s for s, _ in sentence_spans(ln.folded)[1:]
                if ln.folded[s].isupper() and ln.folded[s - 1].isspace() and quoted.at(s) is None]
        if not cuts:
            continue
        out = []
        for a, b in zip([0] + cuts, cuts + [len(ln.text)]):
            piece = dataclasses.replace(ln, text=ln.text[a:b], folded=ln.folded[a:b], is_item=ln.is_item and a == 0)
            piece.offset = a
            out.append(piece)
        pieces[id(ln)] = out
    if not pieces:
        return

    def split(lines: list) -> list:
        return [p for ln in lines for p in pieces.get(id(ln), (ln,))]

    page.lines[:] = split(page.lines)
    for sec in page.sections:
        sec.body[:] = split(sec.body)
        for sub in sec.subsections:
            sub.body[:] = split(sub.body)


def _dedupe(raised: list[tuple[Flag, int]]) -> list[Flag]:
    """One flag per (line, words): an error beats a warning, a specific rule a general one."""
    best: dict[tuple, tuple[Flag, int]] = {}
    order: list[tuple] = []
    for flag, col in raised:
        key = (flag.line, col, flag.excerpt)
        rank = (flag.severity == "error", -_GENERAL.get(flag.rule, 0))
        if key not in best:
            order.append(key)
            best[key] = (flag, col)
        else:
            old = best[key][0]
            if rank > (old.severity == "error", -_GENERAL.get(old.rule, 0)):
                best[key] = (flag, col)
    out = [best[k] for k in order]
    out.sort(key=lambda fc: (fc[0].line, fc[1]))
    return [f for f, _ in out]
