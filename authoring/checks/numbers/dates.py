"""When and how long: release dates in any format, running times ("2h 5min",
"111 minutes", "1:51"), other durations, decades and years, each checked against
the release date, the runtime and the years the facts hold. One room for the
figures of time, apart from the scanners of money, scores and plain counts."""
from __future__ import annotations

from ..patterns import starts_bounded
from ..text import num_value
from .regexes import (_RELEASED, MONTH_NAME, MONTHS, RE_DATE_DMY, RE_DATE_ISO, RE_DATE_MDY, RE_DATE_MY,
                       RE_DATE_SLASH, RE_DECADE, RE_DUR_COLON, RE_DUR_H, RE_DUR_HALF, RE_DUR_HM, RE_DUR_M,
                       RE_DUR_OTHER, RE_YEAR, RUNTIME_CTX, _rstrip_at)
from .values import _fmt_runtime, _numa, _precision


class DateScans:
    """NumberScan's date, duration and year scanners (a mixin: the line's state is ScanBase's)."""

    def dates(self) -> None:
        rd = self.f.release_date
        for rx, kind in ((RE_DATE_MDY, "mdy"), (RE_DATE_DMY, "dmy"), (RE_DATE_ISO, "iso"), (RE_DATE_SLASH, "slash"),
                         (RE_DATE_MY, "my")):
            for m in self.scan(rx):
                s, e = m.span()
                y = int(m.group("y"))
                if kind in ("mdy", "dmy"):
                    cands = [(y, MONTHS[m.group("mon")], int(m.group("d")))]
                elif kind == "iso":
                    cands = [(y, int(m.group("m")), int(m.group("d")))]
                elif kind == "slash":
                    a, b = int(m.group("a")), int(m.group("b"))
                    cands = [(y, a, b), (y, b, a)]
                else:
                    cands = [(y, MONTHS[m.group("mon")], None)]
                self.take(s, e)
                found = self.line.text[s:e]
                if rd and any(c[0] == rd.year and c[1] == rd.month and (c[2] is None or c[2] == rd.day) for c in cands):
                    continue
                if self._date_in_text(cands):
                    continue
                if rd:
                    exp = self._fmt_date(rd, kind)
                    self.flag("numbers.release_date", s, e, f"the release date is {rd.isoformat()} ({exp}) in the facts",
                              exp, found)
                else:
                    self.flag("numbers.unsupported", s, e,
                              f"the facts give no release date (only the release year, {self.f.year})", None, found)

    def _date_in_text(self, cands) -> bool:
        text = self.idx.fact_text_norm
        for y, mo, d in cands:
            if not 1 <= mo <= 12:
                continue
            name = MONTH_NAME[mo].lower()
            pats = [f"{name} {d}, {y}", f"{d} {name} {y}", f"{y}-{mo:02d}-{d:02d}"] if d else [f"{name} {y}"]
            if any(p in text for p in pats):
                return True
        return False

    @staticmethod
    def _fmt_date(rd, kind: str) -> str:
        if kind == "iso":
            return rd.isoformat()
        if kind == "dmy":
            return f"{rd.day} {MONTH_NAME[rd.month]} {rd.year}"
        if kind == "my":
            return f"{MONTH_NAME[rd.month]} {rd.year}"
        return f"{MONTH_NAME[rd.month]} {rd.day}, {rd.year}"

    # ---------------------------------------------------------------- durations
    def durations(self) -> None:
        rt = self.f.runtime_minutes
        for m in self.scan(RE_DUR_HM):
            h = _numa(m.group("h") or m.group("h2"))
            mm = num_value(m.group("m") or m.group("m2"))
            if h is None or mm is None:
                continue
            self.take(*m.span())
            self._check_duration(m.start(), m.end(), h * 60 + mm, 1.0, runtime_like=True, style="hm")
        for m in self.scan(RE_DUR_HALF):
            h = _numa(m.group("h"))
            if h is None:
                continue
            self.take(*m.span())
            self._check_duration(m.start(), m.end(), h * 60 + 30, 30.0, runtime_like=True, style="h")
        for m in self.scan(RE_DUR_H):
            h = _numa(m.group("n"))
            if h is None:
                continue
            self.take(*m.span())
            n = m.group("n")
            prec = 60.0 * (_precision(n, "any") if n[0].isdigit() else 1.0)
            if self.hedge(m.start()):
                prec *= 2
            self._check_duration(m.start(), m.end(), h * 60, prec, runtime_like=True, style="h", unit_value=(h, "hour"))
        colons = self.scan(RE_DUR_COLON) if rt else []
        if colons and RUNTIME_CTX.search(self.low):
            for m in colons:
                self.take(*m.span())
                self._check_duration(m.start(), m.end(), int(m.group("h")) * 60 + int(m.group("m")), 1.0,
                                     runtime_like=True, style="colon")
        for m in self.scan(RE_DUR_M):
            v = num_value(m.group("n"))
            if v is None:
                continue
            self.take(*m.span())
            hedge = self.hedge(m.start())
            prec = _precision(m.group("n"), hedge) if m.group("n")[0].isdigit() else 1.0
            self._check_duration(m.start(), m.end(), v, prec, runtime_like=v >= 45, style="m", unit_value=(v, "minute"))
        for m in self.scan(RE_DUR_OTHER):
            v = num_value(m.group("n"))
            if v is None:
                continue
            self.take(*m.span())
            unit = m.group("u").rstrip("s")
            unit = {"sec": "second"}.get(unit, unit)
            if (v, unit) in self.idx.text_durations or v in self.idx.text_numbers:
                continue
            if unit == "year" and v in self.idx.number_set:
                continue
            found = self.line.text[m.start():m.end()]
            self.flag("numbers.unsupported", m.start(), m.end(), f"the facts mention no {found}", None, found)

    def _check_duration(self, s: int, e: int, minutes: float, prec: float, runtime_like: bool, style: str,
                        unit_value: tuple[float, str] | None = None) -> None:
        rt = self.f.runtime_minutes
        found = self.line.text[s:e]
        if rt and abs(rt - minutes) <= prec / 2 + 1e-9:
            self.ctx.claims.append(("runtime", minutes, prec, self.line, s, e))
            return
        ctx_rt = bool(RUNTIME_CTX.search(self.before(s, 80) + " " + self.after(e, 30))) or self.line.section == "overview"
        if unit_value and not ctx_rt:
            v, unit = unit_value
            if (v, unit) in self.idx.text_durations or (v in self.idx.text_numbers and not runtime_like):
                return
        if not (ctx_rt or runtime_like):
            if unit_value and unit_value[0] in self.idx.text_numbers:
                return
            self.flag("numbers.unsupported", s, e, f"the facts mention no {found}", None, found)
            return
        if unit_value and unit_value in self.idx.text_durations:
            return
        if not rt:
            self.flag("numbers.runtime", s, e, "the facts give no runtime", None, found)
            return
        exp = _fmt_runtime(rt, style, found)
        self.flag("numbers.runtime", s, e, f"runtime is {rt} minutes ({_fmt_runtime(rt, 'hm', '')}) in the facts",
                  exp, found)

    # ---------------------------------------------------------------- years
    def years(self) -> None:
        f = self.f
        for m in self.scan(RE_DECADE):
            s, e = m.span()
            self.take(s, e)
            if m.group("y"):
                dec = int(m.group("y"))
            else:
                yy = int(m.group("yy"))
                dec = (1900 if yy >= 20 else 2000) + yy
            if any(dec <= y < dec + 10 for y in self.idx.year_set) or dec in self.idx.text_numbers:
                continue
            found = self.line.text[s:e]
            self.flag("numbers.year", s, e, f"the facts give no year in the {found}", None, found)
        for m in self.scan(RE_YEAR):
            s, e = m.span()
            y = int(m.group("y"))
            self.take(s, e)
            found = self.line.text[s:e]
            title_year = self._title_before(s)
            if title_year is not None:
                t, ty = title_year
                if ty is None or ty == y:
                    if ty is None and y not in self.idx.year_set:
                        self.flag("numbers.year", s, e, f"the facts give no year for {t}", None, found)
                    continue
                self.flag("numbers.year", s, e, f"{t} is from {ty} in the facts", str(ty), found)
                continue
            b = self.before(s, 80)
            if _RELEASED.search(b):
                ok = {f.year} | ({f.release_date.year} if f.release_date else set())
                if y in ok:
                    continue
                self.flag("numbers.year", s, e, f"the release year is {f.year} in the facts", str(f.year), found)
                continue
            if y in self.idx.year_set:
                continue
            held = sorted(self.idx.year_set)
            self.flag("numbers.year", s, e,
                      f"{y} is not a year in the facts (release {f.year}"
                      + (f"; other years: {', '.join(map(str, [h for h in held if h != f.year]))}" if len(held) > 1 else "")
                      + ")", None, found)

    def _title_before(self, pos: int):
        """The title (and its year in the facts) right before pos: "Alien (1979)", "Alien, 1979"."""
        low = self.low
        end = _rstrip_at(low, pos)
        if end and low[end - 1] == "(":
            end -= 1
        else:
            stripped = _rstrip_at(low, end, ",")
            if stripped == end:
                return None
            end = stripped
        end = _rstrip_at(low, _rstrip_at(low, _rstrip_at(low, end), "*_"))
        best = None
        for t, y in self.idx.titles.items():
            start = end - len(t)
            if low.endswith(t, 0, end) and (start == 0 or not low[start - 1].isalnum() and starts_bounded(low, start)):
                if best is None or len(t) > len(best[0]):
                    best = (t, y)
        if best is None:
            return None
        t = best[0]
        disp = next((s for s in [self.f.title] + [x.title for x in self.f.similar] + [self.f.original_title or ""]
                     if s and s.lower() == t or (s and s.lower().replace("\u2019", "'") == t)), t)
        return disp, best[1]
