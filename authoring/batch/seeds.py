"""What a batch drafts: the seed files under its inputs and the options it runs
with (which titles are already done is folder.up_to_date's to say)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..facts import FactsError

SEED_SUFFIXES = (".yaml", ".yml")


class BatchInputError(Exception):
    """Nothing to draft: no seed found, or none could be read (exit 2)."""


@dataclass
class Options:
    out: Path
    use_cache: bool = True
    force: bool = False
    titles_in_flight: int | None = None   # per process; default: max(2, its share of the concurrency)
    workers: int | None = None            # processes drafting titles; None: see worker_count
    batch_api: bool = False
    reask_via: str = "direct"
    batch_poll: float | None = None       # first Batch API poll interval (seconds); None: the default


def discover(inputs: Iterable[Path], exclude: Path | None = None) -> tuple[list[Path], list[tuple[str, str]]]:
    """The seed files named or found (recursively, *.yaml / *.yml) under the inputs,
    in a stable order, each once; and the inputs that are neither (path, reason).
    Hidden folders (.git, .cache) and the `exclude` folder are not searched."""
    seen: set[Path] = set()
    seeds: list[Path] = []
    problems: list[tuple[str, str]] = []
    skip = exclude.resolve() if exclude is not None else None

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            seeds.append(path)

    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            found = []
            for candidate in path.rglob("*"):
                rel = candidate.relative_to(path).parts
                if any(part.startswith(".") for part in rel) or candidate.suffix.lower() not in SEED_SUFFIXES:
                    continue
                if skip is not None and skip in candidate.resolve().parents:
                    continue
                if candidate.is_file():
                    found.append(candidate)
            if not found:
                problems.append((str(path), "no *.yaml or *.yml seed in this folder"))
            for candidate in sorted(found):
                add(candidate)
        elif path.is_file():
            add(path)
        elif path.exists():
            problems.append((str(path), "not a file or folder"))
        else:
            problems.append((str(path), "no such file or folder"))
    return seeds, problems


def facts_message(exc: FactsError) -> str:
    """A FactsError in one line per problem, without the generic trailer."""
    return "; ".join(str(p) for p in exc.problems[:5]) + (f"; and {len(exc.problems) - 5} more"
                                                          if len(exc.problems) > 5 else "")
