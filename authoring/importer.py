"""`authoring facts import`: a dataset (CSV rows or a JSON list of records) becomes
facts seeds, one YAML file per row, each validated like a hand-written seed.

Columns map to facts fields by name: the common movie-dataset columns (Title,
Release_Date, Director, Running_Time_min, Production_Budget, US_Gross,
Worldwide_Gross, IMDB_Rating, IMDB_Votes, Rotten_Tomatoes_Rating, Major_Genre,
MPAA_Rating) have a ready-made mapping, a column named like a facts field maps
to it, and `--map COLUMN=FIELD` adds or overrides (FIELD a dotted path such as
box_office.budget; `-` drops the column). Column names match case- and
separator-insensitively ("Release Date" is Release_Date).

Nothing is guessed: empty cells, null, N/A are absent values; a number must be
written as a plain number ("1,234" and "$3.6M" reject the row, naming the
column); a date must be in one of a few unambiguous formats.
"""
from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, get_args, get_origin

import yaml
from pydantic import BaseModel

from .facts import Facts, FactsError, core_type, parse_facts
from .files import write_atomic

FORMATS = ("csv", "json")
ABSENT = frozenset({"", "null", "n/a", "na", "nan"})
DROP = "-"
RATING_FIELDS = ("mpaa_rating", "content_rating", "certification", "age_rating", "rating")
MAX_INPUT_BYTES = 512 * 1024 * 1024

# normalised column name -> facts field path
MOVIE_COLUMNS = {
    "title": "title",
    "year": "year",
    "release_date": "release_date",
    "director": "directors",
    "running_time_min": "runtime_minutes",
    "production_budget": "box_office.budget",
    "us_gross": "box_office.domestic_gross",
    "worldwide_gross": "box_office.worldwide_gross",
    "imdb_rating": "ratings.imdb.score",
    "imdb_votes": "ratings.imdb.votes",
    "rotten_tomatoes_rating": "ratings.rotten_tomatoes.score",
    "major_genre": "genres",
}


class ImportInputError(Exception):
    """The dataset or the mapping cannot be used at all (exit 2)."""


def normalise(column: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(column).strip().lower()).strip("_")


# ---------------------------------------------------------------- field kinds

def field_kind(path: str) -> str:
    """text | int | float | date | list (of text) for a facts field path; ValueError otherwise."""
    model: type[BaseModel] = Facts
    parts = path.split(".")
    leaf: Any = None
    for i, part in enumerate(parts):
        here = ".".join(parts[: i + 1])
        fields = model.model_fields
        if part not in fields:
            close = difflib.get_close_matches(part, list(fields), n=1, cutoff=0.6)
            hint = f" (did you mean {'.'.join(parts[:i] + [close[0]])!r}?)" if close else \
                f"; known: {', '.join(fields)}"
            raise ValueError(f"unknown facts field {here!r}{hint}")
        annotation = core_type(fields[part].annotation)
        if i < len(parts) - 1:
            if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
                raise ValueError(f"{here!r} has no sub-fields")
            model = annotation
        else:
            leaf = annotation
    if isinstance(leaf, type) and issubclass(leaf, BaseModel):
        sub = ", ".join(f"{path}.{name}" for name in leaf.model_fields)
        raise ValueError(f"{path!r} is a group of fields; map a column to one of them ({sub})")
    if get_origin(leaf) is list:
        item = core_type(get_args(leaf)[0])
        if item is str:
            return "list"
        raise ValueError(f"{path!r} is a list of entries; only text, number, date and list-of-text fields "
                         "can take a column")
    if leaf is bool:
        return "text"
    kinds = {str: "text", int: "int", float: "float", dt.date: "date"}
    if leaf in kinds:
        return kinds[leaf]
    raise ValueError(f"{path!r} cannot take a column")


def rating_field() -> str | None:
    """The facts field for an MPAA-style rating, when the format has one."""
    for name in RATING_FIELDS:
        if name in Facts.model_fields:
            try:
                if field_kind(name) == "text":
                    return name
            except ValueError:
                pass
    return None


# ---------------------------------------------------------------- values

_INT = re.compile(r"[+-]?\d+(?:\.0+)?")
_FLOAT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_MONTHS = {m.lower(): i for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)}
_MONTHS |= {name.lower(): i for i, name in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"], start=1)}
_MONTHS["sept"] = 9
_MONTH = r"([A-Za-z]{3,9})\.?"
_DATE_FORMATS = [  # (pattern, order of (day, month, year) groups)
    (re.compile(rf"{_MONTH}\s+(\d{{1,2}}),?\s+(\d{{4}})"), ("m", "d", "y")),      # Jun 12 1998, June 12, 1998
    (re.compile(rf"(\d{{1,2}})\s+{_MONTH},?\s+(\d{{4}})"), ("d", "m", "y")),      # 12 Jun 1998
    (re.compile(rf"(\d{{1,2}})-{_MONTH}-(\d{{4}}|\d{{2}})"), ("d", "m", "y")),    # 12-Jun-1998, 12-Jun-98
    (re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"), ("y", "mn", "d")),              # 1998/06/12
]


class CellError(ValueError):
    pass


def _absent(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in ABSENT)


def parse_int(value) -> int:
    if isinstance(value, bool):
        raise CellError(f"{value!r} is not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(f"{value!r} is not a whole number")
    text = str(value).strip()
    if _INT.fullmatch(text):
        return int(text.split(".")[0])
    if _FLOAT.fullmatch(text):
        raise CellError(f"{text!r} is not a whole number")
    raise CellError(f"{text!r} is not a plain number; write the whole figure in digits "
                    "without separators, units or currency signs (e.g. 3600000)")


def parse_float(value) -> float | int:
    """A plain number; a whole one stays an int (a seed reads `score: 90`, as written by hand)."""
    if isinstance(value, bool):
        raise CellError(f"{value!r} is not a number")
    if isinstance(value, (int, float)):
        return value
    text = str(value).strip()
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    raise CellError(f"{text!r} is not a plain number; write it in digits (e.g. 7.5)")


def parse_date(value, year_hint: int | None = None, today: dt.date | None = None) -> tuple[dt.date, bool]:
    """A date from the few unambiguous formats; (date, two_digit_year_used)."""
    if isinstance(value, (bool, int, float)):
        raise CellError(f"{value!r} is a number, not a date such as 1998-06-12")
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ][\d:.+\-Z]*)?", text)
                                     else text), False
    except ValueError:
        pass
    for pattern, order in _DATE_FORMATS:
        match = pattern.fullmatch(text)
        if not match:
            continue
        parts = dict(zip(order, match.groups()))
        if "m" in parts:
            month = _MONTHS.get(parts["m"].lower())
            if month is None:
                raise CellError(f"{text!r}: {parts['m']!r} is not a month name")
        else:
            month = int(parts["mn"])
        day, raw_year = int(parts["d"]), parts["y"]
        short = len(raw_year) == 2
        year = int(raw_year) if not short else _century(int(raw_year), year_hint, today or dt.date.today())
        try:
            return dt.date(year, month, day), short
        except ValueError as exc:
            raise CellError(f"{text!r} is not a valid date ({exc})") from None
    raise CellError(f"{text!r} is not a date in a known format (1998-06-12, Jun 12 1998, 12-Jun-98, 12 June 1998)")


def _century(yy: int, year_hint: int | None, today: dt.date) -> int:
    if year_hint is not None:
        for candidate in (1900 + yy, 2000 + yy, 1800 + yy):
            if candidate == year_hint:
                return candidate
    return 2000 + yy if 2000 + yy <= today.year + 2 else 1900 + yy


_LIST_SPLIT = re.compile(r"\s*[,;|]\s*")


def parse_list(value) -> list[str]:
    if isinstance(value, list):
        items = []
        for item in value:
            if isinstance(item, (dict, list)):
                raise CellError("a list item is not text")
            if not _absent(item):
                items.append(str(item).strip())
        return items
    if isinstance(value, dict):
        raise CellError("a mapping, not text")
    return [part for part in _LIST_SPLIT.split(str(value).strip()) if part]


def parse_text(value) -> str:
    if isinstance(value, (dict, list)):
        raise CellError("a mapping or list, not text")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# ---------------------------------------------------------------- reading

@dataclass
class Record:
    number: int          # 1-based row number in the dataset
    label: str           # "row 3 (line 4)"
    values: dict         # column -> value (str for CSV, any JSON value)
    problem: str | None = None


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ImportInputError(f"{path}: not a file")
        if size > MAX_INPUT_BYTES:
            raise ImportInputError(f"{path}: {size:,} bytes; split the dataset (at most {MAX_INPUT_BYTES:,} bytes)")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportInputError(f"{path}: file not found") from None
    except OSError as exc:
        raise ImportInputError(f"{path}: cannot read: {exc.strerror}") from None
    if b"\x00" in raw[:65536]:
        raise ImportInputError(f"{path}: binary content; a dataset is UTF-8 CSV or JSON text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportInputError(f"{path}: line {line}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
                               "save the file as UTF-8") from None


def read_records(path: Path, fmt: str) -> tuple[list[str], Iterator[Record]]:
    """The dataset's columns and its records; ImportInputError when it cannot be read."""
    text = _read_text(path)
    if fmt == "csv":
        first = text.split("\n", 1)[0]
        delimiter = max(",;\t|", key=lambda d: (first.count(d), d == ","))  # the header shows the separator
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise ImportInputError(f"{path}: empty file; a CSV dataset needs a header row and data rows") from None
        except csv.Error as exc:
            raise ImportInputError(f"{path}: not a readable CSV file: {exc}") from None
        header = [h.strip() for h in header]
        if not any(header):
            raise ImportInputError(f"{path}: the first row (the header) names no columns")

        def rows() -> Iterator[Record]:
            number = 0
            line = reader.line_num + 1
            try:
                for cells in reader:
                    if not any(c.strip() for c in cells):
                        line = reader.line_num + 1
                        continue
                    number += 1
                    extra = len(cells) - len(header)
                    problem = (f"{extra} more cell{'s' if extra > 1 else ''} than the header has columns "
                               "(an unquoted separator?)") if extra > 0 else None
                    yield Record(number, f"row {number} (line {line})", dict(zip(header, cells)), problem)
                    line = reader.line_num + 1
            except csv.Error as exc:
                raise ImportInputError(f"{path}: line {reader.line_num}: not a readable CSV row: {exc}") from None
        return header, rows()
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ImportInputError(f"{path}: not valid JSON: {exc}") from None
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        if len(lists) == 1:  # {"movies": [...]}: the one list of records
            data = lists[0]
    if not isinstance(data, list):
        raise ImportInputError(f"{path}: the JSON must be a list of records (objects), not {type(data).__name__}")
    columns: dict[str, None] = {}
    for item in data:
        if isinstance(item, dict):
            columns.update(dict.fromkeys(str(k) for k in item))

    def records() -> Iterator[Record]:
        for i, item in enumerate(data, start=1):
            if isinstance(item, dict):
                yield Record(i, f"row {i}", item)
            else:
                yield Record(i, f"row {i}", {}, f"not a record (a JSON object) but {_kind(item)}")
    return list(columns), records()


def _kind(value) -> str:
    return {list: "a list", str: "text", type(None): "null", bool: "true/false"}.get(type(value), "a number")


# ---------------------------------------------------------------- mapping

@dataclass
class Mapping:
    fields: dict[str, tuple[str, str]]       # column -> (field path, kind)
    dropped: list[str]                       # columns not imported
    notes: list[str]


def build_mapping(columns: list[str], overrides: list[str]) -> Mapping:
    """The column -> field mapping for this dataset; ImportInputError for a bad --map."""
    by_norm: dict[str, str] = {}
    notes: list[str] = []
    for column in columns:
        norm = normalise(column)
        if norm in by_norm:
            notes.append(f"columns {by_norm[norm]!r} and {column!r} have the same name; only {by_norm[norm]!r} is read")
            continue
        by_norm[norm] = column
    chosen: dict[str, str] = {}
    rating = rating_field()
    for norm, column in by_norm.items():
        if norm in MOVIE_COLUMNS:
            chosen[column] = MOVIE_COLUMNS[norm]
        elif norm == "mpaa_rating" and rating:
            chosen[column] = rating
        elif norm in Facts.model_fields:
            try:
                field_kind(norm)
                chosen[column] = norm
            except ValueError:
                pass
    for spec in overrides:
        if "=" not in spec:
            raise ImportInputError(f"--map {spec!r}: write COLUMN=FIELD (e.g. Gross=box_office.domestic_gross, "
                                   "or COLUMN=- to leave a column out)")
        column, target = (part.strip() for part in spec.split("=", 1))
        column = by_norm.get(normalise(column))
        if column is None:
            raise ImportInputError(f"--map {spec!r}: the dataset has no column {spec.split('=', 1)[0].strip()!r}; "
                                   f"its columns are: {', '.join(columns) or 'none'}")
        if target in (DROP, ""):
            chosen.pop(column, None)
            continue
        try:
            field_kind(target)
        except ValueError as exc:
            raise ImportInputError(f"--map {spec!r}: {exc}") from None
        chosen[column] = target
    owners: dict[str, str] = {}
    for column, target in chosen.items():
        if target in owners:
            raise ImportInputError(f"columns {owners[target]!r} and {column!r} both map to {target}; "
                                   f"leave one out with --map '{column}=-'")
        owners[target] = column
    if "title" not in owners:
        raise ImportInputError(f"no column maps to title (columns: {', '.join(columns)}); "
                               "name it with --map COLUMN=title")
    fields = {column: (target, field_kind(target)) for column, target in chosen.items()}
    dropped = [c for c in by_norm.values() if c not in fields]
    mpaa = next((c for c in dropped if normalise(c) == "mpaa_rating"), None)
    if mpaa:
        notes.append(f"{mpaa}: the facts format has no rating field, so the column was left out")
    others = [c for c in dropped if c != mpaa]
    if others:
        notes.append(f"columns not imported (no facts field; map one with --map COLUMN=FIELD): {', '.join(others)}")
    return Mapping(fields, dropped, notes)


# ---------------------------------------------------------------- rows -> seeds

def _set(data: dict, path: str, value) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = value


def _ordered(data: dict, model: type[BaseModel] = Facts) -> dict:
    """The fields in the facts format's order (a seed reads like the spec)."""
    out = {}
    for name, info in model.model_fields.items():
        if name in data:
            value = data[name]
            sub = core_type(info.annotation)
            out[name] = _ordered(value, sub) if isinstance(value, dict) and isinstance(sub, type) and \
                issubclass(sub, BaseModel) else value
    return out


class RowError(ValueError):
    pass


def row_to_facts(record: Record, mapping: Mapping, today: dt.date | None = None) -> tuple[dict, bool]:
    """The facts data of one record; RowError names the column of the first bad cell."""
    if record.problem:
        raise RowError(record.problem)
    data: dict = {}
    year_hint = None
    year_column = next((c for c, (t, _) in mapping.fields.items() if t == "year"), None)
    if year_column is not None and not _absent(record.values.get(year_column)):
        try:
            year_hint = parse_int(record.values[year_column])
        except CellError:
            pass  # reported below, at the column
    short_year = False
    for column, (target, kind) in mapping.fields.items():
        value = record.values.get(column)
        if _absent(value) or (isinstance(value, list) and not value):
            continue
        try:
            if kind == "int":
                parsed = parse_int(value)
            elif kind == "float":
                parsed = parse_float(value)
            elif kind == "date":
                parsed, short = parse_date(value, year_hint, today)
                short_year |= short
            elif kind == "list":
                parsed = parse_list(value)
                if not parsed:
                    continue
            else:
                parsed = parse_text(value)
                if not parsed:
                    continue
        except CellError as exc:
            raise RowError(f"column {column} ({target}): {exc}") from None
        _set(data, target, parsed)
    if "year" not in data and isinstance(data.get("release_date"), dt.date):
        data["year"] = data["release_date"].year
    return _ordered(data), short_year


def seed_text(data: dict, source: str, label: str) -> str:
    source = re.sub(r"[\r\n]+", " ", source)
    header = f"# imported from {source}, {label}, by `authoring facts import`\n"
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=4096)


def _body(text: str) -> str:
    """The seed without its leading comment lines (which name the source row)."""
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "".join(lines)


def _reason(exc: FactsError, origin: dict[str, str]) -> str:
    parts = []
    for p in exc.problems[:4]:
        column = next((c for path, c in sorted(origin.items(), key=lambda kv: -len(kv[0]))
                       if p.path == path or p.path.startswith(path + ".") or p.path.startswith(path + "[")
                       or path.startswith(p.path + ".")), None) if p.path else None
        where = f"column {column} ({p.path})" if column else (p.path or "the row")
        message = p.message
        if p.path == "title" and message.startswith("required"):
            message += " (the title cell is empty)"
        if p.path == "year" and message.startswith("required"):
            message += " (no year or release date in the row)"
        parts.append(f"{where}: {message}")
    if len(exc.problems) > 4:
        parts.append(f"and {len(exc.problems) - 4} more")
    return "; ".join(parts)


# ---------------------------------------------------------------- the import

@dataclass
class Rejected:
    label: str
    title: str | None
    reason: str


@dataclass
class ImportReport:
    source: str
    out: Path
    rows: int = 0
    written: list[tuple[str, Path]] = field(default_factory=list)
    unchanged: list[tuple[str, Path]] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected else 0


def detect_format(path: Path, fmt: str | None) -> str:
    if fmt:
        fmt = fmt.lower()
        if fmt not in FORMATS:
            raise ImportInputError(f"--format {fmt!r}: use csv or json")
        return fmt
    suffix = path.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise ImportInputError(f"{path}: cannot tell the format from the name; pass --format csv or --format json")


def import_dataset(path: Path, fmt: str | None, out: Path, overrides: list[str] = (), force: bool = False,
                   today: dt.date | None = None) -> ImportReport:
    """Write one seed per valid row under `out`; ImportInputError when nothing can be read."""
    fmt = detect_format(path, fmt)
    columns, records = read_records(path, fmt)
    mapping = build_mapping(columns, list(overrides))
    report = ImportReport(str(path), out, notes=list(mapping.notes))
    root = out.resolve()
    slugs: dict[str, str] = {}
    short_years = 0
    for record in records:
        report.rows += 1
        title = None
        raw_title = next((record.values.get(c) for c, (t, _) in mapping.fields.items() if t == "title"), None)
        if not _absent(raw_title) and not isinstance(raw_title, (dict, list)):
            title = str(raw_title).strip()
        try:
            data, short = row_to_facts(record, mapping, today)
        except RowError as exc:
            report.rejected.append(Rejected(record.label, title, str(exc)))
            continue
        text = seed_text(data, path.name, record.label)
        origin = {target: column for column, (target, _) in mapping.fields.items()}
        if "year" not in origin and "release_date" in origin:
            origin["year"] = origin["release_date"]
        try:
            facts = parse_facts(text.encode("utf-8"), f"{path.name} {record.label}").facts
        except FactsError as exc:
            report.rejected.append(Rejected(record.label, title, _reason(exc, origin)))
            continue
        short_years += short
        slug = facts.slug_or_default
        if slug in slugs:
            report.rejected.append(Rejected(record.label, facts.title, f"same title and year as {slugs[slug]} "
                                            f"(both would be {slug}.yaml); give one a slug column"))
            continue
        slugs[slug] = record.label
        target = (root / f"{slug}.yaml").resolve()
        if target.parent != root:  # slugs are [a-z0-9-]; this is the last line of defence
            report.rejected.append(Rejected(record.label, facts.title, f"refusing to write outside {root}"))
            continue
        try:
            if target.exists() or target.is_symlink():
                if target.is_file() and _body(target.read_text(encoding="utf-8", errors="replace")) == _body(text):
                    report.unchanged.append((record.label, target))
                    continue
                if not force:
                    report.rejected.append(Rejected(record.label, facts.title, f"{target} exists with other "
                                                    "content; nothing was changed (pass --force to overwrite)"))
                    continue
                if target.is_dir():
                    report.rejected.append(Rejected(record.label, facts.title, f"{target} is a folder"))
                    continue
            write_atomic(target, text)
        except OSError as exc:
            report.rejected.append(Rejected(record.label, facts.title, f"cannot write {target}: {exc.strerror or exc}"))
            continue
        report.written.append((record.label, target))
    if report.rows == 0:
        raise ImportInputError(f"{path}: no data rows")
    if short_years:
        report.notes.append(f"{short_years} date(s) had a two-digit year: read as the year in the row's year column "
                            "when there is one, else as the latest year not more than 2 years ahead (98 is 1998, "
                            "10 is 2010)")
    return report
