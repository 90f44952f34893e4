"""Ratings and votes: "7.5/10", "three and a half stars", "93%", "80K votes", each
tied to the rating site its words name (IMDb, Rotten Tomatoes, Metacritic) or else
to any rating or critic's score the facts hold. Its own room: the rating context
(which site a score belongs to) is what plain numbers also ask before they are
read as counts."""
from __future__ import annotations

import re

from ..text import MULTIPLIERS, num_value
from .regexes import _RATING_JUST, _RATING_ON, RATING_KW, RE_OUTOF, RE_PERCENT, RE_SLASH, RE_STARS, RE_VOTES
from .values import _close, _fmt_num, _fmt_votes, _precision


class ScoreScans:
    """NumberScan's rating and vote scanners (a mixin: the line's state is ScanBase's)."""

    def _rating_ctx(self, s: int, e: int) -> str | None:
        a = self.after(e, 30)
        for key, rx in RATING_KW:   # "7.5 on IMDb", "93% on Rotten Tomatoes"
            m = rx.search(a)
            if m and _RATING_ON.match(a[:m.start()]):
                return key
        b = self.before(s, 40)
        best, pos = None, -1
        for key, rx in RATING_KW:
            for m in rx.finditer(b):
                if m.start() > pos:
                    best, pos = key, m.start()
        if best:
            return best
        for key, rx in RATING_KW:
            m = rx.search(a)
            if m and _RATING_JUST.match(a[:m.start()]):
                return key
        return None

    def _critic_rating_ok(self, a: float, b: float) -> bool:
        for r in self.f.reviews:
            if r.rating:
                rm = re.match(r"^\s*(\d+(?:\.\d+)?)\s*(?:/|out of)\s*(\d+)", r.rating)
                if rm and abs(float(rm.group(1)) - a) < 1e-9 and abs(float(rm.group(2)) - b) < 1e-9:
                    return True
                stars = r.rating.count("\u2605") + 0.5 * r.rating.count("\u00bd")
                if stars and abs(stars - a) < 1e-9 and b in (4, 5):
                    return True
        return False

    def _score(self, key: str):
        r = self.f.ratings
        if not r:
            return None
        obj = {"imdb": r.imdb, "rt": r.rotten_tomatoes, "mc": r.metacritic}.get(key)
        return obj.score if obj is not None else None

    def _check_rating(self, s: int, e: int, key: str | None, a: float, scale: float | None, prec: float) -> None:
        found = self.line.text[s:e]
        names = {"imdb": "IMDb score", "rt": "Rotten Tomatoes score", "mc": "Metacritic score", "aud": "audience score"}
        if key == "aud":
            self.flag("numbers.rating", s, e, "the facts give no audience score", None, found)
            return
        if key:
            score = self._score(key)
            if score is None:
                self.flag("numbers.rating", s, e, f"the facts give no {names[key]}", None, found)
                return
            target = score
            if key == "imdb" and scale == 100:
                target = score * 10
            if key in ("rt", "mc") and scale == 10:
                target = score / 10
            if abs(target - a) <= prec / 2 + 1e-9:
                return
            exp = _fmt_num(score) + ("/10" if key == "imdb" else "%" if key == "rt" else "")
            self.flag("numbers.rating", s, e, f"the {names[key]} is {_fmt_num(score)} in the facts", exp, found)
            return
        # no keyword: any rating of the facts at that scale
        cands = []
        for k in ("imdb", "rt", "mc"):
            sc = self._score(k)
            if sc is None:
                continue
            natural = 10 if k == "imdb" else 100
            if scale in (None, natural):
                cands.append(sc)
        if any(abs(c - a) <= prec / 2 + 1e-9 for c in cands):
            return
        if scale and self._critic_rating_ok(a, scale):
            return
        if a in self.idx.text_numbers:
            return
        held = []
        r = self.f.ratings
        if r and r.imdb:
            held.append(f"IMDb {_fmt_num(r.imdb.score)}/10")
        if r and r.rotten_tomatoes:
            held.append(f"Rotten Tomatoes {_fmt_num(r.rotten_tomatoes.score)}%")
        if r and r.metacritic:
            held.append(f"Metacritic {_fmt_num(r.metacritic.score)}")
        msg = "no rating in the facts is " + found + ("; they hold " + ", ".join(held) if held else "")
        self.flag("numbers.rating", s, e, msg, None, found)

    def votes(self) -> None:
        for m in self.scan(RE_VOTES):
            s, e = m.span()
            self.take(s, e)
            v = num_value(m.group("a"))
            mult = MULTIPLIERS.get((m.group("mult") or "").lower(), 1.0)
            w = v * mult
            prec = _precision(m.group("a"), self.hedge(s)) * mult
            votes = self.f.ratings.imdb.votes if self.f.ratings and self.f.ratings.imdb else None
            found = self.line.text[s:e]
            if votes is None:
                self.flag("numbers.rating", s, e, "the facts give no vote count", None, found)
            elif not _close(votes, w, prec, "up" if "+" in found else None):
                self.flag("numbers.rating", s, e, f"IMDb votes are {votes:,} in the facts", _fmt_votes(votes, found), found)

    def ratings(self) -> None:
        for m in self.scan(RE_SLASH):
            s, e = m.span()
            a, b = float(m.group("a")), float(m.group("b"))
            key = self._rating_ctx(s, e)
            if b not in (4, 5, 10, 100) and not key:
                continue
            self.take(s, e)
            if not key and self._critic_near(s) and self._critic_rating_ok(a, b):
                continue
            self._check_rating(s, e, key, a, b, _precision(m.group("a"), None))
        for rx in (RE_OUTOF, RE_STARS):
            for m in self.scan(rx):
                s, e = m.span()
                a = num_value(m.group("a"))
                if a is None:
                    continue
                if m.group("half"):
                    a += 0.5
                b = num_value(m.group("b")) if "b" in m.groupdict() and m.group("b") else None
                self.take(s, e)
                key = self._rating_ctx(s, e)
                if b is None:
                    if self._critic_rating_ok(a, 4) or self._critic_rating_ok(a, 5):
                        continue
                    found = self.line.text[s:e]
                    self.flag("numbers.rating", s, e, "no critic's rating in the facts is " + found, None, found)
                    continue
                if not key and self._critic_rating_ok(a, b):
                    continue
                self._check_rating(s, e, key, a, b, _precision(m.group("a"), None) if m.group("a")[0].isdigit() else 1)
        for m in self.scan(RE_PERCENT):
            s, e = m.span()
            self.take(s, e)
            key = self._rating_ctx(s, e)
            a = float(m.group("a"))
            if key is None:
                score_ok = any(self._score(k) is not None and abs(self._score(k) - a) < 0.5 for k in ("rt", "mc"))
                if score_ok or a in self.idx.text_numbers:
                    continue
                found = self.line.text[s:e]
                self.flag("numbers.unsupported", s, e, f"no percentage in the facts is {found}", None, found)
                continue
            self._check_rating(s, e, key, a, 100 if key != "imdb" else 100, _precision(m.group("a"), None))

    def _critic_near(self, pos: int) -> bool:
        """A critic is named before pos on the line."""
        if self._critic_end is None:
            ends = [mn.end for mn in self.ctx.mentions(self.line)
                    if any("critic" in self.idx.people[i].kinds for i in mn.ids)]
            self._critic_end = min(ends, default=len(self.low) + 1)
        return self._critic_end <= pos
