"""The facts seed models for ../shared/spec/facts.md.

The seed is the only source of truth, so the models are strict where a silent
guess would change a fact (a misspelled key, a number written as text) and fact
text the page shows on one line cannot open a heading or a list item.
"""
from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
import types
import typing
import unicodedata
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

# What str.splitlines() (and so the page splitter) breaks a line at, and tabs
_BREAKS = re.compile(r"\s*[\t\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029]\s*")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _no_control(value: str) -> str:
    """NUL and the other control characters are no text an editor can see or mean;
    a page holding one would read as binary."""
    bad = _CONTROL.search(value)
    if bad:
        raise ValueError(f"contains the control character U+{ord(bad.group()):04X} at character {bad.start() + 1}; "
                         "remove it")
    return value


# Markdown reads a line that starts with ``` or ~~~ as a code fence (it swallows the rest of
# the page) and one with #s then a space, or ## with none (the checker's reading), as a heading
_BLOCK = re.compile(r"(`{3,}|~{3,}|#+(?=[ \t]|$)|#{2,})")
_FENCE = "a code fence, which swallows the rest of the page"
_BLOCK_NAMES = {"`": _FENCE, "~": _FENCE, "#": "a heading, which splits the page"}


def _no_block(value: str) -> str:
    """Fact text lands at the start of a page line (how_to_watch opens with the title, the
    consensus is a paragraph of its own), where it would open a fence or a heading and split
    the page; refused here, one rule for every fact, rather than escaped in each template."""
    opened = _BLOCK.match(value)
    if opened:
        raise ValueError(f"starts with {opened.group()!r}: Markdown would read the page line it begins as "
                         f"{_BLOCK_NAMES[opened.group()[0]]}; remove the {opened.group()!r} or begin with a word")
    return value


def _join_control(value: str, i: int) -> bool:
    """ZWJ/ZWNJ between two visible characters shape a script (Persian, Devanagari,
    emoji sequences); anywhere else they are invisible noise."""
    return (value[i] in "\u200c\u200d" and 0 < i < len(value) - 1
            and not value[i - 1].isspace() and not value[i + 1].isspace()
            and unicodedata.category(value[i - 1]) != "Cf" and unicodedata.category(value[i + 1]) != "Cf")


def _visible(value: str) -> str:
    """Format characters (zero-width spaces, bidi overrides such as U+202E, BOMs) show as
    nothing or reorder what is shown: two titles differing only by them would read the same
    yet make two films. They are dropped, keeping only joiners that shape a script."""
    if not any(unicodedata.category(ch) == "Cf" for ch in value):
        return value
    kept = "".join(ch for i, ch in enumerate(value) if unicodedata.category(ch) != "Cf" or _join_control(value, i))
    kept = re.sub(r"  +", " ", kept).strip()
    if not kept:
        raise ValueError("holds only invisible format characters; write the text")
    return kept


def _one_line(value: str) -> str:
    """Fact text the page shows on one line (a name, a title, a platform): each run of
    whitespace holding a line break (\\r from a CSV cell, U+2028, ...) or a tab becomes one
    space, so no fact can start a heading or a list item of its own."""
    return _no_block(_visible(_no_control(_BREAKS.sub(" ", value))))


def _text(value: str) -> str:
    return _no_block(_no_control(value))


Text = Annotated[str, Field(min_length=1, max_length=5000), AfterValidator(_text)]  # may hold paragraphs
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_one_line)]
Year = Annotated[int, Field(strict=True, ge=1870, le=2100)]
Count = Annotated[int, Field(strict=True, ge=0)]
Score = Annotated[float, Field(strict=True, allow_inf_nan=False)]
# Windows reserves these names (with any extension) for devices: a page file
# called con.html cannot be created or opened there.
WINDOWS_DEVICE_NAMES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(1, 10)] + [f"lpt{i}" for i in range(1, 10)])


class PathError(ValueError):
    """A model validator's error that names the field it is about, below the model."""

    def __init__(self, loc: tuple, message: str):
        super().__init__(message)
        self.loc = loc


def suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True,
                              coerce_numbers_to_str=True, frozen=True)


class Imdb(Model):
    score: Annotated[Score, Field(ge=0, le=10)]
    votes: Count | None = None


class Percent(Model):
    score: Annotated[Score, Field(ge=0, le=100)]


class Ratings(Model):
    imdb: Imdb | None = None
    rotten_tomatoes: Percent | None = None
    metacritic: Percent | None = None


class CastMember(Model):
    actor: Name
    character: Name
    description: Text | None = None


class CrewMember(Model):
    name: Name
    role: Name


class BoxOffice(Model):
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "USD"
    budget: Count | None = None
    domestic_gross: Count | None = None
    worldwide_gross: Count | None = None

    @model_validator(mode="after")
    def _worldwide_covers_domestic(self):
        if (self.worldwide_gross is not None and self.domestic_gross is not None
                and self.worldwide_gross < self.domestic_gross):
            raise PathError(
                ("worldwide_gross",),
                f"worldwide_gross ({self.worldwide_gross:,}) is below domestic_gross "
                f"({self.domestic_gross:,}); worldwide includes domestic")
        return self


class Award(Model):
    award: Name
    category: Name
    year: Year
    result: Literal["won", "nominated"]
    recipient: Name | None = None


class BasedOn(Model):
    kind: Name
    title: Name
    author: Name | None = None


class Plot(Model):
    premise: Text | None = None
    beats: list[Text] = []
    ending: list[Text] = []


class Quote(Model):
    speaker: Name
    text: Text


class Review(Model):
    critic: Name
    outlet: Name | None = None
    rating: Name | None = None
    excerpt: Text | None = None
    summary: Text | None = None


class Audience(Model):
    consensus: Text | None = None
    reactions: list[Text] = []


class Similar(Model):
    title: Name
    year: Year | None = None
    reason: Text | None = None


class Track(Model):
    title: Name
    artist: Name | None = None


class Facts(Model):
    title: Annotated[str, Field(min_length=1, max_length=1000), AfterValidator(_one_line)]  # the slug is bounded
    year: Year
    slug: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$")] | None = None
    original_title: Name | None = None
    directors: list[Name] = []
    writers: list[Name] = []
    genres: list[Name] = []
    runtime_minutes: Annotated[int, Field(strict=True, ge=1, le=1500)] | None = None
    release_date: dt.date | None = None
    countries: list[Name] = []
    languages: list[Name] = []
    ratings: Ratings | None = None
    cast: list[CastMember] = []
    crew: list[CrewMember] = []
    box_office: BoxOffice | None = None
    awards: list[Award] = []
    based_on: BasedOn | None = None
    plot: Plot | None = None
    quotes: list[Quote] = []
    reviews: list[Review] = []
    audience: Audience | None = None
    trivia: list[Text] = []
    filming_locations: list[Name] = []
    where_to_watch: list[Name] = []
    similar: list[Similar] = []
    soundtrack: list[Track] = []
    content_warnings: list[Name] = []

    @field_validator("title")
    @classmethod
    def _title_has_a_word(cls, value):
        # "...", "?" and "🎬🍿" would all be drafted into one folder, "untitled-<year>"
        if not any(ch.isalnum() for ch in value):
            raise ValueError(f"the title {value!r} has no letter or digit; write the film's title as it is "
                             "credited (the page's heading and folder name are made from it)")
        return value

    @field_validator("slug")
    @classmethod
    def _not_a_device_name(cls, value):
        if value is not None and value in WINDOWS_DEVICE_NAMES:
            raise ValueError(f"{value!r} is a reserved device name on Windows; choose another slug, "
                             f"e.g. {value + '-film'!r}")
        return value

    @field_validator("release_date", mode="before")
    @classmethod
    def _iso_date(cls, value):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, (bool, int, float)):
            # pydantic would read a number as seconds since 1970: never a release date
            raise ValueError("release_date must be an ISO date such as 1995-10-27, not a number")
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                raise ValueError("release_date must be an ISO date such as 1995-10-27") from None
        return value

    @model_validator(mode="after")
    def _quote_speakers_known(self):
        known = {c.character for c in self.cast} | {c.actor for c in self.cast} | {c.name for c in self.crew}
        for i, q in enumerate(self.quotes):
            if q.speaker not in known:
                raise PathError(("quotes", i, "speaker"),
                                f"speaker {q.speaker!r} is not a cast character, actor or crew name"
                                + suggest(q.speaker, sorted(known)))
        return self

    @property
    def slug_or_default(self) -> str:
        return self.slug or slugify(f"{self.title} {self.year}")

    def digest(self, *parts: str) -> str:
        """A hash of the named top-level fields (all of them when none are named)."""
        data = self.model_dump(mode="json", include=set(parts) or None, exclude_none=True)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


_TRANSLITERATE = str.maketrans({"æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
                                 "ß": "ss", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th",
                                 "Þ": "Th", "ð": "d", "Ð": "D", "ı": "i"})


def slugify(text: str, limit: int = 80) -> str:
    """A file-name-safe slug: [a-z0-9-], at most `limit` (>= 16) characters, never
    empty, never a path, never a Windows device name. Letters with no ASCII
    spelling (東京物語) add a short hash of the text, so two such titles do not
    share a slug."""
    limit = max(int(limit), 16)
    text = unicodedata.normalize("NFC", str(text))
    folded = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    ascii_ = folded.encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    lost = any(ch.isalnum() and not ch.isascii() for ch in folded)
    if lost:
        tag = hashlib.sha256(text.encode()).hexdigest()[:8]
        slug = f"{slug[:limit - 9].strip('-')}-{tag}".strip("-")
    slug = slug[:limit].strip("-") or "untitled"
    if slug in WINDOWS_DEVICE_NAMES:
        slug += "-film"
    return slug


def core_type(annotation) -> Any:
    """The core type of Annotated[...] / X | None."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def export_schema() -> dict:
    schema = Facts.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Film facts seed"
    return schema
