"""The numbers rule family: every figure on a page against the facts (scan.py), one
module per kind of figure. Its rule ids, and what each means:"""
from __future__ import annotations

from .scan import check

__all__ = ["RULES", "check"]

RULES = {
    "numbers.release_date": "a full date that is not the release date the facts hold",
    "numbers.runtime": "a running time the facts do not hold, or one where the facts give no runtime",
    "numbers.money": "a sum of money, currency or multiple of the budget the facts do not hold",
    "numbers.rating": "a rating, score or vote count the facts do not hold",
    "numbers.year": "a year or decade the facts do not hold, or a film's year that differs from the facts",
    "numbers.ordinal": "an ordinal word that differs from the facts' own phrase (\"second film\" for \"third film\")",
    "numbers.count": "a count of awards, cast, crew or other listed things that differs from the facts",
    "numbers.unsupported": "a figure (date, duration, percentage, ordinal or plain number) the facts do not contain",
}
