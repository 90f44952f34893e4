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
import io
import itertools
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml
from pydantic import BaseModel

from .cells import (CellError, absent, field_kind, parse_date, parse_float, parse_int,
                    parse_list, parse_text, rating_field)
from .facts import MAX_FILE_BYTES, Facts, FactsError, core_type, parse_facts
from .files import write_atomic

FORMATS = ("csv", "json")
DROP = "-"
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


@contextmanager
def _any_cell_size() -> Iterator[None]:
    """Let the csv module read a cell of any size (its default stops the whole file
    at the first cell over 128 KB): the file is already bounded by MAX_INPUT_BYTES,
    and a cell too big for a seed rejects its row only, naming the column."""
    previous = csv.field_size_limit(MAX_INPUT_BYTES)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def read_records(path: Path, fmt: str) -> tuple[list[str], Iterator[Record], list[str]]:
    """The dataset's columns, its records and notes on how it was read; ImportInputError
    when it cannot be read. A column name used twice reads the first column (or key)."""
    text = _read_text(path)
    if fmt == "csv":
        first = text.split("\n", 1)[0]
        delimiter = max(",;\t|", key=lambda d: (first.count(d), d == ","))  # the header shows the separator
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            with _any_cell_size():
                header = next(reader)
        except StopIteration:
            raise ImportInputError(f"{path}: empty file; a CSV dataset needs a header row and data rows") from None
        except csv.Error as exc:
            raise ImportInputError(f"{path}: not a readable CSV file: {exc}") from None
        header = [h.strip() for h in header]
        if not any(header):
            raise ImportInputError(f"{path}: the first row (the header) names no columns")
        firsts = {name: i for i, name in reversed(list(enumerate(header)))}  # a name -> its first column

        def rows() -> Iterator[Record]:
            number = 0
            while True:
                line = reader.line_num + 1
                with _any_cell_size():  # per row: a generator left suspended must not hold the limit
                    try:
                        cells = next(reader, None)
                    except csv.Error as exc:
                        raise ImportInputError(f"{path}: line {reader.line_num}: not a readable CSV row: "
                                               f"{exc}") from None
                if cells is None:
                    return
                if not any(c.strip() for c in cells):
                    continue
                number += 1
                extra = len(cells) - len(header)
                problem = (f"{extra} more cell{'s' if extra > 1 else ''} than the header has columns "
                           "(an unquoted separator?)") if extra > 0 else None
                values = {name: cells[i] for name, i in firsts.items() if i < len(cells)}
                yield Record(number, f"row {number} (line {line})", values, problem)
        records = rows()
        first_record = next(records, None)
        if first_record is None:
            raise ImportInputError(f"{path}: no records: a header row but no data rows")
        return header, itertools.chain([first_record], records), []
    repeated: dict[str, None] = {}

    def first_wins(pairs: list[tuple[str, Any]]) -> dict:
        record: dict = {}
        for key, value in pairs:
            if key in record:
                repeated[key] = None
            else:
                record[key] = value
        return record

    try:
        data = json.loads(text, object_pairs_hook=first_wins)
    except ValueError as exc:
        raise ImportInputError(f"{path}: not valid JSON: {exc}") from None
    notes = [f"key {key!r} appears twice in a record; the first value is read" for key in repeated]
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        if len(lists) == 1:  # {"movies": [...]}: the one list of records
            data = lists[0]
    if not isinstance(data, list):
        raise ImportInputError(f"{path}: the JSON must be a list of records (objects), not {type(data).__name__}")
    if not data:
        raise ImportInputError(f"{path}: no records: the JSON list is empty")
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
    return list(columns), records(), notes


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
    unnamed = 0
    for number, column in enumerate(columns, start=1):
        norm = normalise(column)
        if not norm:
            unnamed += 1
            continue
        if norm in by_norm:
            first = columns.index(by_norm[norm]) + 1
            same = "are both named" if column == by_norm[norm] else "have the same name,"
            notes.append(f"columns {first} and {number} {same} {by_norm[norm]!r}"
                         + (f" and {column!r}" if column != by_norm[norm] else "")
                         + f": the first (column {first}) is read, column {number} is left out; "
                         "rename one to import both")
            continue
        by_norm[norm] = column
    if unnamed:
        notes.append(f"{unnamed} column{'s' if unnamed > 1 else ''} with no name in the header "
                     f"{'were' if unnamed > 1 else 'was'} left out")
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
    mapped: dict[str, str] = {}  # column -> the --map that named it
    for spec in overrides:
        if "=" not in spec:
            raise ImportInputError(f"--map {spec!r}: write COLUMN=FIELD (e.g. Gross=box_office.domestic_gross, "
                                   "or COLUMN=- to leave a column out)")
        column, target = (part.strip() for part in spec.split("=", 1))
        column = by_norm.get(normalise(column))
        if column is None:
            raise ImportInputError(f"--map {spec!r}: the dataset has no column {spec.split('=', 1)[0].strip()!r}; "
                                   f"its columns are: {', '.join(columns) or 'none'}")
        if column in mapped:
            raise ImportInputError(f"--map {mapped[column]!r} and --map {spec!r} both map column {column!r}; "
                                   "give each column one --map")
        mapped[column] = spec
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
    if year_column is not None and not absent(record.values.get(year_column)):
        try:
            year_hint = parse_int(record.values[year_column])
        except CellError:
            pass  # reported below, at the column
    short_year = False
    for column, (target, kind) in mapping.fields.items():
        value = record.values.get(column)
        if absent(value) or (isinstance(value, list) and not value):
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


def _check_out(out: Path) -> None:
    """--out naming a file (or a path through one) would reject every row, one by one."""
    for folder in (out, *out.parents):
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                where = f"--out {out}" + ("" if folder == out else f": {folder}")
                raise ImportInputError(f"{where} is a file, not a folder; name a folder for the seeds")
            return


def import_dataset(path: Path, fmt: str | None, out: Path, overrides: list[str] = (), force: bool = False,
                   today: dt.date | None = None) -> ImportReport:
    """Write one seed per valid row under `out`; ImportInputError when nothing can be read."""
    _check_out(out)
    fmt = detect_format(path, fmt)
    columns, records, read_notes = read_records(path, fmt)
    mapping = build_mapping(columns, list(overrides))
    report = ImportReport(str(path), out, notes=read_notes + mapping.notes)
    root = out.resolve()
    slugs: dict[str, str] = {}
    short_years = 0
    for record in records:
        report.rows += 1
        title = None
        raw_title = next((record.values.get(c) for c, (t, _) in mapping.fields.items() if t == "title"), None)
        if not absent(raw_title) and not isinstance(raw_title, (dict, list)):
            title = str(raw_title).strip()
        try:
            data, short = row_to_facts(record, mapping, today)
        except RowError as exc:
            report.rejected.append(Rejected(record.label, title, str(exc)))
            continue
        text = seed_text(data, path.name, record.label)
        origin = {target: column for column, (target, _) in mapping.fields.items()}
        size = len(text.encode("utf-8"))
        if size > MAX_FILE_BYTES:
            column = max(mapping.fields, key=lambda c: len(str(record.values.get(c) or "")))
            report.rejected.append(Rejected(record.label, title, f"the row makes a seed of {size:,} bytes (at most "
                                            f"{MAX_FILE_BYTES:,}); its largest cell is column {column} "
                                            f"({len(str(record.values.get(column))):,} characters)"))
            continue
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
    if short_years:
        report.notes.append(f"{short_years} date(s) had a two-digit year: read as the year in the row's year column "
                            "when there is one, else as the latest year not more than 2 years ahead (98 is 1998, "
                            "10 is 2010)")
    return report
