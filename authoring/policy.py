"""What to do about an error flag on a freshly generated section, per rule:

  reask  ask the model again with the flag's message (the default for errors)
  flag   keep the text and show the flag to the editor
  fix    repair it deterministically where the flag says what the facts hold
         (the found text replaced by the expected one), else re-ask

Configured in authoring.toml (or --config), most specific pattern wins:

    [policy]
    "numbers.*" = "fix"
    "structure.badly_explained_names" = "flag"
"""
from __future__ import annotations

import difflib
import fnmatch
import tomllib
from pathlib import Path

from .checks import RULES

ACTIONS = ("reask", "flag", "fix")
TABLES = ("policy",)
# The rule families: the part of a rule id before the dot, as the checks' RULES tables declare
# them, and judge (judge.py's RULES; it imports the pipeline, which imports this module, so it is
# named here and tests/test_rule_tables.py keeps the two in step). A pattern matching none of
# them is a typo that would silently change nothing.
JUDGE = "judge"
FAMILIES = (*dict.fromkeys(rule.partition(".")[0] for rule in RULES), JUDGE)


class PolicyError(ValueError):
    pass


def load(path: Path | None) -> dict[str, str]:
    """The [policy] table of the config file; {} when there is none."""
    if path is None:
        path = Path("authoring.toml")
        if not path.exists():
            return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"{path}: not a valid TOML file: {exc}") from None
    for name in data:
        if name not in TABLES:
            near = _nearest(name, TABLES)
            raise PolicyError(f"{path}: unknown table [{name}]" + (f" (did you mean [{near}]?)" if near
                                                                  else f"; known: {', '.join(TABLES)}"))
    table = data.get("policy", {})
    if not isinstance(table, dict):
        raise PolicyError(f"{path}: [policy] must be a table of rule = action")
    for rule, action in table.items():
        if action not in ACTIONS:
            raise PolicyError(f"{path}: [policy] {rule!r} = {action!r}: the action must be one of {', '.join(ACTIONS)}")
        head, dot, rest = rule.partition(".")
        if not any(fnmatch.fnmatchcase(family, head) if dot else fnmatch.fnmatchcase(f"{family}.", rule)
                   for family in FAMILIES):
            near = _nearest(head, FAMILIES)
            hint = (f" (did you mean {near + (dot + rest if dot else '.*')!r}?)" if near
                    else f"; rule ids start with one of: {', '.join(FAMILIES)}")
            raise PolicyError(f"{path}: [policy] {rule!r} matches no rule{hint}")
    return dict(table)


def _nearest(word: str, choices) -> str | None:
    return next(iter(difflib.get_close_matches(word, choices, n=1, cutoff=0.6)), None)


def action(rule: str, policies: dict[str, str]) -> str:
    matches = [p for p in policies if fnmatch.fnmatchcase(rule, p)]
    return policies[max(matches, key=lambda p: (len(p.replace("*", "")), len(p)))] if matches else "reask"


def fix(output: dict, flags: list[dict]) -> dict | None:
    """The output with each flag's found text replaced by what the facts hold; None if nothing changed."""
    changed = False

    def walk(node):
        nonlocal changed
        if isinstance(node, str):
            for f in flags:
                if f.get("found") and f.get("expected") and f["found"] in node:
                    node = node.replace(f["found"], f["expected"])
                    changed = True
            return node
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        return node

    repaired = walk(output)
    return repaired if changed else None
