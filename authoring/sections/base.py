"""What a section is: its heading and place on the page, which facts it reads and
when it is present, how the model's output is shaped, the rules the checker
applies to it, and how it renders to the page's Markdown. One module per section
declares one; everything else (headings, prompts' JSON shape, exported schemas,
structure checks) reads it from there."""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from typing import Callable

from jinja2 import Environment, StrictUndefined
from pydantic import BaseModel, ConfigDict

from ..facts import Facts


class Output(BaseModel):
    """Base of every model output: closed, so the schema the server enforces is exact."""
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _money(amount: int, currency: str = "USD") -> str:
    symbol = {"USD": "$", "GBP": "£", "EUR": "€"}.get(currency)
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M")):
        if amount >= size:
            text = f"{amount / size:.2f}".rstrip("0").rstrip(".") + suffix
            break
    else:
        text = f"{amount:,}"
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


def _runtime(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    return f"{hours}h {mins}min" if hours else f"{mins}min"


def _count(n: int) -> str:
    for size, suffix in ((1_000_000, "M"), (1_000, "K")):
        if n >= size:
            return f"{n / size:.1f}".rstrip("0").rstrip(".") + suffix
    return str(n)


def _score(x: float) -> str:
    return f"{x:g}"


def _join(items) -> str:
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def _sentence(text: str) -> str:
    """First letter up, closing stop ensured: fact text and model text read as one page."""
    text = " ".join(str(text).split())
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…\"”’)" else text + "."


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


env = Environment(undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                  keep_trailing_newline=False, autoescape=False)
env.filters.update(money=_money, runtime=_runtime, count=_count, score=_score, join_and=_join,
                   sentence=_sentence, one_line=_one_line)


@functools.cache
def _compiled(template: str):
    return env.from_string(template)


@functools.cache
def strict_schema(output: type[Output]) -> dict:
    from openai import pydantic_function_tool
    return pydantic_function_tool(output, name=output.__name__)["function"]["parameters"]


def sized(schema: dict, sizes: dict[str, int]) -> dict:
    """`schema` with each named array held to exactly n items; `schema` itself is
    shared and left as it is."""
    if not sizes:
        return schema
    properties = dict(schema["properties"])
    for prop, n in sizes.items():
        properties[prop] = {**properties[prop], "minItems": n, "maxItems": n}
    return {**schema, "properties": properties}


@functools.cache
def plain_schema(output: type[Output]) -> dict:
    """The output model's JSON schema, built once per model (building it costs more CPU
    than the rest of a prompt). Shared: do not mutate."""
    return output.model_json_schema()


@functools.cache
def _item_bounds(output: type[Output], prop: str) -> tuple[int, int]:
    schema = plain_schema(output)["properties"][prop]
    return schema["minItems"], schema["maxItems"]


@functools.cache
def _returns(output: type[Output]) -> str:
    return f"Return {example(plain_schema(output))}"


def example(schema: dict, defs: dict | None = None) -> str:
    """A compact JSON example of a schema's shape, as a prompt shows it:
    {"parts": [{"heading": "...", "paragraph": "..."}, ...]}."""
    defs = schema.get("$defs", {}) if defs is None else defs
    if "$ref" in schema:
        return example(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "enum" in schema:
        return " | ".join(json.dumps(v, ensure_ascii=False) for v in schema["enum"])
    kind = schema.get("type")
    if kind == "object":
        return "{" + ", ".join(f"{json.dumps(k)}: {example(v, defs)}" for k, v in schema["properties"].items()) + "}"
    if kind == "array":
        return f"[{example(schema['items'], defs)}, ...]"
    return {"string": '"..."', "integer": "0", "number": "0.0", "boolean": "true"}.get(kind, "...")


@dataclass(frozen=True)
class Section:
    id: str
    heading: str                                # its `## ` heading on the page (../shared/spec/page.md)
    order: int                                  # place on the page: sections are shown by ascending order
    needs: tuple[str, ...]                      # top-level facts fields it reads
    template: str                               # Jinja2 body, rendered with facts= and out=
    output: type[Output] | None = None          # model-made when set
    present: Callable[[Facts], bool] = lambda facts: True   # False: left out; the checker flags it if written
    spoilers: bool = False                      # only the ending section may read plot.ending
    max_tokens: int | None = None               # a bound on the reply, sized to the schema; a small
                                                # model otherwise rambles until the server's cap
    # facts-dependent tightening of the output schema (e.g. one item per fact)
    array_sizes: Callable[[Facts], dict[str, int]] = field(default=lambda facts: {})
    bullets: bool = False                       # a list section: the checker wants `- ` items
    parts: str | None = None                    # the output's list whose items are the `### ` parts; its
                                                # min/max items are how many parts the checker wants

    def count(self, prop: str) -> tuple[int, int]:
        """(fewest, most) items the output model allows in its list `prop`."""
        return _item_bounds(self.output, prop)

    def part_count(self) -> tuple[int, int] | None:
        """(fewest, most) `### ` parts, read from the output model; None: not counted."""
        return self.count(self.parts) if self.parts else None

    def shape(self, facts: Facts | None = None) -> str:
        """The JSON shape the prompt asks for, derived from the output model (and the
        facts, for lists with one item per fact), so that no prompt repeats it by hand."""
        schema, text = plain_schema(self.output), _returns(self.output)
        for prop, n in self.sizes(facts).items():
            items = schema["properties"][prop]["items"]
            text += f" with exactly {n} {'strings' if items.get('type') == 'string' else 'items'}"
        return text + "."

    @property
    def made_by(self) -> str:
        return "model" if self.output else "facts"

    def data(self, facts: Facts) -> dict:
        """The facts this section may use, and only those."""
        data = {"title": facts.title, "year": facts.year}
        data |= facts.model_dump(mode="json", include=set(self.needs), exclude_none=True, exclude_defaults=True)
        if not self.spoilers and "plot" in data:
            data["plot"].pop("ending", None)
        return data

    def facts_hash(self, facts: Facts) -> str:
        """Hash of exactly the facts this section sees: when it changes, the section is stale."""
        text = json.dumps(self.data(facts), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def schema(self, facts: Facts | None = None) -> dict:
        """The JSON schema of the output: all fields required, no extras, arrays
        sized to the facts where the section writes one item per fact. How a mode
        of server takes it is the backend's (llm/backends). Shared: do not mutate."""
        return sized(strict_schema(self.output), self.sizes(facts))

    def sizes(self, facts: Facts | None) -> dict[str, int]:
        return self.array_sizes(facts) if facts is not None else {}

    def validate(self, facts: Facts, raw: str) -> Output:
        # strict=False: llama.cpp's JSON grammar lets raw newlines and tabs into
        # strings; they are text, not a reason to throw the answer away
        out = self.output.model_validate(json.loads(raw, strict=False))
        for prop, n in self.array_sizes(facts).items():
            got = len(getattr(out, prop))
            if got != n:
                raise ValueError(f"{prop} must have exactly {n} items, one per fact, not {got}")
        return out

    def render(self, facts: Facts, out: Output | None = None) -> str:
        return _compiled(self.template).render(facts=facts, out=out).strip()
