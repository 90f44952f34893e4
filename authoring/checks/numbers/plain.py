"""Figures with no unit: ordinals ("his fifth film"), counts of what the facts list
("two Oscars", "a cast of four") and any other number. Their own room because
they run last, once every figure with a unit is taken: what is left has no unit
to say what it counts, so the words around it must (a noun after, "won" before,
the FAQ question)."""
from __future__ import annotations

from ..text import MULTIPLIERS, ORDINALS, num_value, words_value
from .regexes import (_AWARD_NOUN_AFTER, _COUNT_AFTER, _COUNT_BODIES, _GROUP_OF, _HOW_MANY, _LEAD_SPACE, _MAIN,
                       _NOMINATED, _PUNCT, _TIMES_BUDGET, ORD_RANKISH, PERSON_NOUNS, PRONOUN_BEFORE, RE_ORD_DIGIT,
                       RE_ORD_WORD, RE_PLAIN, RE_WORDS, WINS_BEFORE)
from .values import _precision


class PlainScans:
    """NumberScan's ordinal and plain-number scanners (a mixin: the line's state is ScanBase's)."""

    def ordinals(self) -> None:
        for m in self.scan(RE_ORD_DIGIT):
            s, e = m.span()
            self.take(s, e)
            n = int(m.group("n"))
            if n in self.idx.text_ordinals or n in self.idx.number_set:
                continue
            found = self.line.text[s:e]
            self.flag("numbers.unsupported", s, e, f"the facts contain no {found}", None, found)
        for m in self.scan(RE_ORD_WORD):
            s, e = m.start("w"), m.end("w")
            n = ORDINALS[m.group("w")]
            rest = m.group("rest").strip()
            self.take(s, e)
            found = self.line.text[s:e]
            phrase_val = self.idx.ordinal_phrases.get(rest)
            if phrase_val is not None:
                if phrase_val != n:
                    exp = next(w for w, v in ORDINALS.items() if v == phrase_val)
                    self.flag("numbers.ordinal", s, e, f"the facts say {exp} {rest}", exp, found)
                continue
            if n <= 2 or n in self.idx.text_ordinals:
                continue
            if ORD_RANKISH.match(m.group("rest")):
                self.flag("numbers.unsupported", s, e, f"the facts contain no '{found}'", None, found)

    # ---------------------------------------------------------------- other figures
    def plain(self) -> None:
        for m in self.scan(RE_PLAIN):
            s, e = m.span()
            self.take(s, e)
            v = num_value(m.group("n"))
            if v is None:
                continue
            suf = m.group("suf") or ""
            vals = {v}
            if suf in MULTIPLIERS:
                vals.add(v * MULTIPLIERS[suf])
            elif suf in ("s",):
                pass
            self._check_plain(s, e, vals, m.group("n"), digits=True)
        for m in self.scan(RE_WORDS):
            s, e = m.span()
            word = m.group("n")
            if word in ("one", "zero"):
                continue
            # "one-person", "two-time": still numbers; "one" alone is an idiom more often than a count
            self.take(s, e)
            v = words_value(word)
            if v is None:
                continue
            self._check_plain(s, e, {v}, word, digits=False)

    def _check_plain(self, s: int, e: int, vals: set[float], raw: str, digits: bool) -> None:
        found = self.line.text[s:e]
        after = self.low[e:e + 60]
        after_words = _LEAD_SPACE.sub("", after)
        # a ratings keyword right before: Metacritic 89, IMDb 8.5
        key = self._rating_ctx(s, e)
        if key and digits:
            v = next(iter(vals))
            scale = 10 if key == "imdb" else 100
            self._check_rating(s, e, key, v, scale, _precision(raw, None))
            return
        # "won two", "winning three"; "How many Oscars did it win? Two."
        wins_kind = None
        if WINS_BEFORE.search(self.low[max(0, s - 30):s]):
            wins_kind = "wins"
        q = self._faq_question()
        if q and s - self.line.body_start < 12:
            qm = _HOW_MANY.search(q)
            if qm:
                wins_kind = "wins" if qm.group(1).startswith("w") else "nominations"
        if wins_kind and not _AWARD_NOUN_AFTER.match(after_words):
            counts = self._counts((wins_kind,), s, (q or "") if wins_kind and q else "", plain_wins=True)
            if any(v in counts for v in vals):
                return
            exp = ", ".join(str(c) for c in sorted(set(counts)))
            self.flag("numbers.count", s, e, f"the facts list {exp} award {'wins' if wins_kind == 'wins' else 'nominations'}",
                      exp, found)
            return
        # "a crew of seven", "a cast of four"
        if _GROUP_OF.search(self.low[max(0, s - 20):s]):
            if any(v in (self.idx.counts["cast"], self.idx.counts["crew"]) for v in vals):
                return
        # "ten times its budget"
        tm = _TIMES_BUDGET.match(after_words)
        if tm and self.f.box_office and self.f.box_office.budget:
            bo = self.f.box_office
            ratios = [g / bo.budget for g in (bo.domestic_gross, bo.worldwide_gross) if g]
            tol = 1.0 if self.hedge(s) else 0.5
            if any(abs(r - v) <= tol for r in ratios for v in vals):
                return
            exp = " or ".join(f"{r:.1f}" for r in ratios)
            self.flag("numbers.money", s, e, f"the grosses are {exp} times the budget in the facts", exp, found)
            return
        # a count of something the facts list
        for rx, kinds in _COUNT_AFTER:
            nm = rx.match(after_words)
            if nm and not _PUNCT.search(after_words[:nm.end()]):
                if kinds == ("cast_some",):   # "its two leads": some of the cast
                    if any(v <= self.idx.counts["cast"] for v in vals) or self._phrase_in_facts(raw, after_words[:nm.end()]):
                        return
                    noun = after_words[:nm.end()].strip()
                    self.flag("numbers.count", s, e, f"the facts list {self.idx.counts['cast']} cast members",
                              str(self.idx.counts["cast"]), found)
                    return
                counts = self._counts(kinds, s, after_words[:nm.end()])
                if kinds == ("cast",) and any(v <= 2 for v in vals):
                    counts.append(int(next(iter(vals))))  # "the two main characters" of a larger cast
                if any(v in counts for v in vals):
                    return
                if self._phrase_in_facts(raw, after_words[:nm.end()]):
                    return
                if kinds == ("cast",) and PERSON_NOUNS.match(after_words) and not _MAIN.match(after_words):
                    if any(v <= self.idx.counts["cast"] for v in vals):
                        return
                noun = after_words[:nm.end()].strip()
                exp = ", ".join(str(c) for c in sorted(set(counts))) if counts else None
                self.flag("numbers.count", s, e,
                          f"the facts list {exp or 'no'} {noun}" if counts else f"the facts give no count of {noun}",
                          exp, found)
                return
        if any(v in self.idx.number_set for v in vals):
            return
        if PERSON_NOUNS.match(after_words) or PRONOUN_BEFORE.search(self.low[max(0, s - 12):s]):
            if any(v <= max(2, self.idx.counts["cast"]) for v in vals):
                return
        self.flag("numbers.unsupported", s, e, f"the facts contain no figure {found}", None, found)

    def _faq_question(self) -> str | None:
        q = self.ctx.faq_question(self.line)
        return q.folded.lower() if q is not None else None

    def _counts(self, kinds: tuple[str, ...], s: int, noun: str, plain_wins: bool = False) -> list[int]:
        out = []
        body = None
        window = self.before(s, 60) + " " + noun
        for key, rx in _COUNT_BODIES:
            if rx.search(window):
                body = key
        nominated = not plain_wins and bool(_NOMINATED.search(self.before(s, 40)))
        aw = [a for a in self.idx.awards if body is None or a.body == body]
        if kinds == ("wins", "nominations"):   # "three Oscars": wins, unless "nominated for three Oscars"
            wins = sum(1 for a in aw if a.result == "won")
            if nominated:
                return [len(aw)]
            return [wins] if body else [wins, len(aw)]   # "its three awards" may count nominations
        for k in kinds:
            if k in ("wins", "nominations"):
                if k == "wins" and not nominated:
                    out.append(sum(1 for a in aw if a.result == "won"))
                else:
                    out.append(len(aw))
                    if k == "nominations":
                        out.append(sum(1 for a in aw if a.result == "nominated"))
            else:
                out.append(self.idx.counts.get(k, 0))
        return out

    def _phrase_in_facts(self, raw: str, noun: str) -> bool:
        noun = noun.strip()
        return f"{raw} {noun}" in self.idx.fact_text_norm
