"""`authoring batch` and `authoring facts import` when things go wrong: the batch
killed outright, titles that fail and are retried, two films with one slug, and
datasets with oversized cells or repeated column names."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from authoring.folder import up_to_date
from authoring.cli import app
from authoring.facts import load_facts
from authoring.llm import Settings
from tests.conftest import EXAMPLE, ROOT
from tests.fake_openai import FakeOpenAI, json_content
from tests.test_batch import MODEL_SECTIONS, env_for, make_seeds, report, rows_by_slug, slug

HAS_PROC = Path("/proc/self/stat").exists()


def cli(*args):
    return CliRunner().invoke(app, [*map(str, args)])


def section_of(body: dict) -> str:
    return body["response_format"]["json_schema"]["name"]


# ---------------------------------------------------------------- processes (case 25)

def _stat(pid: int) -> tuple[str, int, int, int] | None:
    """(state, parent pid, process group, start time) of a live process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[1]), int(fields[2]), int(fields[19])


def _processes() -> dict[int, tuple[str, int, int, int]]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (st := _stat(int(entry.name))) is not None:
            found[int(entry.name)] = st
    return found


def _family(root: int) -> dict[int, int]:
    """pid -> start time of every live process descended from `root` or in its process group."""
    procs = _processes()
    children: dict[int, list[int]] = {}
    for pid, (_, ppid, _, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    family, todo = {}, [root]
    while todo:
        for child in children.get(todo.pop(), []):
            family[child] = procs[child][3]
            todo.append(child)
    family |= {pid: st[3] for pid, st in procs.items() if st[2] == root and pid != root}
    return {pid: start for pid, start in family.items() if procs[pid][0] not in "ZX"}


def _alive(family: dict[int, int], group: int) -> list[str]:
    """The members of `family` (same pid and start time) and of process group `group`
    that still run (zombies are dead): 'pid comm'."""
    left = []
    for pid, st in _processes().items():
        if st[0] in "ZX":
            continue
        if family.get(pid) == st[3] or st[2] == group:
            try:
                comm = Path(f"/proc/{pid}/comm").read_text().strip()
            except OSError:
                continue
            left.append(f"{pid} {comm} (parent {st[1]})")
    return left


@pytest.mark.skipif(not HAS_PROC, reason="finds the batch's processes through /proc")
def test_25_no_process_outlives_a_batch_killed_with_sigkill(tmp_path):
    make_seeds(tmp_path / "seeds", 24)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "authoring", "batch", str(tmp_path / "seeds"), "--out", str(out),
           "--concurrency", "4", "--workers", "2"]
    family: dict[int, int] = {}
    with FakeOpenAI(latency=0.2, models=("test-model",)) as server:
        # a session of its own: the batch's pid is the process group of all it starts
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env_for(server), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while not list(out.glob("*/manifest.json")) and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.05)
            assert proc.poll() is None, "the batch ended before it could be killed"
            family = _family(proc.pid)
            comms = sorted(Path(f"/proc/{pid}/comm").read_text().strip() for pid in family)
            # the workers are the batch's only processes: no Manager server beside them
            assert comms == ["authoring-work", "authoring-work"], comms
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            deadline = time.monotonic() + 10
            while (left := _alive(family, proc.pid)) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not left, f"still running 10 s after the batch was killed: {left}"
        finally:
            for pid, start in family.items():  # never leak a process into other tests
                st = _stat(pid)
                if st is not None and st[3] == start:
                    os.kill(pid, signal.SIGKILL)
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)


def test_same_slug_across_the_workers_is_decided_once(model_env, tmp_path):
    """Eight seeds, four slugs: each slug is drafted by one seed, the other is told which."""
    make_seeds(tmp_path / "a", 4)
    make_seeds(tmp_path / "b", 4)  # the same titles and years in another folder
    out = tmp_path / "out"
    result = cli("batch", tmp_path / "a", tmp_path / "b", "--out", out, "--workers", "2", "--concurrency", "8")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert report(out)["workers"] == 2
    rows = report(out)["titles"]
    assert sorted(r["status"] for r in rows) == ["drafted"] * 4 + ["failed"] * 4
    by_slug: dict[str, list[dict]] = {}
    for r in rows:
        by_slug.setdefault(r["slug"], []).append(r)
    assert sorted(by_slug) == sorted(slug(i) for i in range(4))
    for pair in by_slug.values():
        drafted = next(r for r in pair if r["status"] == "drafted")
        failed = next(r for r in pair if r["status"] == "failed")
        assert "same slug" in failed["message"] and drafted["seed"] in failed["message"]
    assert model_env.calls == 4 * MODEL_SECTIONS


def test_a_batch_in_process_leaves_no_child_behind(model_env, tmp_path):
    make_seeds(tmp_path / "seeds", 4)
    before = set(_family(os.getpid())) if HAS_PROC else set()
    result = cli("batch", tmp_path / "seeds", "--out", tmp_path / "out", "--workers", "2")
    assert result.exit_code == 0, result.output
    if HAS_PROC:
        assert set(_family(os.getpid())) <= before


# ---------------------------------------------------------------- a failed section is retried (case 5, batch side)

def test_a_title_with_a_failed_section_is_not_up_to_date_and_a_rerun_retries_it(model_env, tmp_path):
    make_seeds(tmp_path / "seeds", 2)
    out = tmp_path / "out"
    # schema-invalid JSON for faq, on every attempt
    model_env.handler = lambda body: json_content({"wrong": True}) if section_of(body) == "faq" else None
    result = cli("batch", tmp_path / "seeds", "--out", out)
    assert result.exit_code == 1, result.output
    rows = rows_by_slug(out)
    assert rows[slug(0)]["status"] == "incomplete" and rows[slug(0)]["failed_sections"] == ["faq"]
    folder = out / slug(0)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["sections"]["faq"]["status"] == "failed"
    facts = load_facts(tmp_path / "seeds" / "seed-000.yaml").facts
    assert up_to_date(folder, facts, Settings.from_env()) is None

    model_env.handler = None  # the model is fixed
    calls = model_env.calls
    result = cli("batch", tmp_path / "seeds", "--out", out)
    assert result.exit_code == 0, result.output
    rows = rows_by_slug(out)
    assert {r["status"] for r in rows.values()} == {"drafted"}, rows
    assert model_env.calls - calls == 2  # each title's faq asked again, nothing else
    assert json.loads((folder / "manifest.json").read_text())["sections"]["faq"]["status"] != "failed"


def test_up_to_date_refuses_failed_and_malformed_manifests(model_env, tmp_path):
    make_seeds(tmp_path / "seeds", 1)
    out = tmp_path / "out"
    assert cli("batch", tmp_path / "seeds", "--out", out).exit_code == 0
    folder = out / slug(0)
    facts = load_facts(tmp_path / "seeds" / "seed-000.yaml").facts
    settings = Settings.from_env()
    good = json.loads((folder / "manifest.json").read_text())
    assert up_to_date(folder, facts, settings) is not None
    failed = json.loads(json.dumps(good))
    failed["sections"]["faq"]["status"] = "failed"
    wrong_shapes = [failed, [1, 2, 3], {**good, "sections": [1, 2]}, {**good, "sections": {**good["sections"],
                                                                                           "faq": "ok"}}]
    for manifest in wrong_shapes:
        (folder / "manifest.json").write_text(json.dumps(manifest))
        assert up_to_date(folder, facts, settings) is None, manifest


# ---------------------------------------------------------------- two films, one slug, two runs (case 4, batch side)

def _seed(folder: Path, title: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    head, sep, rest = EXAMPLE.read_text(encoding="utf-8").partition("\n")
    path = folder / "film.yaml"
    path.write_text(f"title: {json.dumps(title)}{sep}{rest}", encoding="utf-8")
    return path


def test_a_second_film_with_the_same_slug_in_a_later_run_fails_and_keeps_the_first(model_env, tmp_path):
    out = tmp_path / "out"
    _seed(tmp_path / "a", "Heat")
    _seed(tmp_path / "b", "Heat!")  # another film, the same slug
    assert cli("batch", tmp_path / "a", "--out", out).exit_code == 0
    [folder] = [p.parent for p in out.glob("*/page.md")]
    page = (folder / "page.md").read_bytes()
    result = cli("batch", tmp_path / "b", "--out", out)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "unexpected" not in result.output
    [row] = report(out)["titles"]
    assert row["status"] == "failed", row
    assert "unexpected" not in row["message"] and str(tmp_path / "a" / "film.yaml") in row["message"]
    assert (folder / "page.md").read_bytes() == page
    assert json.loads((folder / "manifest.json").read_text())["title"] == "Heat"


# ---------------------------------------------------------------- facts import (minor)

def test_a_cell_over_128_kb_rejects_its_row_not_the_import(tmp_path):
    big = "x" * 200_000
    csv_file = tmp_path / "movies.csv"
    csv_file.write_text("Title,Year,Plot\n"
                        f"Small,1995,{big}\n"       # a big cell in a column that is not imported: fine
                        f"{big},1996,short\n"       # a big title: this row is rejected
                        f"Huge,1997,short\n"
                        "Other,1998,short\n", encoding="utf-8")
    result = cli("facts", "import", csv_file, "--out", tmp_path / "seeds")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "field larger" not in result.output
    assert "row 2" in result.output and "Title" in result.output
    written = sorted(p.name for p in (tmp_path / "seeds").glob("*.yaml"))
    assert written == ["huge-1997.yaml", "other-1998.yaml", "small-1995.yaml"]
    import csv
    assert csv.field_size_limit() == 131072  # the csv module's limit is left as it was


def test_a_row_too_big_for_a_seed_is_rejected_naming_the_column(tmp_path):
    csv_file = tmp_path / "movies.csv"
    csv_file.write_text("Title,Year,Tagline\n"
                        f"Huge,1997,{'y' * 1_200_000}\n"
                        "Other,1998,short\n", encoding="utf-8")
    result = cli("facts", "import", csv_file, "--out", tmp_path / "seeds", "--map", "Tagline=original_title")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "Tagline" in result.output and "1,000,000" in result.output
    assert sorted(p.name for p in (tmp_path / "seeds").glob("*.yaml")) == ["other-1998.yaml"]


def test_a_repeated_column_name_reads_the_first_and_says_so(tmp_path):
    csv_file = tmp_path / "movies.csv"
    csv_file.write_text("Title,Year,Title\nFirst,1995,Second\n", encoding="utf-8")
    result = cli("facts", "import", csv_file, "--out", tmp_path / "seeds")
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "columns 1 and 3 are both named 'Title'" in out and "the first (column 1) is read" in out
    [seed] = (tmp_path / "seeds").glob("*.yaml")
    assert load_facts(seed).facts.title == "First"


def test_a_repeated_json_key_reads_the_first_and_says_so(tmp_path):
    data = tmp_path / "movies.json"
    data.write_text('[{"Title": "First", "Year": 1995, "Title": "Second"}]', encoding="utf-8")
    result = cli("facts", "import", data, "--out", tmp_path / "seeds")
    assert result.exit_code == 0, result.output
    assert "appears twice" in " ".join(result.output.split())
    [seed] = (tmp_path / "seeds").glob("*.yaml")
    assert load_facts(seed).facts.title == "First"
