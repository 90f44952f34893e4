"""Loading a facts seed: YAML to a validated Facts, with every problem found.

Each problem names the field path and the line it came from, so the editor can
fix the seed in one pass; a file that is no seed (too big, binary, nested
without end, an alias bomb) is refused before it costs anything.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from .models import Facts, PathError, core_type, suggest

MAX_FILE_BYTES = 1_000_000  # a seed is a few KB; anything near this is not a seed
MAX_DEPTH = 12  # the format nests four levels deep
MAX_NODES = 50_000  # bounds alias expansion ("billion laughs")


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


@dataclass
class Loaded:
    facts: Facts
    path: Path
    warnings: list[Problem]
    lines: dict[tuple, int]


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
        if isinstance(ctx_err, PathError):
            loc, message = loc + ctx_err.loc, str(ctx_err)
        elif err["type"] == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}" + (suggest(loc[-1], _fields_at(Facts, loc[:-1])) or
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
