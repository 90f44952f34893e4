"""Sums of money: "$3.6 million", "ten million dollars", "$32M domestic", each read
with its currency and multiplier and matched to the box-office figure its words
name (budget, domestic, worldwide, international). Its own room: money keeps
state of its own per line (each figure's span and the words right after it, where
"$32M domestic" names its field), which no other scanner reads."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from ..spans import Spans
from ..text import MULTIPLIERS, num_value
from .regexes import _MONEY_IMM, CUR_CODE, RE_MONEY1, RE_MONEY2
from .values import _close, _fmt_money, _precision, _word_precision


class MoneyScans:
    """NumberScan's money scanner (a mixin: the line's state is ScanBase's)."""

    def money(self) -> None:
        matches = [(m.start(), m.end(), m) for m in self.scan(RE_MONEY1)]
        first = Spans([(s, e) for s, e, _ in matches])     # "$5 million dollars": the symbol's figure
        matches += [(m.start(), m.end(), m) for m in self.scan(RE_MONEY2) if not first.overlaps(m.start(), m.end())]
        matches.sort(key=lambda t: t[0])
        for s, e, m in matches:
            self.handled(s, e)
        # each figure's span, and where the words right after it end ("$5M domestic")
        self._money_spans = []
        self._money_imm: dict[int, int] = {}
        for s, e, m in matches:
            imm = _MONEY_IMM.match(self.low[e:e + 40])
            self._money_spans.append((s, e, e + (imm.end() if imm else 0)))
            self._money_imm[s] = self._money_spans[-1][2]
        self._money_ends = [e for _, e, _ in self._money_spans]
        for s, e, m in matches:
            self.blank(s, e)
            num = m.group("num")
            v = num_value(num)
            if v is None:
                continue
            mult = MULTIPLIERS.get((m.group("mult") or "").lower(), 1.0)
            w = v * mult
            hedge = self.hedge(s)
            if num[0].isdigit():
                prec = _precision(num, hedge) * mult
            else:
                prec = _word_precision(w)
            self._check_money(s, e, w, prec, hedge, (m.group("cur") or "").lower().strip())

    def _check_money(self, s: int, e: int, w: float, prec: float, hedge: str | None, cur: str) -> None:
        found = self.line.text[s:e]
        bo = self.f.box_office
        fields = {}
        if bo:
            if bo.budget is not None:
                fields["budget"] = bo.budget
            if bo.domestic_gross is not None:
                fields["domestic gross"] = bo.domestic_gross
            if bo.worldwide_gross is not None:
                fields["worldwide gross"] = bo.worldwide_gross
            if bo.domestic_gross and bo.worldwide_gross and bo.worldwide_gross > bo.domestic_gross:
                fields["international gross"] = bo.worldwide_gross - bo.domestic_gross
        code = CUR_CODE.get(cur, None)
        fcur = bo.currency if bo else "USD"
        if code and bo and code != fcur and not (cur == "$" and fcur in ("CAD", "AUD")):
            self.flag("numbers.money", s, e, f"box-office figures are in {fcur} in the facts, not {code}", fcur, found)
            return
        field = self._money_field(s, e)
        ok_fields = [k for k, v in fields.items() if _close(v, w, prec, hedge)]
        if field and field in fields:
            if field in ok_fields:
                self.ctx.claims.append((field, w, prec, self.line, s, e))
                return
            if any(_close(v, w, prec, hedge) for v in self.idx.text_numbers if v >= 100):
                return
            exp = _fmt_money(fields[field], found, fcur)
            self.flag("numbers.money", s, e, f"the {field} is {fcur} {fields[field]:,} ({exp}) in the facts", exp, found)
            return
        if ok_fields or any(_close(v, w, prec, hedge) for v in self.idx.text_numbers if v >= 100):
            return
        if field:
            self.flag("numbers.money", s, e, f"the facts give no {field}", None, found)
            return
        if fields:
            held = "; ".join(f"{k} {fcur} {v:,}" for k, v in fields.items() if k != "international gross")
            self.flag("numbers.money", s, e, f"no figure in the facts is {found}; they hold {held}", None, found)
        else:
            self.flag("numbers.money", s, e, "the facts give no box-office or money figures", None, found)

    _MONEY_KW = [
        ("budget", re.compile(r"budget|made for|made on|cost|costing|financed|shot for|produced for|price tag")),
        ("domestic gross", re.compile(r"domestic|north america|north american|\bu\.?s\.?\b|united states|us and canada|"
                                      r"stateside|in america|american box office|home market")),
        ("worldwide gross", re.compile(r"worldwide|world-wide|global|globally|around the world|total gross|in total|overall")),
        ("international gross", re.compile(r"international|overseas|foreign|outside (?:the us|north america)")),
    ]

    def _money_field(self, s: int, e: int) -> str | None:
        imm_end = self._money_imm.get(s, e)
        imm = self.low[e:imm_end]
        best, best_pos = None, 10 ** 6
        for name, rx in self._MONEY_KW:
            m = rx.search(imm)
            if m and m.start() < best_pos:
                best, best_pos = name, m.start()
        if best:
            return best
        ss, _ = self.sentence_of(s)
        # after the words that belong to an earlier figure; those end at most 40 characters after it
        start = max(ss, s - 60)
        ends = self._money_ends
        for i in range(bisect_left(ends, start - 40), bisect_right(ends, s)):
            start = max(start, self._money_spans[i][2])
        b = self.low[start:s]
        best, best_pos = None, -1
        for name, rx in self._MONEY_KW:
            for m in rx.finditer(b):
                if m.start() > best_pos:
                    best, best_pos = name, m.start()
        return best
