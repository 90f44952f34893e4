"""Probe findings on seeds, imports and config: Markdown blocks in fact text, invisible
format characters, `facts import` input errors, config typos."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from authoring import policy
from authoring.cli import app
from authoring.facts import FactsError, parse_facts
from tests.conftest import ROOT

SEED = ROOT / "examples" / "leaving-las-vegas.yaml"


def flat(output: str) -> str:
    return " ".join(output.split())


@pytest.fixture(autouse=True)
def no_model(monkeypatch):
    """A draft these tests expect refused must not reach a model: nothing listens on port 9."""
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("AUTHORING_MODEL", "test-model")


def seed_with(tmp_path: Path, pattern: str, line: str) -> Path:
    text, n = re.subn(pattern, lambda _: line, SEED.read_text(encoding="utf-8"), count=1, flags=re.M)
    assert n == 1
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("pattern, line, where, opener", [
    (r"^  consensus: .*$", '  consensus: "```python"', "audience.consensus", "```"),
    (r"^  consensus: .*$", '  consensus: "## FAQ"', "audience.consensus", "##"),
    (r"^title: .*$", 'title: "~~~Leaving Las Vegas"', "title", "~~~"),
])
@pytest.mark.parametrize("command", [["facts", "check", "SEED"], ["draft", "SEED", "--out", "drafts"]])
def test_fact_text_that_opens_a_markdown_block_is_refused_at_its_line(tmp_path, monkeypatch, pattern, line,
                                                                      where, opener, command):
    path = seed_with(tmp_path, pattern, line)
    number = path.read_text(encoding="utf-8").splitlines().index(line) + 1
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, [str(path) if arg == "SEED" else arg for arg in command])
    assert result.exit_code == 2, result.output
    text = flat(result.output)
    assert f"s.yaml:{number}: {where}: starts with '{opener}'" in text
    assert "remove the" in text and "Traceback" not in result.output
    assert not (tmp_path / "drafts").exists()


def test_invisible_format_characters_are_dropped_from_one_line_facts():
    plain = parse_facts(yaml.safe_dump({"title": "Leaving Las Vegas", "year": 1995}).encode()).facts
    for title in ["Leaving Las Vegas \u202e\u200b", "Leaving\u200b Las \u2066Vegas\u2069", "\ufeffLeaving Las Vegas"]:
        facts = parse_facts(yaml.safe_dump({"title": title, "year": 1995}).encode()).facts
        assert facts.title == plain.title and facts.slug_or_default == plain.slug_or_default
        assert facts.digest() == plain.digest()
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # ZWNJ shapes the word: kept
    assert parse_facts(yaml.safe_dump({"title": persian, "year": 2000}).encode()).facts.title == persian
    with pytest.raises(FactsError, match="only invisible format characters"):
        parse_facts(yaml.safe_dump({"title": "Fargo", "year": 1996, "directors": ["\u200b\u202e"]}).encode())


def run_import(*args):
    return CliRunner().invoke(app, ["facts", "import", *map(str, args)])


def test_import_out_that_is_a_file_is_one_error_up_front(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("Title,Year\nFargo,1996\nGattaca,1997\n", encoding="utf-8")
    (tmp_path / "out").write_text("x", encoding="utf-8")
    for out in (tmp_path / "out", tmp_path / "out" / "seeds"):
        result = run_import(data, "--out", out)
        assert result.exit_code == 2, result.output
        assert "is a file, not a folder" in flat(result.output) and "row 1" not in result.output


def test_import_the_same_column_mapped_twice_is_refused(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("Name,Year\nFargo,1996\n", encoding="utf-8")
    result = run_import(data, "--out", tmp_path / "seeds", "--map", "Name=title", "--map", "Name=original_title")
    assert result.exit_code == 2, result.output
    assert "both map column 'Name'" in flat(result.output)
    assert not (tmp_path / "seeds").exists()


@pytest.mark.parametrize("name, content", [("e.json", "[]"), ("e2.json", '{"movies": []}'),
                                           ("h.csv", "Name,Year\n"), ("blank.csv", "Title,Year\n,\n\n")])
def test_import_with_no_records_says_so(tmp_path, name, content):
    data = tmp_path / name
    data.write_text(content, encoding="utf-8")
    result = run_import(data, "--out", tmp_path / "seeds")
    assert result.exit_code == 2, result.output
    assert "no records" in flat(result.output) and "no column maps" not in result.output


@pytest.mark.parametrize("toml, message", [
    ('[polcy]\n"numbers.*" = "fix"\n', "unknown table [polcy] (did you mean [policy]?)"),
    ('[policy]\n"nosuch.rule" = "fix"\n', "'nosuch.rule' matches no rule; rule ids start with one of: numbers,"),
    ('[policy]\n"numbrs.money" = "fix"\n', "(did you mean 'numbers.money'?)"),
    ('[policy]\n"numbers" = "fix"\n', "(did you mean 'numbers.*'?)"),
])
def test_config_typos_are_refused_with_the_nearest_name(tmp_path, toml, message):
    config = tmp_path / "authoring.toml"
    config.write_text(toml, encoding="utf-8")
    with pytest.raises(policy.PolicyError) as caught:
        policy.load(config)
    assert message in str(caught.value)
    result = CliRunner().invoke(app, ["draft", str(SEED), "--out", str(tmp_path / "d"), "--config", str(config)])
    assert result.exit_code == 2 and message in flat(result.output), result.output
