"""The fact checker: every statement on a page that does not hold against the
facts seed, as flags (../shared/spec/page.md, "Flags").

    from authoring.checks import check_page
    flags = check_page(facts, page_text)
"""
from __future__ import annotations

from ..facts import Facts
from .flags import Flag

__all__ = ["Flag", "check_page"]

# more specific rules win when two flag the same words
_GENERAL = {"numbers.unsupported": 3, "numbers.year": 2, "people.unknown": 2, "quotes.unsourced": 1}


_RULES: tuple | None = None   # (get_index, parse_page, Ctx, the rule families), imported on first use


def _rules() -> tuple:
    global _RULES
    if _RULES is None:
        from . import awards, consistency, numbers, people, quotes, spoilers, structure
        from .context import Ctx
        from .index import get_index
        from .page import parse_page
        _RULES = (get_index, parse_page, Ctx, (structure, people, quotes, awards, numbers, spoilers, consistency))
    return _RULES


def check_page(facts: Facts, text: str) -> list[Flag]:
    """All flags for one page's Markdown text; pure (no I/O)."""
    get_index, parse_page, Ctx, families = _RULES or _rules()
    idx = get_index(facts)
    page = parse_page(text, facts.title)
    ctx = Ctx(idx, page)
    for family in families:
        family.check(ctx)
    return _dedupe(ctx.raised)


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
