"""Every section of the page, found rather than listed: each module of this package
declares one SECTION, and the page shows them by their `order`. Adding a section is
one module here plus its prompt (prompts/<id>.md.j2); headings, exported schemas and
the structure checks read it from the registry.

AUTHORING_SECTIONS names further folders (os.pathsep-separated) of section modules,
searched after this package's own: a section can be added without touching the package."""
from __future__ import annotations

import importlib
import os
import pkgutil
from pathlib import Path

from ..facts import Facts
from .base import Output, Section

SECTIONS_ENV = "AUTHORING_SECTIONS"


def _extra_folders() -> list[str]:
    folders = [f for f in os.environ.get(SECTIONS_ENV, "").split(os.pathsep) if f.strip()]
    for folder in folders:
        if not Path(folder).is_dir():
            raise ImportError(f"{SECTIONS_ENV}={folder}: no such folder of section modules")
    return folders


__path__ += _extra_folders()  # noqa: F821 (the package's own search path)


def _discover() -> dict[str, Section]:
    found: list[Section] = []
    for module in pkgutil.iter_modules(__path__):
        if module.name == "base" or module.name.startswith("_"):
            continue
        section = getattr(importlib.import_module(f"{__name__}.{module.name}"), "SECTION", None)
        if not isinstance(section, Section):
            raise ImportError(f"section module {module.name} declares no SECTION = Section(...)")
        found.append(section)
    for attr in ("id", "order", "heading"):
        seen = [getattr(s, attr) for s in found]
        twice = sorted({str(v) for v in seen if seen.count(v) > 1})
        if twice:
            raise ImportError(f"two sections share the {attr} {', '.join(twice)}")
    return {s.id: s for s in sorted(found, key=lambda s: s.order)}


SECTIONS: dict[str, Section] = _discover()  # id -> Section, in page order


def plan(facts: Facts) -> tuple[list[Section], list[str]]:
    """The sections the facts support, and the ids of those left out for lack of facts."""
    present = [s for s in SECTIONS.values() if s.present(facts)]
    return present, [sid for sid, s in SECTIONS.items() if s not in present]


__all__ = ["SECTIONS", "SECTIONS_ENV", "Section", "Output", "plan"]
