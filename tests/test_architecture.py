"""The shape of the package (issue I): imports point one way, rooms stay small.

Function-level imports count like the others: a lazy import in a command is
fine, one that only hides a circle is not."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "authoring"
MAX_LINES = 500


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The authoring modules a file imports, anywhere in it (`from . import x` names x when x is a module)."""
    here = _module(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("authoring")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif (node.module or "").startswith("authoring"):
                target = node.module
            else:
                continue
            found.add(target)
            found |= {f"{target}.{a.name}" for a in node.names}
    return found


def graph() -> dict[str, set[str]]:
    files = {_module(p): p for p in PACKAGE.rglob("*.py")}
    edges = {}
    for name, path in files.items():
        # a name that is not a module (a class, a function) resolves to the module that holds it
        edges[name] = {t if t in files else t.rpartition(".")[0] for t in _imports(path)} & files.keys()
        edges[name].discard(name)
    return edges


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_circle():
    edges = graph()
    # a package's __init__ importing its own modules is how a package exports: not a circle
    for name in edges:
        edges[name] = {t for t in edges[name] if not (name.startswith(t + ".") and t in edges)}
    cycle = _cycle(edges)
    assert cycle is None, " -> ".join(cycle)


def test_no_module_over_500_lines():
    long = {str(p.relative_to(PACKAGE.parent)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long


# ARCHITECTURE.md's layers, lowest first: a module imports only from its own layer or lower ones
LAYERS = [
    {"files", "html", "cache"}, {"facts"}, {"sections"}, {"headings"}, {"chunks"}, {"checks"}, {"policy"},
    {"llm"}, {"prompting"}, {"pipeline"}, {"decisions"}, {"folder"}, {"workflows"},
    {"batch", "batch_api", "judge", "importer", "cells", "schemas"}, {"cli", "__main__"},
]


def _layer(module: str) -> int:
    top = module.split(".")[1] if "." in module else ""
    if not top:  # the package's own __init__
        return -1
    found = [i for i, names in enumerate(LAYERS) if top in names]
    assert found, f"authoring.{top} is in no layer: add it to LAYERS here and to ARCHITECTURE.md"
    return found[0]


def test_imports_point_down_the_layers():
    upward = [f"{a} -> {b}" for a, targets in graph().items() for b in targets
              if _layer(b) > _layer(a)]
    assert not upward, upward
