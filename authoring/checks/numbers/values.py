"""A written figure as a value: the precision its digits claim, whether it is close
enough to a fact (hedges such as "over" or "nearly" included), and a fact written
back in the page's own format. Pure functions that every scanner uses."""
from __future__ import annotations

import re

from ..text import num_value
from .regexes import CUR_SYMBOL


def _numa(text: str) -> float | None:
    t = text.strip().lower()
    if t in ("a", "an", "one"):
        return 1.0
    return num_value(t)


def _precision(num: str, hedge: str | None) -> float:
    num = num.replace(",", "")
    if "." in num:
        return 10.0 ** -len(num.split(".", 1)[1])
    if hedge:
        stripped = num.rstrip("0")
        zeros = len(num) - len(stripped)
        if stripped:
            return 10.0 ** zeros
    return 1.0


def _word_precision(value: float) -> float:
    p = 1.0
    while value and value % (p * 10) == 0:
        p *= 10
    return p


def _close(fact: float, written: float, prec: float, hedge: str | None) -> bool:
    diff = fact - written
    if hedge == "up":
        return -1e-9 <= diff < prec * 5 if prec > 0 else diff >= 0
    if hedge == "down":
        return -prec * 5 < diff <= 1e-9
    eps = 1e-9 * max(1.0, abs(fact))
    if hedge:
        return abs(diff) <= prec + eps
    # rounding half up: 9.75 may be written 9.8, not 9.7
    return -prec / 2 - eps <= diff < prec / 2 - eps


def _fmt_num(v: float) -> str:
    return str(int(v)) if float(v) == int(v) else str(v)


def _fmt_money(v: int, found: str, cur: str) -> str:
    sym = CUR_SYMBOL.get(cur, cur + " ")
    low = found.lower()
    if re.search(r"\d\s*(?:m|mn)\b", low) or "m" == low.strip()[-1:]:
        return f"{sym}{_trim(v / 1e6)}M"
    if "million" in low:
        return f"{sym}{_trim(v / 1e6)} million"
    if "billion" in low or re.search(r"\d\s*bn?\b", low):
        return f"{sym}{_trim(v / 1e9)} billion"
    return f"{sym}{v:,}"


def _trim(x: float) -> str:
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return s


def _fmt_votes(v: int, found: str) -> str:
    low = found.lower()
    if re.search(r"\dk\b|thousand", low):
        return f"{_trim(v / 1e3)}K votes"
    if re.search(r"\dm\b|million", low):
        return f"{_trim(v / 1e6)}M votes"
    return f"{v:,} votes"


def _fmt_runtime(rt: int, style: str, found: str) -> str:
    h, m = divmod(rt, 60)
    if style == "hm":
        if re.search(r"hours?|hrs?", found):
            return f"{h} hour{'s' if h != 1 else ''} {m} minutes"
        unit = "m" if re.search(r"\d\s*m\b", found) else "min"
        return f"{h}h {m}{unit}"
    if style == "colon":
        return f"{h}:{m:02d}"
    return f"{rt} minutes"

