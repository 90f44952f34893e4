"""`authoring batch --batch-api` against tests.fake_batch (the fake server with /v1/files and /v1/batches)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from authoring.cli import app
from tests.conftest import ROOT, SECRET
from tests.fake_batch import FakeBatchOpenAI
from tests.fake_openai import json_content
from tests.test_batch import MODEL_SECTIONS, make_seeds, report, rows_by_slug, slug


@pytest.fixture
def bfake(monkeypatch):
    with FakeBatchOpenAI(models=("test-model",), batch_steps=2) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", SECRET)
        monkeypatch.setenv("AUTHORING_MODEL", "test-model")
        monkeypatch.setenv("AUTHORING_BATCH_POLL", "0.01")
        for var in ("AUTHORING_MODE", "AUTHORING_CONCURRENCY", "AUTHORING_ATTEMPTS"):
            monkeypatch.delenv(var, raising=False)
        yield server


def batch(*args):
    return CliRunner().invoke(app, ["batch", *map(str, args)])


def bad_first_faq(body):
    """A schema-invalid first answer for every faq section; everything else the default."""
    name = (body.get("response_format") or {}).get("json_schema", {}).get("name")
    if name == "faq" and len(body["messages"]) == 2:
        return json_content({"entries": [{"question": "Who?", "answer": "Nobody"}]})
    return None


def uploads(server) -> int:
    return sum(1 for r in server.requests if r.method == "POST" and r.path == "/v1/files")


def test_first_attempts_go_through_the_batch_api_and_fill_the_drafts(bfake, tmp_path):
    make_seeds(tmp_path / "seeds", 3)
    out = tmp_path / "out"
    result = batch(tmp_path / "seeds", "--out", out, "--batch-api")
    assert result.exit_code == 0, result.output
    assert bfake.batch_calls == 3 * MODEL_SECTIONS and bfake.calls == 0  # no direct call at all
    assert uploads(bfake) == 1 and len(bfake.batches) == 1
    (batch_obj,) = bfake.batches.values()
    assert batch_obj["endpoint"] == "/v1/chat/completions" and batch_obj["completion_window"] == "24h"
    lines = [json.loads(line) for line in bfake.files[batch_obj["input_file_id"]]["data"].splitlines()]
    assert {line["custom_id"] for line in lines} == {f"{slug(i)}/{sid}" for i in range(3) for sid in
                                                     ("badly_explained", "synopsis", "ending", "quotes", "reviews",
                                                      "behind_the_scenes", "similar", "faq")}
    data = report(out)
    assert data["batch_api"]["requests"] == 24 and data["batch_api"]["answered"] == 24
    row = rows_by_slug(out)[slug(0)]
    assert row["status"] == "drafted" and row["batch_api_requests"] == MODEL_SECTIONS and row["tokens"] > 0
    assert all((out / slug(i) / "page.md").exists() for i in range(3))
    assert not (out / ".batch-api" / "pending.json").exists()
    assert SECRET not in json.dumps(data)

    # a batched request is exactly the request a direct call sends
    direct = tmp_path / "direct"
    assert CliRunner().invoke(app, ["draft", str(tmp_path / "seeds" / "seed-000.yaml"), "--out", str(direct)]).exit_code == 0
    by_name = {b["response_format"]["json_schema"]["name"]: b for b in bfake.chat_requests}
    for line in lines:
        if line["custom_id"].startswith(slug(0) + "/"):
            assert line["body"] == by_name[line["custom_id"].split("/")[1]]


def test_reasks_are_direct_calls_by_default(bfake, tmp_path):
    bfake.handler = bad_first_faq
    make_seeds(tmp_path / "seeds", 3)
    out = tmp_path / "out"
    result = batch(tmp_path / "seeds", "--out", out, "--batch-api")
    assert result.exit_code == 0, result.output
    assert bfake.batch_calls == 24
    assert bfake.calls == 3 and all(len(b["messages"]) == 4 for b in bfake.chat_requests)  # the faq re-asks
    manifest = json.loads((out / slug(0) / "manifest.json").read_text())
    assert manifest["sections"]["faq"]["attempts"] == 2 and manifest["sections"]["faq"]["cached"] == 1


def test_reasks_can_go_through_the_batch_api_too(bfake, tmp_path):
    bfake.handler = bad_first_faq
    make_seeds(tmp_path / "seeds", 3)
    out = tmp_path / "out"
    result = batch(tmp_path / "seeds", "--out", out, "--batch-api", "--reask-via", "batch")
    assert result.exit_code == 0, result.output
    assert bfake.calls == 0 and bfake.batch_calls == 24 + 3 and len(bfake.batches) == 2
    assert report(out)["batch_api"]["rounds"] == 2
    manifest = json.loads((out / slug(0) / "manifest.json").read_text())
    assert manifest["sections"]["faq"]["attempts"] == 2 and manifest["sections"]["faq"]["status"] == "ok"


def test_failed_and_unanswered_requests_are_sent_directly(monkeypatch, tmp_path):
    with FakeBatchOpenAI(models=("test-model",), final_status="expired",
                         fail_custom_ids={f"{slug(0)}/faq"}) as server:
        for k, v in {"OPENAI_BASE_URL": server.base_url, "AUTHORING_MODEL": "test-model",
                     "AUTHORING_BATCH_POLL": "0.01"}.items():
            monkeypatch.setenv(k, v)
        make_seeds(tmp_path / "seeds", 2)
        out = tmp_path / "out"
        result = batch(tmp_path / "seeds", "--out", out, "--batch-api")
        assert result.exit_code == 0, result.output
        # the expired batch answered the first half (one failed on purpose); the rest went direct
        assert server.batch_calls == 8 and server.calls == 16 - 8 + 1
        data = report(out)
        assert data["batch_api"]["answered"] == 7 and data["batch_api"]["failed"] == 9
        assert any("expired" in n for n in data["notes"]) and any("fake batch failure" in n for n in data["notes"])
        assert {r["status"] for r in data["titles"]} == {"drafted"}


def test_a_rejected_batch_stops_with_a_clear_message(monkeypatch, tmp_path):
    with FakeBatchOpenAI(models=("test-model",), reject="model test-model is not available in the Batch API") as s:
        for k, v in {"OPENAI_BASE_URL": s.base_url, "AUTHORING_MODEL": "test-model",
                     "AUTHORING_BATCH_POLL": "0.01"}.items():
            monkeypatch.setenv(k, v)
        make_seeds(tmp_path / "seeds", 1)
        result = batch(tmp_path / "seeds", "--out", tmp_path / "out", "--batch-api")
        assert result.exit_code == 1
        text = " ".join(result.output.split())
        assert "rejected batch" in text and "not available in the Batch API" in text and "Traceback" not in text
        assert s.calls == 0


def test_an_endpoint_without_the_batch_api_is_a_clear_error(model_env, tmp_path):
    make_seeds(tmp_path / "seeds", 1)
    result = batch(tmp_path / "seeds", "--out", tmp_path / "out", "--batch-api")
    assert result.exit_code == 1
    assert "does not offer the Batch API" in " ".join(result.output.split()) and "Traceback" not in result.output
    assert model_env.calls == 0


def test_bad_batch_api_options(bfake, tmp_path, monkeypatch):
    make_seeds(tmp_path / "seeds", 1)
    result = batch(tmp_path / "seeds", "--out", tmp_path / "out", "--batch-api", "--no-cache")
    assert result.exit_code == 2 and "--no-cache" in result.output
    result = batch(tmp_path / "seeds", "--out", tmp_path / "out", "--batch-api", "--reask-via", "carrier-pigeon")
    assert result.exit_code == 2 and "--reask-via" in result.output
    monkeypatch.delenv("OPENAI_BASE_URL")
    result = batch(tmp_path / "seeds", "--out", tmp_path / "out", "--batch-api")
    assert result.exit_code == 1 and "OpenAI-style endpoint" in " ".join(result.output.split())
    assert bfake.calls == 0 and not bfake.batches


def test_a_batch_submitted_before_a_kill_is_collected_not_paid_for_twice(tmp_path):
    with FakeBatchOpenAI(models=("test-model",), batch_steps=10 ** 9) as server:  # never finishes ...
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AUTHORING_", "OPENAI_"))}
        env |= {"OPENAI_BASE_URL": server.base_url, "AUTHORING_MODEL": "test-model", "AUTHORING_BATCH_POLL": "0.05",
                "PYTHONPATH": str(ROOT)}
        make_seeds(tmp_path / "seeds", 2)
        out = tmp_path / "out"
        cmd = [sys.executable, "-m", "authoring", "batch", str(tmp_path / "seeds"), "--out", str(out), "--batch-api"]
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pending = out / ".batch-api" / "pending.json"
        deadline = time.monotonic() + 30
        while not pending.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert pending.exists() and uploads(server) == 1
        server.batch_steps = 1  # ... until now
        done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "earlier run submitted" in done.stderr
        assert uploads(server) == 1 and len(server.batches) == 1  # nothing submitted again
        assert server.batch_calls == 16 and server.calls == 0
        assert not pending.exists()


def test_a_pending_batch_the_endpoint_does_not_know_is_dropped(bfake, tmp_path):
    make_seeds(tmp_path / "seeds", 1)
    out = tmp_path / "out"
    state = out / ".batch-api"
    state.mkdir(parents=True)
    (state / "pending.json").write_text(json.dumps({"batches": [{"id": "batch_gone", "map": "old.map"}]}))
    (state / "old.map").write_text("x/faq\tdeadbeef\n")
    result = batch(tmp_path / "seeds", "--out", out, "--batch-api")
    assert result.exit_code == 0, result.output
    assert any("batch_gone" in n and "unknown" in n for n in report(out)["notes"])
    assert not (state / "pending.json").exists() and not (state / "old.map").exists()
    assert bfake.batch_calls == MODEL_SECTIONS and bfake.calls == 0


def test_request_files_split_at_the_limits(tmp_path):
    from authoring.batch_api import RequestFiles
    files = RequestFiles(tmp_path, "round-1", max_requests=3, max_bytes=10_000)
    for i in range(7):
        files.add(f"t{i}/faq", f"key{i}", {"model": "m", "messages": [{"role": "user", "content": "x" * 100}]})
    chunks = files.close()
    assert [c.count for c in chunks] == [3, 3, 1]
    assert all(len(c.path.read_text().splitlines()) == c.count for c in chunks)
    assert chunks[1].map_path.read_text().splitlines()[0] == "t3/faq\tkey3"
    files = RequestFiles(tmp_path, "round-2", max_requests=100, max_bytes=400)
    for i in range(5):
        files.add(f"t{i}/faq", f"key{i}", {"content": "y" * 150})
    assert all(c.size <= 400 for c in files.close())
