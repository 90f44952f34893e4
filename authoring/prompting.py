"""Section prompts: Jinja2 templates <id>.md.j2, each with a system and a user block,
rendered with the section's facts inside a delimited data block.

The templates ship inside the package (authoring/prompts/, read with importlib.resources).
AUTHORING_PROMPTS names an editor's folder of <id>.md.j2 files that take precedence over
the shipped ones; a template it lacks (`_base.md.j2`, say) comes from the package."""
from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from jinja2 import Environment, FunctionLoader, StrictUndefined, TemplateError, TemplateNotFound, TemplateSyntaxError
from jinja2.loaders import split_template_path

from .facts import Facts
from .sections import SECTIONS, Section
from .sections.base import plain_schema

PROMPTS_ENV = "AUTHORING_PROMPTS"


class PromptError(Exception):
    """A prompt template that is missing, unreadable or broken; the message names it and where it was looked for."""


def package_prompts() -> Traversable:
    """The templates shipped with the package."""
    return resources.files(__package__).joinpath("prompts")


def override_dir() -> Path | None:
    """AUTHORING_PROMPTS, an editor's folder whose templates take precedence; None when unset."""
    value = os.environ.get(PROMPTS_ENV, "").strip()
    if not value:
        return None
    folder = Path(value).expanduser()
    if not folder.is_dir():
        raise PromptError(f"{PROMPTS_ENV}={value}: no such folder; name a folder of <section>.md.j2 templates "
                          "(they take precedence over the shipped ones), or unset it")
    return folder


def _searched(override: Path | None) -> str:
    shipped = f"the package's prompts folder {package_prompts()}"
    return f"{override} ({PROMPTS_ENV}) nor in {shipped}" if override else shipped


def _locate(name: str, override: Path | None) -> tuple[bytes, str, Path | None] | None:
    """A template's bytes and where they came from: the override folder first, then the package."""
    try:
        pieces = split_template_path(name)  # refuses names that climb out of the folder
    except TemplateNotFound:
        raise PromptError(f"prompt template name {name!r} is not a file in the prompts folder") from None
    try:
        if override is not None:
            path = override.joinpath(*pieces)
            if path.is_file():
                return path.read_bytes(), str(path), path
        shipped = package_prompts().joinpath(*pieces)
        if shipped.is_file():
            return shipped.read_bytes(), str(shipped), None
    except OSError as exc:
        raise PromptError(f"cannot read prompt template {exc.filename or name}: {exc.strerror or exc}") from None
    return None


def _find(name: str, override: Path | None) -> tuple[bytes, str, Path | None]:
    found = _locate(name, override)
    if found is None:
        raise PromptError(f"prompt template {name!r} not found in {_searched(override)}")
    return found


@cache
def _env(override: Path | None) -> Environment:
    def load(name: str):
        found = _locate(name, override)
        if found is None:
            return None  # jinja raises TemplateNotFound(name), turned into a PromptError by render()
        data, where, path = found
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PromptError(f"prompt template {where} is not UTF-8 text: {exc}") from None
        if path is None:
            return text, where, lambda: True
        mtime = path.stat().st_mtime
        return text, where, lambda: path.is_file() and path.stat().st_mtime == mtime

    env = Environment(loader=FunctionLoader(load), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, autoescape=False)
    env.filters["facts_json"] = facts_json
    return env


def facts_json(data) -> str:
    """JSON with "<" escaped: valid JSON that no fact text can use to close the data block."""
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": ")).replace("<", "\\u003c")


def template_hash(section_id: str) -> str:
    """Hash of the section's template and every template it extends (their text, wherever it was found),
    and of its output model's schema, from which the prompt's JSON shape and counts are rendered."""
    override = override_dir()
    h = hashlib.sha256()
    for name in (f"{section_id}.md.j2", "_base.md.j2"):
        h.update(_find(name, override)[0])
    h.update(json.dumps(plain_schema(SECTIONS[section_id].output), sort_keys=True).encode("utf-8"))
    return h.hexdigest()[:16]


SEPARATOR = "\n<<<user>>>\n"  # in _base.md.j2; facts_json escapes "<", so no fact can forge it


def render(name: str, **variables) -> list[dict]:
    """<name>.md.j2 as chat messages: its system part, then its user part."""
    override = override_dir()
    file = f"{name}.md.j2"
    try:
        text = _env(override).get_template(file).render(**variables)
    except TemplateNotFound as exc:
        raise PromptError(f"prompt template {exc.name!r} not found in {_searched(override)}") from None
    except TemplateSyntaxError as exc:
        raise PromptError(f"prompt template {exc.filename or exc.name or file} is broken: line {exc.lineno}: "
                          f"{exc.message}") from None
    except TemplateError as exc:  # an undefined variable and the like, met while rendering
        raise PromptError(f"prompt template {_find(file, override)[1]} is broken: {exc}") from None
    if SEPARATOR not in text:
        raise PromptError(f"prompt template {_find(file, override)[1]} is broken: it has no {SEPARATOR.strip()} "
                          "line between its system and user parts (extend _base.md.j2)")
    system, user = text.split(SEPARATOR, 1)
    return [{"role": "system", "content": system.strip()}, {"role": "user", "content": user.strip()}]


def messages(section: Section, facts: Facts) -> list[dict]:
    return render(section.id, facts=facts, data=section.data(facts), section=section, shape=section.shape(facts))
