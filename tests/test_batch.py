"""`authoring batch` against the fake model server (real openai client, real HTTP)."""
from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from authoring.cli import app
from tests.conftest import EXAMPLE, ROOT, SECRET
from tests.fake_openai import FakeOpenAI, error, truncated

MODEL_SECTIONS = 8  # model-made sections of the example seed


def make_seeds(folder: Path, n: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    head, sep, rest = EXAMPLE.read_text(encoding="utf-8").partition("\n")
    assert head.startswith("title:")
    paths = []
    for i in range(start, start + n):
        path = folder / f"seed-{i:03d}.yaml"
        path.write_text(f"title: Test Film {i}{sep}{rest}", encoding="utf-8")
        paths.append(path)
    return paths


def slug(i: int) -> str:
    return f"test-film-{i}-1995"


def batch(*args):
    return CliRunner().invoke(app, ["batch", *map(str, args)])


def report(out: Path) -> dict:
    return json.loads((out / "batch-report.json").read_text(encoding="utf-8"))


def rows_by_slug(out: Path) -> dict:
    return {r["slug"] or r["seed"]: r for r in report(out)["titles"]}


def cache_entries(out: Path) -> int:
    root = out / ".cache"
    return sum(len(p.read_text().splitlines()) for p in root.glob("*.jsonl")) if root.exists() else 0


def env_for(server: FakeOpenAI) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUTHORING_", "OPENAI_"))}
    env |= {"OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": SECRET, "AUTHORING_MODEL": "test-model",
            "PYTHONPATH": str(ROOT)}
    return env


@pytest.fixture
def slow():
    """The fake server at 0.2 s per call."""
    with FakeOpenAI(latency=0.2, models=("test-model",)) as server:
        yield server


# ---------------------------------------------------------------- concurrency and resume

def test_24_titles_run_concurrently_under_one_global_limit(slow, tmp_path):
    make_seeds(tmp_path / "seeds", 24)
    out = tmp_path / "out"
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "authoring", "batch", str(tmp_path / "seeds"), "--out", str(out),
                           "--concurrency", "16"], cwd=ROOT, env=env_for(slow), capture_output=True, text=True,
                          timeout=120)
    wall = time.perf_counter() - started
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    pages = sorted(p.parent.name for p in out.glob("*/page.md"))
    assert pages == sorted(slug(i) for i in range(24))
    calls = 24 * MODEL_SECTIONS
    assert slow.calls == calls
    serial = calls * 0.2
    assert wall < serial / 4, f"{wall:.1f}s is not well under a quarter of the serial {serial:.1f}s"
    assert report(out)["workers"] == min(2, os.cpu_count())  # 16 calls in flight, 24 seeds: a process per CPU, up to 2
    assert slow.max_in_flight <= 16  # the one limit holds across titles and processes ...
    assert slow.max_in_flight > MODEL_SECTIONS  # ... and more than one title's sections are in flight
    rows = report(out)["titles"]
    assert len(rows) == 24 and {r["status"] for r in rows} == {"drafted"}
    # not a terminal: plain progress lines, one per title, no escape codes
    lines = [line for line in done.stderr.splitlines() if line.startswith("[")]
    assert len(lines) == 24 and lines[-1].startswith("[24/24] drafted")
    assert "\x1b[" not in done.stderr


def _finished(out: Path) -> list[Path]:
    return [p for p in out.glob("*/manifest.json")]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_killed_halfway_rerun_finishes_without_redoing_finished_work(slow, tmp_path, workers):
    make_seeds(tmp_path / "seeds", 24)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "authoring", "batch", str(tmp_path / "seeds"), "--out", str(out),
           "--concurrency", "4", "--workers", workers]  # SIGKILL takes the worker processes with it
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env_for(slow), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(_finished(out)) < 6 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    time.sleep(0.5)  # requests in flight at the kill reach the server or not; nothing more is written
    finished = {p.parent.name: p.stat().st_mtime_ns for p in _finished(out)}
    assert 6 <= len(finished) < 24, "the kill should land halfway"
    cached = cache_entries(out)
    before = slow.calls
    assert before >= cached

    done = subprocess.run(cmd, cwd=ROOT, env=env_for(slow), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    rerun_calls = slow.calls - before
    # every section answered before the kill came from the cache: only the others were asked
    assert rerun_calls == 24 * MODEL_SECTIONS - cached
    assert sorted(p.parent.name for p in out.glob("*/page.md")) == sorted(slug(i) for i in range(24))
    rows = rows_by_slug(out)
    for name, mtime in finished.items():  # finished titles were skipped entirely
        assert (out / name / "manifest.json").stat().st_mtime_ns == mtime
        assert rows[name]["status"] == "skipped"
    assert {r["status"] for r in rows.values()} <= {"drafted", "skipped"}

    calls = slow.calls  # and a third run has nothing left to do
    third = subprocess.run(cmd, cwd=ROOT, env=env_for(slow), capture_output=True, text=True, timeout=120)
    assert third.returncode == 0 and slow.calls == calls
    assert {r["status"] for r in report(out)["titles"]} == {"skipped"}


def test_a_draft_killed_between_manifest_and_page_is_drafted_again_not_refused(model_env, tmp_path):
    make_seeds(tmp_path / "seeds", 2)
    out = tmp_path / "out"
    assert batch(tmp_path / "seeds", "--out", out).exit_code == 0
    (out / slug(0) / "page.md").unlink()  # killed after manifest.json, before page.md
    result = batch(tmp_path / "seeds", "--out", out)
    assert result.exit_code == 0, result.output
    rows = rows_by_slug(out)
    assert rows[slug(0)]["status"] == "drafted" and rows[slug(1)]["status"] == "skipped"
    assert (out / slug(0) / "manifest.json").exists()
    # but a page that is not what the sections assemble to is an editor's: refused
    (out / slug(1) / "manifest.json").unlink()
    page = out / slug(1) / "page.md"
    page.write_text(page.read_text() + "\nAn editor's sentence.\n")
    result = batch(tmp_path / "seeds", "--out", out)
    assert result.exit_code == 1
    assert rows_by_slug(out)[slug(1)]["status"] == "failed"
    assert "An editor's sentence." in page.read_text()


# ---------------------------------------------------------------- bad input never stops the batch

def test_invalid_seed_and_hand_edited_page_are_reported_and_skipped(model_env, tmp_path):
    make_seeds(tmp_path / "seeds", 3)
    (tmp_path / "seeds" / "bad.yaml").write_text("title: X\nyear: 1995\nruntime_minutes: 1h 51min\n")
    out = tmp_path / "out"
    result = batch(tmp_path / "seeds", "--out", out)
    assert result.exit_code == 1, result.output
    rows = rows_by_slug(out)
    bad = rows[str(tmp_path / "seeds" / "bad.yaml")]
    assert bad["status"] == "invalid" and "runtime_minutes" in bad["message"] and "line 3" in bad["message"]
    assert [rows[slug(i)]["status"] for i in range(3)] == ["drafted"] * 3
    assert "Traceback" not in result.output

    page = out / slug(1) / "page.md"
    edited = page.read_text() + "\nAn editor's sentence.\n"
    page.write_text(edited)
    (tmp_path / "seeds" / "bad.yaml").unlink()
    calls = model_env.calls
    result = batch(tmp_path / "seeds", "--out", out)
    assert result.exit_code == 1
    rows = rows_by_slug(out)
    assert rows[slug(1)]["status"] == "failed" and "edited by hand" in rows[slug(1)]["message"]
    assert rows[slug(0)]["status"] == rows[slug(2)]["status"] == "skipped"
    assert page.read_text() == edited and model_env.calls == calls
    # --force redrafts it (from the cache) and keeps the editor's page in history/
    result = batch(tmp_path / "seeds", "--out", out, "--force")
    assert result.exit_code == 0, result.output
    assert [h.read_text() for h in (out / slug(1) / "history").iterdir()] == [edited]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_same_slug_twice_is_reported_not_overwritten(model_env, tmp_path, workers):
    make_seeds(tmp_path / "a", 1)
    make_seeds(tmp_path / "b", 1)  # the same title and year in another folder
    out = tmp_path / "out"
    result = batch(tmp_path / "a", tmp_path / "b", "--out", out, "--workers", workers)
    assert report(out)["workers"] == int(workers)
    assert result.exit_code == 1
    statuses = sorted(r["status"] for r in report(out)["titles"])
    assert statuses == ["drafted", "failed"]
    failed = next(r for r in report(out)["titles"] if r["status"] == "failed")
    assert "same slug" in failed["message"]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_fatal_model_error_stops_the_batch_with_a_clear_message(model_env, tmp_path, workers):
    make_seeds(tmp_path / "seeds", 10)
    model_env.handler = lambda body: error(401, f"Incorrect API key provided: {SECRET}")
    out = tmp_path / "out"
    result = batch(tmp_path / "seeds", "--out", out, "--concurrency", "4", "--workers", workers)
    assert result.exit_code == 1
    assert "stopped" in result.output and "401" in result.output and "test-model" in result.output
    assert SECRET not in result.output and "Traceback" not in result.output
    assert model_env.calls <= 4 + MODEL_SECTIONS  # no retries, no further titles
    assert report(out)["status"] == "stopped"
    assert not list(out.glob("*/page.md"))


@pytest.mark.parametrize("setup", ["all_invalid", "empty_dir", "missing"])
def test_no_readable_seed_exits_2_without_calling_the_model(model_env, tmp_path, setup):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    if setup == "all_invalid":
        (seeds / "a.yaml").write_text("title: [\n")
        (seeds / "b.yml").write_text("year: 1995\n")
    target = tmp_path / "nowhere" if setup == "missing" else seeds
    result = batch(target, "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and model_env.calls == 0
    if setup == "all_invalid":
        assert {r["status"] for r in report(tmp_path / "out")["titles"]} == {"invalid"}
    else:
        assert "no facts seed" in result.output


def test_a_section_with_no_usable_answer_is_incomplete_and_retried_next_run(model_env, tmp_path):
    make_seeds(tmp_path / "seeds", 2)
    model_env.handler = lambda body: truncated() if body["response_format"]["json_schema"]["name"] == "faq" else None
    out = tmp_path / "out"
    result = batch(tmp_path / "seeds", "--out", out)
    assert result.exit_code == 1
    rows = rows_by_slug(out)
    assert rows[slug(0)]["status"] == "incomplete" and rows[slug(0)]["failed_sections"] == ["faq"]
    model_env.handler = None
    calls = model_env.calls
    result = batch(tmp_path / "seeds", "--out", out)
    assert result.exit_code == 0, result.output
    assert model_env.calls - calls == 2  # only the two faq sections were asked again
    assert {r["status"] for r in report(out)["titles"]} == {"drafted"}


# ---------------------------------------------------------------- report and display

def test_report_rows_and_table(model_env, tmp_path, monkeypatch):
    monkeypatch.setenv("AUTHORING_PRICE_IN", "0.15")
    monkeypatch.setenv("AUTHORING_PRICE_OUT", "0.6")
    seeds = make_seeds(tmp_path / "seeds", 3)
    out = tmp_path / "out"
    result = batch(*seeds, "--out", out, "--concurrency", "3")
    assert result.exit_code == 0, result.output
    assert model_env.max_in_flight <= 3
    data = report(out)
    assert data["status"] == "finished" and data["model"] == "test-model" and data["concurrency"] == 3
    row = data["titles"][0]
    for key in ("seed", "slug", "title", "status", "sections", "error_flags", "warning_flags", "attempts",
                "prompt_tokens", "completion_tokens", "tokens", "cost_usd", "folder"):
        assert key in row
    assert row["sections"] == 13 and row["attempts"] == MODEL_SECTIONS and row["tokens"] > 0 and row["cost_usd"] > 0
    totals = data["totals"]
    assert totals["drafted"] == 3 and totals["this_run"]["calls"] == 3 * MODEL_SECTIONS
    assert abs(totals["cost_usd"] - sum(r["cost_usd"] for r in data["titles"])) < 1e-6
    assert "batch report" in result.output and slug(2) in result.output and "3 drafted" in result.output
    assert not list(out.glob(".batch-report.json.*"))  # written atomically: no temporary left
    assert SECRET not in (out / "batch-report.json").read_text()


def test_rich_progress_on_a_terminal(model_env, tmp_path):
    from rich.console import Console

    from authoring.batch import Options, run_batch
    from authoring.llm import Settings
    make_seeds(tmp_path / "seeds", 2)
    (tmp_path / "seeds" / "bad.yaml").write_text("title: X\n")
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=160)
    result = run_batch([tmp_path / "seeds"], Settings.from_env(), Options(out=tmp_path / "out"), console)
    text = buffer.getvalue()
    assert result.exit_code == 1
    assert "titles" in text and "3/3" in text and "ETA" in text and "calls" in text and "tokens" in text
    assert "invalid" in text and "\x1b[" in text  # the failure is printed above the bar


def test_markup_in_messages_is_printed_as_text(model_env, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "[bold]x.yaml").write_text("title: [red]\n")
    result = batch(seeds, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "[bold]x.yaml" in result.output.replace("\n", "")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_stops_cleanly_and_a_rerun_finishes(slow, tmp_path, workers):
    make_seeds(tmp_path / "seeds", 12)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "authoring", "batch", str(tmp_path / "seeds"), "--out", str(out),
           "--concurrency", "4", "--workers", workers]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env_for(slow), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 60
    while len(_finished(out)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr[-2000:]
    assert "interrupted" in stderr and "Traceback" not in stderr + stdout
    assert report(out)["status"] == "interrupted"
    done = subprocess.run(cmd, cwd=ROOT, env=env_for(slow), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(list(out.glob("*/page.md"))) == 12


def _workers_of(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children if Path(f"/proc/{c}/comm").read_text().strip() == "authoring-work"]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds the worker processes through /proc")
def test_a_worker_killed_stops_the_batch_with_a_message_and_a_rerun_finishes(slow, tmp_path):
    make_seeds(tmp_path / "seeds", 24)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "authoring", "batch", str(tmp_path / "seeds"), "--out", str(out),
           "--concurrency", "4", "--workers", "2"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env_for(slow), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 60
    while len(_finished(out)) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = _workers_of(proc.pid)
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)  # as the out-of-memory killer would
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 1, stderr[-2000:]
    assert "the batch stopped" in stderr and f"worker process {workers[0]} exited" in stderr
    assert "Traceback" not in stderr + stdout
    assert report(out)["status"] == "stopped"
    assert not Path(f"/proc/{workers[1]}").exists() or "zombie" in Path(f"/proc/{workers[1]}/status").read_text()
    done = subprocess.run(cmd, cwd=ROOT, env=env_for(slow), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(list(out.glob("*/page.md"))) == 24
