"""Rule ids are declared in one table per rule family (issue I): a family (a module
of authoring/checks, or a package's __init__) holds

    RULES = {"numbers.money": "a sum of money the facts do not hold", ...}

naming every rule id it raises and what each means (so does judge.py, for the
judge's). Every id raised in authoring/ (ctx.add("x.y", ...), ctx.add_line("x.y",
...), self.flag("x.y", ...), Flag("x.y", ...) or Flag(rule="x.y")) is declared in
exactly one RULES, and every declared id is raised somewhere. checks.RULES gathers
every table of the checks (a table it misses is a family nobody reaches), and
policy knows each declared id's family. The raising calls are read from the
source; the tables are imported."""
from __future__ import annotations

import ast
import importlib
import re
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "authoring"
CHECKS = PACKAGE / "checks"
RAISERS = {"add", "add_line", "flag", "Flag"}    # the calls whose first argument is a rule id
RULE_ID = re.compile(r"[a-z][a-z0-9_]*\.[a-z0-9_]+")


def _files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    return str(path.relative_to(CHECKS.parent.parent))


def _module(path: Path) -> str:
    parts = path.relative_to(CHECKS.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def declared() -> dict[str, list[str]]:
    """rule id -> the files whose RULES declares it: each file whose top-level RULES is a dict
    display ({...}, entries such as **{f"x.{k}": ... for k in ...} included), as imported.
    A RULES made otherwise gathers the tables of other families (the package's)."""
    out: dict[str, list[str]] = defaultdict(list)
    for path in _files():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = node.targets if isinstance(node, ast.Assign) else \
                [node.target] if isinstance(node, ast.AnnAssign) else []
            if not (any(isinstance(t, ast.Name) and t.id == "RULES" for t in targets)
                    and isinstance(node.value, ast.Dict)):
                continue
            for rule, meaning in importlib.import_module(_module(path)).RULES.items():
                assert isinstance(rule, str) and RULE_ID.fullmatch(rule), f"{_name(path)}: {rule!r} is no rule id"
                assert isinstance(meaning, str) and meaning.strip(), f"{_name(path)}: {rule} has no meaning"
                out[rule].append(_name(path))
    return out


def raised() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(rule id -> where it is raised, pattern of an f-string id -> where it is raised)."""
    literal: dict[str, list[str]] = defaultdict(list)
    patterns: dict[str, list[str]] = defaultdict(list)
    for path in _files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and (node.args or node.keywords)):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
            if name not in RAISERS:
                continue
            arg = next((k.value for k in node.keywords if k.arg == "rule"), node.args[0] if node.args else None)
            where = f"{_name(path)}:{node.lineno}"
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and RULE_ID.fullmatch(arg.value):
                literal[arg.value].append(where)
            elif (isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant)
                  and re.match(r"[a-z][a-z0-9_]*\.", arg.values[0].value)):   # f"roles.{kind}": one of several ids
                parts = [re.escape(p.value) if isinstance(p, ast.Constant) else "[a-z0-9_]+" for p in arg.values]
                patterns["".join(parts)].append(where)
    return literal, patterns


def test_rule_families_declare_rules():
    assert declared(), "no rule family declares RULES"


def test_no_rule_id_is_declared_by_two_families():
    twice = {rule: files for rule, files in declared().items() if len(files) > 1}
    assert not twice, twice


def test_every_raised_rule_id_is_declared():
    rules = declared()
    literal, patterns = raised()
    undeclared = {rule: where for rule, where in literal.items() if rule not in rules}
    assert not undeclared, undeclared
    unmatched = {p: where for p, where in patterns.items() if not any(re.fullmatch(p, r) for r in rules)}
    assert not unmatched, unmatched


def test_every_declared_rule_id_is_raised():
    literal, patterns = raised()
    never = {rule: files for rule, files in declared().items()
             if rule not in literal and not any(re.fullmatch(p, rule) for p in patterns)}
    assert not never, never


def test_checks_rules_gathers_every_table_of_the_checks():
    from authoring.checks import RULES
    in_checks = {rule for rule, files in declared().items()
                 if any(Path(f).is_relative_to(CHECKS.relative_to(PACKAGE.parent)) for f in files)}
    assert set(RULES) == in_checks, {"not gathered": sorted(in_checks - set(RULES)),
                                     "not declared": sorted(set(RULES) - in_checks)}


def test_policy_knows_every_declared_family_and_no_other():
    from authoring.policy import FAMILIES
    families = {rule.partition(".")[0] for rule in declared()}
    assert families <= set(FAMILIES), sorted(families - set(FAMILIES))
    assert set(FAMILIES) <= families, f"policy names families no table declares: {sorted(set(FAMILIES) - families)}"
