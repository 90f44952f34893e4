"""authoring/schemas/*.schema.json, exported from the pydantic models and shipped in the package.

Regenerate with `python -m authoring.schemas`; a test fails when they are stale."""
from __future__ import annotations

import json
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from .facts import export_schema
from .sections import SECTIONS

SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"  # where `python -m authoring.schemas` writes


def shipped() -> Traversable:
    """The exported schemas as installed with the package."""
    return resources.files(__package__).joinpath("schemas")


def all_schemas() -> dict[str, str]:
    """File name -> file text."""
    out = {"facts.schema.json": export_schema()}
    for sid, section in SECTIONS.items():
        if section.output:
            out[f"{sid}.schema.json"] = section.schema()
    return {name: json.dumps(schema, indent=2, ensure_ascii=False) + "\n" for name, schema in out.items()}


if __name__ == "__main__":
    SCHEMAS_DIR.mkdir(exist_ok=True)
    for name, text in all_schemas().items():
        (SCHEMAS_DIR / name).write_text(text, encoding="utf-8")
        print(SCHEMAS_DIR / name)
