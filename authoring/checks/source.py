"""Source: every claim about what the film is based on (a kind of work, its title,
its author; "Is it based on a book?" answered "Yes") must match based_on in the
facts, and a film with no based_on is no adaptation. Its own room: the words of
adaptation, the kinds of work and which kinds stand for which, none of which the
award rules read."""
from __future__ import annotations

import re

from .context import Ctx
from .page import Line
from .patterns import literal_alt
from .text import norm_words

RULES = {
    "source.none": "a source claimed for a film the facts give no based_on",
    "source.kind": "a source of another kind (novel, play, ...) than the facts'",
    "source.title": "a source titled otherwise than in the facts",
    "source.author": "a source given an author other than the facts'",
}

KINDS = (r"graphic novel|comic book|short story|stage play|stage musical|video game|tv series|television series|"
         r"true story|true events|real events|real-life events|fairy tale|novella|novel|memoir|autobiography|"
         r"biography|book|play|comic|manga|article|essay|poem|musical|opera|story|series|game|podcast|documentary|"
         r"screenplay|script|source material")
RE_SRC_A = re.compile(rf"\b(?:based on|adapted from|an adaptation of|adaptation of|adapts|adapting|inspired by|drawn from|"
                      rf"taken from|on)\s+(?:the\s+|a\s+|an\s+|his\s+|her\s+|their\s+|its\s+)?(?:[\w'-]+\s+){{0,3}}?"
                      rf"(?P<kind>{KINDS})\b", re.I)
RE_SRC_B = re.compile(rf"\b(?P<kind>{KINDS})\s+(?P<mid>[^.;]{{0,70}}?)\bby\s+$", re.I)
RE_SRC_TITLE = re.compile(r"\b(?:based on|adapted from|an adaptation of|adaptation of)\s+(?:the\s+)?[*_\"]?"
                          r"(?P<t>[A-Z][\w'-]*(?:\s+(?:(?:of|the|and|a|an|in|on|to|for|&)\s+)*[A-Z][\w'-]*)*)")
RE_SRC_C = re.compile(rf"\b(?:the|a|an|his|her)\s+(?:[\w'-]+\s+){{0,2}}?(?P<kind>{KINDS})\s+(?:that\s+)?(?:the film|the movie|it)"
                      rf"\s+(?:is|was)\s+(?:based on|adapted from)", re.I)
RE_SRC_POSS = re.compile(rf"'s\s+(?:[\w'-]+\s+){{0,2}}?(?P<kind>{KINDS})\b", re.I)
RE_NEGATED = re.compile(r"\bnot based on\b|\bisn't based on\b|\bwasn't based on\b|\boriginal screenplay\b|"
                        r"\boriginal story\b|\bnot an adaptation\b|\bnot adapted\b", re.I)
_KIND_KEYS = tuple(sorted({k for k in KINDS.split("|")
                          if not any(o != k and o in k for o in KINDS.split("|"))}))   # every kind holds one
_KIND_ONLY = re.compile(rf"(?i)(?:{KINDS})")
_BY = re.compile(r"\bby\b")
_BASED = re.compile(r"based|adapt|source")
_BASED_FILM = re.compile(r"based|adapt|source|film|movie")
_SAME_NAME = re.compile(r"(?i)of the same name")
_BASED_ON_Q = re.compile(r"based on|adapt", re.I)
_YES = re.compile(r"^\s*(yes)\b", re.I)
_SPACES = re.compile(r"\s+")
_NOT_A_TITLE = re.compile(r"(?i)(?:of the same name|written|penned|published)")
KIND_OK = {
    "novel": {"book", "source material"}, "novella": {"book", "source material", "story"},
    "memoir": {"book", "autobiography", "source material", "true story"},
    "autobiography": {"book", "memoir", "source material", "true story"},
    "biography": {"book", "source material", "true story"},
    "short story": {"story", "source material"}, "play": {"stage play", "source material"},
    "stage play": {"play", "source material"}, "comic book": {"comic", "source material", "book"},
    "graphic novel": {"comic", "book", "source material", "novel"}, "manga": {"comic", "source material"},
    "tv series": {"series", "television series", "source material"},
    "television series": {"series", "tv series", "source material"},
    "musical": {"stage musical", "source material"}, "article": {"source material", "story"},
    "true story": {"true events", "real events", "real-life events", "story"},
    "video game": {"game", "source material"},
}
_KIND_KEYS_RE = re.compile(literal_alt(_KIND_KEYS))   # any of them in a text, in one scan
# what RE_NEGATED cannot match without, in lower-cased ASCII text
_NEGATED_KEYS = re.compile(literal_alt(("not based on", "n't based on", "original screenplay", "original story",
                                        "not an adaptation", "not adapted")))


def check(ctx: Ctx) -> None:
    for line in ctx.page.lines:
        if line.kind == "text":      # "Is it based on a book?" answered "Yes": the question matters
            ctx.per_line("awards.source", line, lambda: _source_line(ctx, line, ctx.faq_question(line)),
                         lambda: _question_text(ctx, line))


def _question_text(ctx: Ctx, line: Line) -> str | None:
    q = ctx.faq_question(line)
    return q.folded if q is not None else None


def _source_line(ctx: Ctx, line: Line, question: Line | None) -> None:
    bo = ctx.facts.based_on
    idx = ctx.idx
    text = line.folded
    # in ASCII text, a case-insensitive regex cannot match without its words in lower case
    low = text.lower() if text.isascii() else None
    kinds = low is None or _KIND_KEYS_RE.search(low) is not None
    if (low is None or _NEGATED_KEYS.search(low) is not None) and RE_NEGATED.search(text):
        return
    claims = []  # (kind_s, kind_e, kind, author_mention | None, title_text | None)
    people = ctx.mention_spans(line)
    based = based_film = None     # whether the line speaks of a source (of a film), searched once
    for m in RE_SRC_A.finditer(text) if kinds else ():
        if m.group(0).lower().startswith("on ") and not _BY.search(text[m.end():m.end() + 60]):
            continue
        claims.append([m.start("kind"), m.end("kind"), m.group("kind").lower(), None, None])
    titled = "based on" in text or "adapted from" in text or "adaptation of" in text   # RE_SRC_TITLE: case matters
    for m in RE_SRC_TITLE.finditer(text) if titled else ():
        t = m.group("t")
        if _KIND_ONLY.fullmatch(t) or people.at(m.start("t")) is not None:
            continue
        if bo is not None and norm_words(t) not in (norm_words(bo.title), norm_words(ctx.facts.title)) \
                and not norm_words(t).startswith(norm_words(bo.title)):
            ctx.add("source.title", "error", line, m.start("t"), m.end("t"),
                    f"the {bo.kind} is titled {bo.title} in the facts", bo.title, t)
        elif bo is None:
            ctx.add("source.none", "error", line, m.start("t"), m.end("t"),
                    "the facts give no source (no based_on): the film is not an adaptation", None, t)
    for m in RE_SRC_C.finditer(text) if kinds and (low is None or "based on" in low or "adapted from" in low) else ():
        claims.append([m.start("kind"), m.end("kind"), m.group("kind").lower(), None, None])
    by_start = {}      # the first claim starting at each offset
    for c in claims:
        by_start.setdefault(c[0], c)
    # RE_SRC_B and RE_SRC_POSS cannot match without a kind: no kind, nothing to look for around names
    for mn in ctx.mentions(line) if kinds else ():
        window = text[max(0, mn.start - 90):mn.start]
        bm = RE_SRC_B.search(window) if kinds and window[-1:].isspace() and (
            low is None or "by" in window.lower()) else None
        if bm:
            off = max(0, mn.start - 90)
            ks, ke = off + bm.start("kind"), off + bm.end("kind")
            kind = bm.group("kind").lower()
            if kind in ("screenplay", "script", "series", "game", "documentary", "story"):
                if based is None:
                    based = bool(_BASED.search(text))
                if not based:
                    continue
            mid = bm.group("mid").strip()
            title = mid if mid and mid[:1].isupper() else None
            if _SAME_NAME.match(mid or ""):
                title = ctx.facts.title
            c = by_start.get(ks)
            if c is not None:
                c[3], c[4] = mn, title
            else:
                claims.append([ks, ke, kind, mn, title])
                by_start.setdefault(ks, claims[-1])
        pm = RE_SRC_POSS.match(text, mn.end)
        if pm:
            ks, ke = pm.start("kind"), pm.end("kind")
            kind = pm.group("kind").lower()
            if ks not in by_start:
                if based_film is None:
                    based_film = bool(_BASED_FILM.search(text))
                if based_film:
                    claims.append([ks, ke, kind, mn, None])
                    by_start[ks] = claims[-1]
    if question is not None and bo is None and _BASED_ON_Q.search(question.folded):
        ym = _YES.match(text[line.body_start:])
        if ym and not claims:
            s = line.body_start + ym.start(1)
            ctx.add("source.none", "error", line, s, s + 3,
                    "the facts give no source (no based_on): the film is not an adaptation", None, "Yes")
    for ks, ke, kind, mn, title in claims:
        kind = _SPACES.sub(" ", kind)
        found = line.text[ks:ke]
        if kind in ("screenplay", "script", "documentary"):
            continue
        if bo is None:
            ctx.add("source.none", "error", line, ks, ke,
                    "the facts give no source (no based_on): the film is not an adaptation", None, found)
            continue
        fk = bo.kind.lower().strip()
        if kind != fk and kind not in KIND_OK.get(fk, set()) and kind != "source material":
            ctx.add("source.kind", "error", line, ks, ke, f"the film is based on a {bo.kind} in the facts",
                    bo.kind, found)
        if mn is not None:
            author = bo.author
            aid = idx.by_name.get(_fold_name(author)) if author else None
            if aid is None or aid not in mn.ids:
                ctx.add("source.author", "error", line, mn.start, mn.end,
                        f"the {bo.kind} is by {author} in the facts" if author else "the facts name no author",
                        author, line.text[mn.start:mn.end])
        if title and norm_words(title) != norm_words(bo.title) and not norm_words(title).startswith(
                norm_words(bo.title)):
            if not _NOT_A_TITLE.match(title):
                ctx.add("source.title", "error", line, ks, ke, f"the {bo.kind} is titled {bo.title} in the facts",
                        bo.title, title)


def _fold_name(name: str) -> str:
    from .text import fold
    return fold(name).strip()
