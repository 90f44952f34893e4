"""The facts seed: pydantic models for ../shared/spec/facts.md and a YAML loader.

The seed is the only source of truth, so the loader is strict where a silent
guess would change a fact (a misspelled key, a number written as text) and
every problem it reports names the field path and the line it came from.
"""
from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
import types
import typing
from typing import Annotated, Any, Literal, get_args, get_origin

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

MAX_FILE_BYTES = 1_000_000  # a seed is a few KB; anything near this is not a seed
MAX_DEPTH = 12  # the format nests four levels deep
MAX_NODES = 50_000  # bounds alias expansion ("billion laughs")

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


def _one_line(value: str) -> str:
    """Fact text the page shows on one line (a name, a title, a platform): each run of
    whitespace holding a line break (\\r from a CSV cell, U+2028, ...) or a tab becomes one
    space, so no fact can start a heading or a list item of its own."""
    return _no_control(_BREAKS.sub(" ", value))


Text = Annotated[str, Field(min_length=1, max_length=5000), AfterValidator(_no_control)]  # may hold paragraphs
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_one_line)]
Year = Annotated[int, Field(strict=True, ge=1870, le=2100)]
Count = Annotated[int, Field(strict=True, ge=0)]
Score = Annotated[float, Field(strict=True, allow_inf_nan=False)]
# Windows reserves these names (with any extension) for devices: a page file
# called con.html cannot be created or opened there.
WINDOWS_DEVICE_NAMES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(1, 10)] + [f"lpt{i}" for i in range(1, 10)])


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
            raise _PathError(
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
                raise _PathError(("quotes", i, "speaker"),
                                 f"speaker {q.speaker!r} is not a cast character, actor or crew name"
                                 + _suggest(q.speaker, sorted(known)))
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


# ---------------------------------------------------------------- loading

@dataclass
class Problem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.path or '(top level)'}: {self.message}"


@dataclass(eq=False)  # eq=False keeps exceptions hashable (tracebacks, sets of errors)
class FactsError(Exception):
    """A seed that cannot be used; carries every problem found."""
    file: str
    problems: list[Problem] = field(default_factory=list)

    def __reduce__(self):  # picklable across processes despite the dataclass __init__
        return (type(self), (self.file, self.problems))

    def __str__(self) -> str:
        lines = [f"{self.file}: invalid facts seed ({len(self.problems)} problem"
                 f"{'s' if len(self.problems) != 1 else ''}):"]
        lines += [f"  {self.file}:{p.line or '?'}: {p.path or '(top level)'}: {p.message}"
                  for p in self.problems]
        lines.append("  Fix the seed (format: shared/spec/facts.md, schema: `authoring facts schema` or "
                     "authoring/schemas/facts.schema.json) and run again.")
        return "\n".join(lines)


class _PathError(ValueError):
    def __init__(self, loc: tuple, message: str):
        super().__init__(message)
        self.loc = loc


@dataclass
class Loaded:
    facts: Facts
    path: Path
    warnings: list[Problem]
    lines: dict[tuple, int]


def _suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The known field names of the model found at loc, for did-you-mean hints."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return []
        current = _model_in(info.annotation)
    return list(getattr(current, "model_fields", {}))


def _model_in(annotation) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _format_loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# libyaml composes a seed 12x faster than pure Python (0.5 ms against 6 ms), with
# the same marks (plain style is '' there, None in PyYAML); a seed it refuses is
# composed again in pure Python, whose messages name what was found
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
_PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)")


class _Builder:
    """Turns a composed YAML node tree into plain data, recording each path's line.

    Only the plain YAML types are built (mappings, lists, text, numbers,
    booleans, null, dates); any other tag is a problem and builds nothing. For
    each scalar YAML resolved to something other than text it keeps the text
    as written (`raw`), so a text field gets `10:04` rather than YAML 1.1's
    base-60 reading 604, and a number field can refuse octal or base-60."""

    def __init__(self, file: str, text: str):
        self.file = file
        self.text = text
        self.warnings: list[Problem] = []
        self.lines: dict[tuple, int] = {}
        self.problems: list[Problem] = []
        self.rejected: set[tuple] = set()
        self.raw: dict[tuple, tuple[str, str]] = {}
        self.nodes = 0
        self.scalar = yaml.SafeLoader("")

    def _cut_at_comma(self, mapping, key_node, value_node, previous) -> bool:
        """`{summary: Found it bleak, with great acting}`: YAML reads the text after
        the comma as a key with no value. Every YAML tool agrees, but the writer
        meant one value, so it is joined back on (with a warning) rather than
        failing as an unknown key or silently dropping words."""
        prev_value = previous[1]
        return (mapping.flow_style and isinstance(key_node, yaml.ScalarNode) and not key_node.style
                and " " in key_node.value and isinstance(prev_value, yaml.ScalarNode)
                and not prev_value.style and prev_value.tag.endswith(":str")
                and isinstance(value_node, yaml.ScalarNode) and value_node.value == ""
                and not self.text[key_node.end_mark.index:].lstrip(" ").startswith(":"))

    def build(self, node, loc: tuple = (), depth: int = 0):
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise FactsError(self.file, [Problem(_format_loc(loc), node.start_mark.line + 1,
                                                 f"more than {MAX_NODES} values (alias expansion?); a seed is far smaller")])
        if depth > MAX_DEPTH:
            raise FactsError(self.file, [Problem(_format_loc(loc), node.start_mark.line + 1,
                                                 f"nested deeper than {MAX_DEPTH} levels")])
        self.lines.setdefault(loc, node.start_mark.line + 1)
        expected = {yaml.MappingNode: _CORE + "map", yaml.SequenceNode: _CORE + "seq"}.get(type(node))
        if (node.tag != expected) if expected else (node.tag not in _SCALAR_TAGS):
            return self._reject(node, loc, f"YAML tag {node.tag!r} is not allowed; write plain text or numbers")
        if isinstance(node, yaml.MappingNode):
            out: dict = {}
            previous = None
            for key_node, value_node in node.value:
                if previous is not None and self._cut_at_comma(node, key_node, value_node, previous):
                    key = previous[0]
                    out[key] = f"{self.raw.pop(loc + (key,), (None, out[key]))[1]}, {key_node.value}"
                    self.warnings.append(Problem(_format_loc(loc + (key,)), key_node.start_mark.line + 1,
                                                 f"the text after a comma was read as part of {key}; "
                                                 "quote values that contain commas inside { }"))
                    continue
                previous = (key_node.value, value_node) if isinstance(key_node, yaml.ScalarNode) else None
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problems.append(Problem(_format_loc(loc), key_node.start_mark.line + 1, "keys must be plain names"))
                    continue
                key = key_node.value
                if key == "<<":
                    self.problems.append(Problem(_format_loc(loc), key_node.start_mark.line + 1,
                                                 "YAML merge keys (<<) are not supported; write the fields out"))
                    continue
                if key in out:
                    self.problems.append(Problem(_format_loc(loc + (key,)), key_node.start_mark.line + 1,
                                                 f"duplicate key {key!r}; the earlier value would be silently lost"))
                    continue
                self.lines[loc + (key,)] = key_node.start_mark.line + 1
                out[key] = self.build(value_node, loc + (key,), depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, loc + (i,), depth + 1) for i, item in enumerate(node.value)]
        kind = node.tag.removeprefix(_CORE)
        if kind not in ("str", "null"):
            self.raw[loc] = (kind, node.value)
        try:
            return self.scalar.construct_object(node)
        except (ValueError, OverflowError, yaml.YAMLError) as exc:
            if kind == "timestamp":  # 1995-13-45: let the field say what a date must be
                return node.value
            return self._reject(node, loc, f"cannot read {node.value[:40]!r} as {kind}: {str(exc).splitlines()[0][:120]}")

    def _reject(self, node, loc: tuple, message: str):
        self.problems.append(Problem(_format_loc(loc), node.start_mark.line + 1, message))
        self.rejected.add(loc)
        return None

    def apply_raw_text(self, data: dict) -> None:
        """Text fields take non-text scalars as written; number fields refuse
        figures YAML 1.1 reads in another base (0111 is octal 73, 1:51 is 111)."""
        for loc, (kind, text) in self.raw.items():
            target = _target_type(loc)
            if target is str:
                _set_at(data, loc, text)
            elif target in (int, float) and kind in ("int", "float") and (
                    ":" in text or (kind == "int" and not _PLAIN_INT.fullmatch(text))):
                self._reject_at(loc, f"{text!r} is not a plain decimal figure (YAML would read it as "
                                     f"{_get_at(data, loc)!r}); write the figure in plain decimal digits")

    def _reject_at(self, loc: tuple, message: str) -> None:
        self.problems.append(Problem(_format_loc(loc), self.lines.get(loc), message))
        self.rejected.add(loc)


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


def _target_type(loc: tuple) -> Any:
    """The type the Facts model expects at loc (str, int, a model, ...), or None."""
    current: Any = Facts
    for part in loc:
        current = core_type(current)
        if isinstance(part, int):
            if get_origin(current) is not list:
                return None
            current = get_args(current)[0]
        elif isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = current.model_fields[part].annotation
        else:
            return None
    return core_type(current)


def _get_at(data, loc: tuple):
    for part in loc:
        data = data[part]
    return data


def _set_at(data, loc: tuple, value) -> None:
    _get_at(data, loc[:-1])[loc[-1]] = value


def load_facts(path: str | Path) -> Loaded:
    """Read and validate a seed; raises FactsError with every problem found."""
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise FactsError(name, [Problem("", None, "not a file")])
        if size > MAX_FILE_BYTES:
            raise FactsError(name, [Problem("", None, f"file is {size:,} bytes; a seed may be at most {MAX_FILE_BYTES:,}")])
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FactsError(name, [Problem("", None, "file not found")]) from None
    except OSError as exc:
        raise FactsError(name, [Problem("", None, f"cannot read: {exc.strerror}")]) from None
    return parse_facts(raw, name, path)


def parse_facts(raw: bytes, name: str = "<facts>", path: Path | None = None) -> Loaded:
    """Validate a seed given as bytes (name is used in messages); raises FactsError."""
    if len(raw) > MAX_FILE_BYTES:
        raise FactsError(name, [Problem("", None, f"file is {len(raw):,} bytes; a seed may be at most {MAX_FILE_BYTES:,}")])
    if b"\x00" in raw:
        raise FactsError(name, [Problem("", None, "binary content; a seed is UTF-8 YAML text")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FactsError(name, [Problem("", line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")]) from None
    try:
        try:
            documents = list(yaml.compose_all(text, Loader=_COMPOSER))
        except yaml.YAMLError:  # PyYAML's own messages say more ("found undefined alias 'directors'")
            documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        msg = " ".join(filter(None, [exc.context, exc.problem])) or "invalid YAML"
        if exc.context_mark and mark and exc.context_mark.line != mark.line:
            msg += f" (the construct began on line {exc.context_mark.line + 1})"
        raise FactsError(name, [Problem("", mark.line + 1 if mark else None, f"YAML syntax error: {msg}")]) from None
    except yaml.YAMLError as exc:
        raise FactsError(name, [Problem("", None, f"YAML error: {exc}")]) from None
    except RecursionError:
        raise FactsError(name, [Problem("", None, f"nested deeper than {MAX_DEPTH} levels")]) from None
    documents = [d for d in documents if d is not None]
    if not documents:
        raise FactsError(name, [Problem("", None, "the file is empty; a seed needs at least title and year")])
    if len(documents) > 1:
        raise FactsError(name, [Problem("", documents[1].start_mark.line + 1, "more than one YAML document; one seed per file")])
    builder = _Builder(name, text)
    data = builder.build(documents[0])
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        raise FactsError(name, [Problem("", 1, f"the seed is {kind}; it must be a mapping of fields (title: ..., year: ...)")])
    builder.apply_raw_text(data)
    problems = list(builder.problems)
    facts = None
    try:
        facts = Facts.model_validate(data)
    except ValidationError as exc:
        rejected = {_format_loc(loc) for loc in builder.rejected}
        problems += [p for p in _problems_from(exc, builder.lines, data) if p.path not in rejected]
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.path))
        raise FactsError(name, problems)
    return Loaded(facts, path or Path(name), builder.warnings + _warnings(facts, builder.lines), builder.lines)


def _problems_from(exc: ValidationError, lines: dict, data: dict) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        ctx_err = (err.get("ctx") or {}).get("error")
        if isinstance(ctx_err, _PathError):
            loc, message = loc + ctx_err.loc, str(ctx_err)
        elif err["type"] == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}" + (_suggest(loc[-1], _fields_at(Facts, loc[:-1])) or
                                                   f"; known keys: {', '.join(_fields_at(Facts, loc[:-1]))}")
        elif err["type"] == "missing":
            message = "required field is missing"
        elif err["type"].endswith("_type") and err.get("input", ...) is None:
            message = "has no value (null); write a value" + ("" if len(loc) == 1 and loc[0] in ("title", "year")
                                                              else " or remove the key")
        elif err["type"] in ("int_type", "float_type") and isinstance(err.get("input"), str):
            text = err["input"]
            plain = re.sub(r"[\s,_']", "", text)
            hint = (f"write {plain} without quotes or separators" if re.fullmatch(r"[-+]?\d+(\.\d+)?", plain)
                    else "write the plain figure, e.g. 111")
            message = f"must be a number, not text ({text!r}); {hint}"
        elif err["type"] in ("model_type", "model_attributes_type", "dict_type"):
            model = _target_type(loc)
            fields = [n for n, f in getattr(model, "model_fields", {}).items() if f.is_required()]
            example = ", ".join(f"{n}: ..." for n in fields) or "key: value"
            message = f"must be a mapping of fields ({example}), not {_kind(err.get('input'))}"
        elif err["type"] == "string_type" and isinstance(err.get("input"), (dict, list)):
            message = f"must be text, not {_kind(err['input'])}"
        elif err["type"] == "list_type" and err.get("input") is not None:
            message = (f"must be a list, not {_kind(err.get('input'))}: write [a, b] "
                       "or one '- item' per line")
        elif err["type"] == "literal_error":
            message = f"{err['input']!r} is not allowed: {err['msg'].removeprefix('Input should be ')}"
        else:
            message = err["msg"].removeprefix("Value error, ")
        line = None
        for n in range(len(loc), -1, -1):
            if loc[:n] in lines:
                line = lines[loc[:n]]
                break
        out.append(Problem(_format_loc(loc), line, message))
    return out


def _kind(value) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"text ({value[:60]!r})"
    return f"{type(value).__name__} {value!r}"[:80]


def _warnings(facts: Facts, lines: dict) -> list[Problem]:
    warnings = []
    bo = facts.box_office
    if bo and bo.domestic_gross is not None and bo.domestic_gross == bo.worldwide_gross:
        warnings.append(Problem("box_office.worldwide_gross", lines.get(("box_office", "worldwide_gross")),
                                "equals domestic_gross: no international gross recorded; check the source"))
    return warnings


def export_schema() -> dict:
    schema = Facts.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Film facts seed"
    return schema
