"""Consistency: two sections that state the same figure differently. Each
figure is also checked against the facts by the numbers rules; this catches two
hedged figures that pass the rounding but tell a reader different things
("just under two hours" and "98 minutes": more than 10% apart) as a warning."""
from __future__ import annotations

from .context import Ctx

RULES = {"consistency.figure": "a figure two sections give differently (more than their rounding, or 10%, apart)"}


def check(ctx: Ctx) -> None:
    by_field: dict[str, list] = {}
    for field, value, prec, line, s, e in ctx.claims:
        by_field.setdefault(field, []).append((value, prec, line, s, e))
    for field, items in by_field.items():
        first = items[0]
        for value, prec, line, s, e in items[1:]:
            v0, p0, l0, s0, e0 = first
            if line.section == l0.section:
                continue
            if abs(value - v0) > max(prec, p0) / 2 + 1e-9 or abs(value - v0) > 0.1 * max(abs(value), abs(v0)):
                ctx.add("consistency.figure", "warning", line, s, e,
                        f"the {field} is given as {l0.text[s0:e0].strip()} on line {l0.no} and differently here",
                        l0.text[s0:e0].strip(), line.text[s:e])
