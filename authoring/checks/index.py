"""Everything the rules look up, derived once per facts object: people and their
roles with the names a page may call them by, known phrases (titles, places,
outlets ...), numbers the facts contain, quote sources, award entries and the
distinctive words of each ending item."""
from __future__ import annotations

import functools
import re
import weakref
from dataclasses import dataclass, field

from ..facts import Facts
from .names import Person, name_variants, role_families, short_aliases
from .patterns import bounded, bounded_alt, literal_alt, trie_alt
from .text import (DIGITS, MULTIPLIERS, NUMWORDS, ORDINALS, STOP_CAPS, WORD_RE, fold, loose_key, norm_words, num_value,
                   stem)

# ---------------------------------------------------------------- award bodies

AWARD_BODIES: list[tuple[str, str]] = [
    ("academy", r"Academy Awards?|Oscars?(?:-(?:winning|nominated|winner|nominee))?"),
    ("golden_globe", r"Golden Globes?(?: Awards?)?"),
    ("bafta", r"BAFTAs?(?: Film)?(?: Awards?)?|British Academy(?: Film)?(?: Awards?)?"),
    ("emmy", r"(?:Primetime )?Emmys?(?: Awards?)?"),
    ("sag", r"Screen Actors Guild(?: Awards?)?|SAG Awards?"),
    ("critics_choice", r"Critics'? Choice(?: Movie)?(?: Awards?)?"),
    ("spirit", r"(?:Independent )?Spirit Awards?"),
    ("cannes", r"Palme d'Or|Cannes Film Festival|Festival de Cannes|Grand Prix at Cannes"),
    ("venice", r"Golden Lion|Venice (?:International )?Film Festival"),
    ("berlin", r"Golden Bear|Berlin (?:International )?Film Festival|Berlinale"),
    ("saturn", r"Saturn Awards?"),
    ("cesar", r"Cesars?(?: Awards?)?"),
    ("goya", r"Goya Awards?"),
    ("grammy", r"Grammys?(?: Awards?)?"),
    ("razzie", r"Golden Raspberr(?:y|ies)(?: Awards?)?|Razzies?(?: Awards?)?"),
    ("dga", r"Directors Guild(?: of America)?(?: Awards?)?|DGA Awards?"),
    ("wga", r"Writers Guild(?: of America)?(?: Awards?)?|WGA Awards?"),
    ("pga", r"Producers Guild(?: of America)?(?: Awards?)?|PGA Awards?"),
    ("nbr", r"National Board of Review(?: Awards?)?"),
    ("nyfcc", r"New York Film Critics Circle(?: Awards?)?"),
    ("lafca", r"Los Angeles Film Critics Association(?: Awards?)?"),
    ("hugo", r"Hugo Awards?"),
    ("annie", r"Annie Awards?"),
    ("efa", r"European Film Awards?"),
    ("aacta", r"AACTA Awards?"),
    ("sundance", r"Sundance(?: Film Festival)?(?: Grand Jury Prize)?"),
]
_BODY_RES = [(k, re.compile(rf"^(?:{p})$", re.I)) for k, p in AWARD_BODIES]


def body_key(name: str) -> str:
    name = fold(name).strip()
    for key, rx in _BODY_RES:
        if rx.match(name):
            return key
    return norm_words(name)


# ---------------------------------------------------------------- numbers in text

_NUM_IN_TEXT = re.compile(rf"(?<![\w.])({DIGITS}|{NUMWORDS})(?:\s*(k|m|bn|b|thousand|million|billion)\b)?(?:\s*([a-z]+))?",
                          re.I)
_DIGIT_UNIT = re.compile(r"(\d+(?:\.\d+)?)([a-zA-Z]+)")
_ORDINAL_WORDS = re.compile(r"\b(" + "|".join(ORDINALS) + r")\b(\s+\w+\s+\w+)?")
_ORDINAL_DIGITS = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")
UNIT_NORMAL = {
    "second": "second", "seconds": "second", "sec": "second", "secs": "second",
    "minute": "minute", "minutes": "minute", "min": "minute", "mins": "minute",
    "hour": "hour", "hours": "hour", "hr": "hour", "hrs": "hour", "h": "hour",
    "day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month", "months": "month",
    "year": "year", "years": "year", "decade": "decade", "decades": "decade",
}


@dataclass
class QuoteSource:
    norm: str               # normalised text
    kind: str               # quote | excerpt
    speakers: set[int]      # person ids that may be named as the speaker
    text: str               # as in the facts


@dataclass
class AwardEntry:
    body: str
    award: str
    category: str
    cat_tokens: frozenset
    year: int
    result: str
    recipients: set[int]
    recipient: str | None


def cat_tokens(category: str) -> frozenset:
    toks = norm_words(category).replace("-", " ").split()
    drop = {"best", "achievement", "in", "a", "an", "the", "for", "of", "by", "performance", "role", "award", "motion"}
    return frozenset(t for t in toks if t not in drop)


@dataclass
class FactsIndex:
    facts_ref: weakref.ref                  # weak: the index lives as long as its facts (get_index)
    title: str
    people: list[Person]
    by_name: dict[str, int]                 # folded full name -> id
    alias_ids: dict[str, set[int]]          # alias as written (folded) -> ids
    full_aliases: set[str]                  # aliases that are full names
    alias_re: re.Pattern | None
    phrase_re: re.Pattern | None
    known_tokens: set[str]                  # capitalised tokens found in the facts (folded)
    person_tokens: set[str]
    text_numbers: set[float]
    text_durations: set[tuple[float, str]]
    text_ordinals: set[int]
    ordinal_phrases: dict[str, int]         # "in command" -> 3, from "third in command"
    number_set: set[float]
    year_set: set[int]
    titles: dict[str, int | None]           # folded lower title -> year (similar, the film)
    title_strings: list[str]
    quote_sources: list[QuoteSource]
    summaries: list[tuple[str, int]]        # (normalised summary, critic id)
    awards: list[AwardEntry]
    outlets: dict[str, str]                 # normalised outlet -> as written
    safe_vocab: set[str]
    ending_terms: list[dict[str, str]]      # per ending item: stem -> word
    counts: dict[str, int]
    lower_words: set[str]                   # lower-case words used in the facts
    memo: dict = field(default_factory=dict, repr=False, compare=False)  # per-facts data the rules derive once
    texts: list[str] = field(default_factory=list, repr=False, compare=False)   # every text field (_texts)
    phrase_caseless: bool = False           # phrase_re is run on caseless(text), not with re.I on text

    @property
    def facts(self) -> Facts:
        return self.facts_ref()

    # two parts few pages need, made on first use
    @property
    def fact_text_norm(self) -> str:
        """Every text field, normalised, joined by " | "."""
        got = self.memo.get("fact_text_norm")
        if got is None:
            got = self.memo["fact_text_norm"] = " | ".join(quote_norm(t) for t in self.texts)
        return got

    @property
    def loose_names(self) -> set[str]:
        """Spelling-insensitive keys of every name."""
        got = self.memo.get("loose_names")
        if got is None:
            got = self.memo["loose_names"] = ({loose_key(a) for a in self.alias_ids}
                                              | {loose_key(p.name) for p in self.people})
        return got

    def derived(self, key: str, build):
        """build(self), computed once per facts object (the index is cached per facts)."""
        got = self.memo.get(key)
        if got is None:
            got = self.memo[key] = build(self)
        return got

    def ids(self, alias: str) -> set[int]:
        return self.alias_ids.get(alias, set())

    def persons(self, alias: str) -> list[Person]:
        return [self.people[i] for i in self.ids(alias)]


def _texts(f: Facts) -> list[str]:
    out: list[str] = [f.title, f.original_title or ""]
    out += f.directors + f.writers + f.genres + f.countries + f.languages
    for c in f.cast:
        out += [c.actor, c.character, c.description or ""]
    for c in f.crew:
        out += [c.name, c.role]
    for a in f.awards:
        out += [a.award, a.category, a.recipient or ""]
    if f.based_on:
        out += [f.based_on.kind, f.based_on.title, f.based_on.author or ""]
    if f.plot:
        out += [f.plot.premise or ""] + f.plot.beats + f.plot.ending
    for q in f.quotes:
        out += [q.speaker, q.text]
    for r in f.reviews:
        out += [r.critic, r.outlet or "", r.rating or "", r.excerpt or "", r.summary or ""]
    if f.audience:
        out += [f.audience.consensus or ""] + f.audience.reactions
    out += f.trivia + f.filming_locations + f.where_to_watch + f.content_warnings
    for s in f.similar:
        out += [s.title, s.reason or ""]
    for t in f.soundtrack:
        out += [t.title, t.artist or ""]
    return [t for t in out if t]


BUILTIN_PHRASES = [
    "IMDb", "Rotten Tomatoes", "Metacritic", "Metascore", "Tomatometer", "Audience Score", "Popcornmeter",
    "Academy Awards", "Academy Award", "Oscars", "Oscar", "Golden Globes", "Golden Globe", "BAFTA", "BAFTAs",
    "Blu-ray", "DVD", "4K UHD", "Ultra HD", "North America", "United States", "United Kingdom", "U.S.", "UK", "US",
    "Box Office", "Box Office Mojo", "The Numbers", "Hollywood", "Netflix", "Hulu", "Disney+", "Max", "HBO Max",
    "Amazon Prime Video", "Prime Video", "Apple TV", "Apple TV+", "Google Play", "Google Play Movies", "YouTube",
    "Vudu", "Fandango at Home", "Peacock", "Paramount+", "Criterion Channel", "Criterion Collection", "Tubi",
    "Pluto TV", "Kanopy", "Mubi", "Plex", "Roku Channel", "Microsoft Store",
]


_CAP_SEQ = re.compile(r"[A-Z][A-Za-z'-]*(?:\s+(?:(?:of|the|de|del|la|le|van|von|da|di|du|and|in|on)\s+)?[A-Z][A-Za-z'-]*)*")


def _phrase_alt(phrases, ignorecase: bool = False) -> str:
    return literal_alt({p for p in phrases if p and len(p) >= 2}, ignorecase)


def build_index(f: Facts) -> FactsIndex:
    people: list[Person] = []
    by_name: dict[str, int] = {}

    def person(name: str) -> Person:
        key = fold(name).strip()
        if key not in by_name:
            by_name[key] = len(people)
            people.append(Person(len(people), name))
        return people[by_name[key]]

    for i, c in enumerate(f.cast):
        a = person(c.actor)
        a.kinds.add("actor"); a.families.add("actor"); a.cast.add(i)
        ch = person(c.character)
        ch.kinds.add("character"); ch.cast.add(i)
    for d in f.directors:
        p = person(d); p.kinds.add("director"); p.families.add("director"); p.roles.append("director")
    for w in f.writers:
        p = person(w); p.kinds.add("writer"); p.families.add("writer"); p.roles.append("writer")
    for c in f.crew:
        p = person(c.name); p.kinds.add("crew"); p.families |= role_families(c.role); p.roles.append(c.role)
    outlets: dict[str, str] = {}
    for r in f.reviews:
        p = person(r.critic); p.kinds.add("critic"); p.families.add("critic")
        if r.outlet:
            o = norm_words(r.outlet)
            p.outlets.add(o)
            outlets[o] = r.outlet
            if o.startswith("the "):
                outlets.setdefault(o[4:], r.outlet)
                p.outlets.add(o[4:])
    if f.based_on and f.based_on.author:
        p = person(f.based_on.author); p.kinds.add("author"); p.families.add("author")
        p.roles.append(f"author of the {f.based_on.kind}")
    for t in f.soundtrack:
        if t.artist:
            p = person(t.artist); p.kinds.add("artist"); p.families.add("artist")
    for a in f.awards:
        if a.recipient:
            p = person(a.recipient); p.kinds.add("recipient")
    for q in f.quotes:
        if fold(q.speaker).strip() not in by_name:
            person(q.speaker).kinds.add("character")

    alias_ids: dict[str, set[int]] = {}
    full_aliases: set[str] = set()
    for p in people:
        for v in name_variants(fold(p.name).strip()):
            alias_ids.setdefault(v, set()).add(p.id)
            full_aliases.add(v)
    for p in people:
        nick = re.search(r"[\"'](\w[\w .-]*?)[\"']", fold(p.name))   # Jean-Paul "JP" Arnaud
        if nick:
            alias_ids.setdefault(nick.group(1), set()).add(p.id)
            plain = re.sub(r"\s*[\"'][^\"']*[\"']\s*", " ", fold(p.name)).strip()
            alias_ids.setdefault(plain, set()).add(p.id)
            full_aliases.add(plain)
        for a in short_aliases(re.sub(r"\s*[\"'][^\"']*[\"']\s*", " ", fold(p.name)).strip()):
            if a in full_aliases and p.id not in alias_ids.get(a, ()):
                continue  # a full name of someone else wins
            if a.lower() in STOP_CAPS:
                continue
            alias_ids.setdefault(a, set()).add(p.id)
    alias_re = None
    if alias_ids:
        alias_re = re.compile(bounded_alt({p for p in alias_ids if p and len(p) >= 2}))

    texts = _texts(f)
    # capitalised tokens and phrases of the facts
    known_tokens: set[str] = set()
    phrases: set[str] = set(BUILTIN_PHRASES)
    lower_words: set[str] = set()
    # The texts are scanned joined by NUL, once per regex instead of once per text per regex: no
    # regex below matches a NUL or across one (none has NUL, `.` or a negated class in what it
    # consumes), and one sees a NUL where a text starts or ends as it sees the text's start or end
    # (not a word character, not a space, not a case-ignorable letter: \b and lookbehinds hold).
    folded = [fold(t) for t in texts]
    joined = "\x00".join(folded)
    for m in _CAP_SEQ.finditer(joined):
        seq = m.group()
        toks = seq.split()
        while toks and toks[0].lower() in STOP_CAPS and toks[0] not in ("The",):
            toks = toks[1:]
        if toks:
            phrases.add(" ".join(toks))
        for tok in seq.split():
            known_tokens.add(tok.rstrip("'s").rstrip("'") if tok.endswith(("'s", "'")) else tok)
    for w in WORD_RE.findall(joined):
        if w.islower():
            lower_words.add(w)
    structured = [f.title, f.original_title or ""] + f.genres + f.countries + f.languages + f.where_to_watch \
        + f.filming_locations + f.content_warnings + [s.title for s in f.similar] + [t.title for t in f.soundtrack] \
        + [o for o in outlets.values()] + [a.award for a in f.awards] + [a.category for a in f.awards]
    if f.based_on:
        structured.append(f.based_on.title)
    for s in structured:
        if s:
            phrases.add(fold(s).strip())
            for part in fold(s).split(","):
                if part.strip():
                    phrases.add(part.strip())
    # a trie of lower-case ASCII words matches in caseless() text as with re.I in the text, faster
    phrase_words = {p for p in phrases if p and len(p) >= 2}
    phrase_caseless = trie_alt(phrase_words, True)
    phrase_re = re.compile(bounded(literal_alt(phrase_words, True)), 0 if phrase_caseless else re.I)

    person_tokens = set()
    for alias in alias_ids:
        person_tokens.update(alias.split())

    # numbers written in the facts
    text_numbers: set[float] = set()
    text_durations: set[tuple[float, str]] = set()
    text_ordinals: set[int] = set()
    ordinal_phrases: dict[str, int] = {}
    # (joined as above; the matches come in the order of the texts, as a loop over them gives)
    for m in _NUM_IN_TEXT.finditer(joined):
        v = num_value(m.group(1))
        if v is None:
            continue
        mult = MULTIPLIERS.get((m.group(2) or "").lower(), 1)
        text_numbers.add(v)
        text_numbers.add(v * mult)
        unit = UNIT_NORMAL.get((m.group(3) or "").lower())
        if unit:
            text_durations.add((v, unit))
    for m in _DIGIT_UNIT.finditer(joined):
        text_numbers.add(float(m.group(1)))
    for m in _ORDINAL_WORDS.finditer("\x00".join(ft.lower() for ft in folded)):
        text_ordinals.add(ORDINALS[m.group(1)])
        if m.group(2):
            ordinal_phrases[m.group(2).strip()] = ORDINALS[m.group(1)]
    for m in _ORDINAL_DIGITS.finditer(joined):
        text_ordinals.add(int(m.group(1)))

    year_set = {f.year}
    if f.release_date:
        year_set.add(f.release_date.year)
    year_set |= {a.year for a in f.awards}
    year_set |= {s.year for s in f.similar if s.year}
    year_set |= {int(v) for v in text_numbers if 1870 <= v <= 2100 and v == int(v)}

    number_set = set(text_numbers) | {float(y) for y in year_set}
    if f.runtime_minutes:
        number_set.add(float(f.runtime_minutes))
    if f.ratings:
        for r in (f.ratings.imdb, f.ratings.rotten_tomatoes, f.ratings.metacritic):
            if r is not None:
                number_set.add(float(r.score))
        if f.ratings.imdb and f.ratings.imdb.votes:
            number_set.add(float(f.ratings.imdb.votes))
    if f.box_office:
        for v in (f.box_office.budget, f.box_office.domestic_gross, f.box_office.worldwide_gross):
            if v:
                number_set.add(float(v))
    if f.release_date:
        number_set |= {float(f.release_date.day)}

    titles: dict[str, int | None] = {fold(f.title).lower(): f.year}
    if f.original_title:
        titles[fold(f.original_title).lower()] = f.year
    for s in f.similar:
        titles[fold(s.title).lower()] = s.year
    title_strings = [f.title] + ([f.original_title] if f.original_title else []) + [s.title for s in f.similar] \
        + [t.title for t in f.soundtrack] + ([f.based_on.title] if f.based_on else [])

    quote_sources: list[QuoteSource] = []
    for q in f.quotes:
        ids = set()
        sp = by_name.get(fold(q.speaker).strip())
        if sp is not None:
            ids.add(sp)
            for ci in people[sp].cast:
                ids.add(by_name[fold(f.cast[ci].actor).strip()])
                ids.add(by_name[fold(f.cast[ci].character).strip()])
        quote_sources.append(QuoteSource(quote_norm(q.text), "quote", ids, q.text))
    summaries = []
    for r in f.reviews:
        cid = by_name[fold(r.critic).strip()]
        if r.excerpt:
            quote_sources.append(QuoteSource(quote_norm(r.excerpt), "excerpt", {cid}, r.excerpt))
        if r.summary:
            summaries.append((quote_norm(r.summary), cid))

    awards = []
    for a in f.awards:
        rids = set()
        if a.recipient:
            rid = by_name.get(fold(a.recipient).strip())
            if rid is not None:
                rids.add(rid)
        awards.append(AwardEntry(body_key(a.award), a.award, a.category, cat_tokens(a.category), a.year,
                                 a.result, rids, a.recipient))


    # spoilers: words of the ending that nothing else in the facts uses
    safe_texts = [t for t in texts if not (f.plot and t in f.plot.ending)]
    safe_vocab = set()
    for w in WORD_RE.findall("\x00".join(fold(t).lower() for t in safe_texts)):    # joined as above
        safe_vocab.add(w)
        if w.endswith("'s"):
            safe_vocab.add(w[:-2])
    safe_stems = {stem(w) for w in safe_vocab}
    ending_terms = []
    for item in (f.plot.ending if f.plot else []):
        terms = {}
        for w in WORD_RE.findall(fold(item).lower()):
            w = w[:-2] if w.endswith("'s") else w
            if len(w) < 3 or w in safe_vocab or w in STOP_CAPS or w.isdigit():
                continue
            st = stem(w)
            if st in safe_stems and w not in _ALWAYS_SPOILER:
                continue
            terms[st] = w
        ending_terms.append(terms)

    wins = sum(1 for a in f.awards if a.result == "won")
    counts = {
        "cast": len(f.cast), "similar": len(f.similar), "quotes": len(f.quotes), "reviews": len(f.reviews),
        "soundtrack": len(f.soundtrack), "genres": len(f.genres), "writers": len(f.writers),
        "directors": len(f.directors), "countries": len(f.countries), "languages": len(f.languages),
        "where_to_watch": len(f.where_to_watch), "locations": len(f.filming_locations),
        "crew": len(f.crew), "awards": len(f.awards), "wins": wins, "nominations": len(f.awards),
        "warnings": len(f.content_warnings), "trivia": len(f.trivia),
    }

    return FactsIndex(
        facts_ref=weakref.ref(f), title=f.title, people=people, by_name=by_name, alias_ids=alias_ids, full_aliases=full_aliases,
        alias_re=alias_re, phrase_re=phrase_re, known_tokens=known_tokens, person_tokens=person_tokens,
        text_numbers=text_numbers, text_durations=text_durations, text_ordinals=text_ordinals,
        ordinal_phrases=ordinal_phrases, number_set=number_set, year_set=year_set, titles=titles,
        title_strings=title_strings, quote_sources=quote_sources, summaries=summaries, awards=awards,
        outlets=outlets, safe_vocab=safe_vocab, ending_terms=ending_terms,
        counts=counts, lower_words=lower_words,
        texts=texts,
        phrase_caseless=phrase_caseless,
    )


_ALWAYS_SPOILER = {"dies", "died", "dying", "killed", "murdered", "survives", "survive", "survived"}


_ELLIPSIS = re.compile(r"\s*\.\s*\.\s*\.\s*")
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=1 << 14)
def quote_norm(text: str) -> str:
    """Quote text for comparison: folded, lower-case, ellipses and spacing unified."""
    t = fold(text).replace("\u2026", "...").lower()
    t = _ELLIPSIS.sub(" ... ", t)
    t = _SPACES.sub(" ", t)
    return t.strip()


_CACHE: dict[int, FactsIndex] = {}   # id(facts) -> its index, for as long as the facts live


def get_index(facts: Facts) -> FactsIndex:
    """The index of these facts, built once: a batch checks 64 titles at a time, each
    many times, so a small shared cache would rebuild indexes all day."""
    idx = _CACHE.get(id(facts))
    if idx is None:
        idx = _CACHE[id(facts)] = build_index(facts)
        weakref.finalize(facts, _CACHE.pop, id(facts), None)
    return idx
