"""One dataset cell to one facts value, for `authoring facts import`: what kind of
value a facts field takes (field_kind) and the strict parsers for each kind.
Nothing is guessed: "1,234" or "$3.6M" is not a number, and a date must be in one
of a few unambiguous formats; a CellError says what is wrong with the cell."""
from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from .facts import Facts, core_type

ABSENT = frozenset({"", "null", "n/a", "na", "nan"})
RATING_FIELDS = ("mpaa_rating", "content_rating", "certification", "age_rating", "rating")


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


def absent(value) -> bool:
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
            if not absent(item):
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
