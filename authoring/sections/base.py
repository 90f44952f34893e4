"""What a section is: which facts it reads, how the model's output is shaped,
and how it renders to the page's Markdown. One module per section registers one."""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from typing import Callable

from jinja2 import Environment, StrictUndefined
from pydantic import BaseModel, ConfigDict

from ..facts import Facts
from ..llm import modes
from ..headings import SECTIONS


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


@functools.cache
def _server_schema(output: type[Output], mode: str | None) -> dict:
    return modes.adapt(mode, strict_schema(output)) if mode else strict_schema(output)


@dataclass(frozen=True)
class Section:
    id: str
    needs: tuple[str, ...]                      # top-level facts fields it reads
    template: str                               # Jinja2 body, rendered with facts= and out=
    output: type[Output] | None = None          # model-made when set
    present: Callable[[Facts], bool] = lambda facts: True
    spoilers: bool = False                      # only the ending section may read plot.ending
    max_tokens: int | None = None               # a bound on the reply, sized to the schema; a small
                                                # model otherwise rambles until the server's cap
    # facts-dependent tightening of the output schema (e.g. one item per fact)
    array_sizes: Callable[[Facts], dict[str, int]] = field(default=lambda facts: {})

    @property
    def heading(self) -> str:
        return SECTIONS[self.id]

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

    def schema(self, facts: Facts | None = None, mode: str | None = None) -> dict:
        """The JSON schema the server enforces: all fields required, no extras,
        arrays sized to the facts where the section writes one item per fact,
        adapted to what a `mode` of server can enforce. Shared: do not mutate."""
        base = _server_schema(self.output, mode)
        sizes = self.array_sizes(facts) if facts is not None else {}
        if not sizes:
            return base
        properties = dict(base["properties"])
        for prop, n in sizes.items():
            properties[prop] = {**properties[prop], "minItems": n, "maxItems": n}
        return {**base, "properties": properties}

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
