"""Section prompts: Jinja2 templates in prompts/<id>.md.j2, each with a system
and a user block, rendered with the section's facts inside a delimited data block."""
from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .facts import Facts
from .sections import Section

DEFAULT_PROMPTS = Path(__file__).resolve().parent.parent / "prompts"


def prompts_dir() -> Path:
    """prompts/ beside the package, or AUTHORING_PROMPTS (an editor's own copy)."""
    return Path(os.environ.get("AUTHORING_PROMPTS") or DEFAULT_PROMPTS)


def facts_json(data) -> str:
    """JSON with "<" escaped: valid JSON that no fact text can use to close the data block."""
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": ")).replace("<", "\\u003c")


@cache
def _env(folder: Path) -> Environment:
    env = Environment(loader=FileSystemLoader(folder), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, autoescape=False)
    env.filters["facts_json"] = facts_json
    return env


def template_hash(section_id: str) -> str:
    """Hash of the section's template and every template it extends."""
    h = hashlib.sha256()
    for name in (f"{section_id}.md.j2", "_base.md.j2"):
        h.update((prompts_dir() / name).read_bytes())
    return h.hexdigest()[:16]


SEPARATOR = "\n<<<user>>>\n"  # in _base.md.j2; facts_json escapes "<", so no fact can forge it


def render(name: str, **variables) -> list[dict]:
    """prompts/<name>.md.j2 as chat messages: its system part, then its user part."""
    text = _env(prompts_dir()).get_template(f"{name}.md.j2").render(**variables)
    system, user = text.split(SEPARATOR, 1)
    return [{"role": "system", "content": system.strip()}, {"role": "user", "content": user.strip()}]


def messages(section: Section, facts: Facts) -> list[dict]:
    return render(section.id, facts=facts, data=section.data(facts))
