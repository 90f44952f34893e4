"""`authoring draft` end to end against the fake model server (real openai client, real HTTP)."""
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from authoring.cli import app
from tests.conftest import EXAMPLE, ROOT, SECRET
from tests.fake_openai import content, error, json_content, refusal, truncated

SLUG = "leaving-las-vegas-1995"
MODEL_SECTIONS = {"badly_explained", "synopsis", "ending", "quotes", "reviews", "behind_the_scenes", "similar", "faq"}


def draft(tmp_path, *args, seed=EXAMPLE):
    return CliRunner().invoke(app, ["draft", str(seed), "--out", str(tmp_path / "out"), *args])


def files_under(path):
    return sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()) if path.exists() else []


def test_draft_writes_the_folder(model_env, tmp_path):
    result = draft(tmp_path)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / SLUG
    names = files_under(folder)
    for name in ("page.md", "page.html", "flags.json", "manifest.json"):
        assert name in names
    page = (folder / "page.md").read_text(encoding="utf-8")
    assert page.startswith("# Leaving Las Vegas (1995)\n\n## Quick Overview\n")
    headings = [line[3:] for line in page.splitlines() if line.startswith("## ")]
    assert "Soundtrack" not in headings and len(headings) == 13
    sections = json.loads((folder / "sections.json").read_text())
    assert [sections[sid]["heading"] for sid in sections] == headings  # one record per section, in page order
    for sid in MODEL_SECTIONS | {"overview", "cast", "box_office", "awards", "how_to_watch"}:
        data = sections[sid]
        assert data["markdown"].strip(), sid
        assert (data["output"] is not None) == (sid in MODEL_SECTIONS)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["left_out"] == ["soundtrack"]
    faq = manifest["sections"]["faq"]
    assert faq["model"] == "test-model" and faq["backend"].startswith("json_schema@http://127.0.0.1:")
    assert faq["prompt_hash"] and faq["facts_hash"] and faq["prompt_tokens"] > 0 and faq["attempts"] == 1
    assert manifest["totals"]["calls"] == len(MODEL_SECTIONS) == model_env.count("/v1/chat/completions")
    assert "<script" not in (folder / "page.html").read_text()
    assert "flags" in json.loads((folder / "flags.json").read_text())
    assert f"{folder / 'page.md'}" in result.output.replace("\n", "")


def test_no_secret_in_any_file_or_output(model_env, tmp_path):
    result = draft(tmp_path)
    assert result.exit_code == 0
    assert SECRET not in result.output
    for path in (tmp_path / "out").rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text(encoding="utf-8", errors="replace"), path
    assert model_env.requests[-1].header("authorization") == f"Bearer {SECRET}"


def test_unchanged_rerun_makes_no_model_call(model_env, tmp_path):
    assert draft(tmp_path).exit_code == 0
    calls = model_env.count("/v1/chat/completions")
    assert draft(tmp_path).exit_code == 0
    assert model_env.count("/v1/chat/completions") == calls
    assert draft(tmp_path, "--no-cache").exit_code == 0
    assert model_env.count("/v1/chat/completions") == 2 * calls


@pytest.mark.parametrize("mode", ["json_schema", "json_object", "tools"])
def test_each_structured_output_mode_asks_the_server_to_enforce_the_schema(model_env, tmp_path, mode):
    result = draft(tmp_path, "--mode", mode)
    assert result.exit_code == 0, result.output
    body = model_env.chat_requests[0]
    if mode == "json_schema":
        assert body["response_format"]["type"] == "json_schema"
        assert body["response_format"]["json_schema"]["schema"]["additionalProperties"] is False
    elif mode == "json_object":
        assert body["response_format"]["type"] == "json_object" and "schema" in body["response_format"]
    else:
        assert body["tools"][0]["function"]["parameters"]["type"] == "object"
        assert body["tool_choice"]["function"]["name"] == body["tools"][0]["function"]["name"]


def test_invalid_output_is_reasked_with_the_reason(model_env, tmp_path):
    def handler(body):
        name = body["response_format"]["json_schema"]["name"]
        if name == "faq" and len(body["messages"]) == 2:
            return json_content({"entries": [{"question": "Who?", "answer": "Nobody"}]})
        return None
    model_env.handler = handler
    result = draft(tmp_path)
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "out" / SLUG / "manifest.json").read_text())
    assert manifest["sections"]["faq"]["attempts"] == 2
    reask = [b for b in model_env.chat_requests if b["response_format"]["json_schema"]["name"] == "faq"][-1]
    assert reask["messages"][-1]["role"] == "user" and "does not match the schema" in reask["messages"][-1]["content"]


@pytest.mark.parametrize("reply", [truncated(), refusal(), content("")], ids=["truncated", "refusal", "empty"])
def test_unusable_replies_are_failed_attempts_never_a_crash(model_env, tmp_path, reply):
    model_env.handler = lambda body: reply if body["response_format"]["json_schema"]["name"] == "similar" else None
    result = draft(tmp_path)
    assert result.exit_code == 1, result.output  # the page is written, but incomplete
    assert "failed similar:" in result.output.replace("\n", " ")
    manifest = json.loads((tmp_path / "out" / SLUG / "manifest.json").read_text())
    similar = manifest["sections"]["similar"]
    assert similar["status"] == "failed" and similar["attempts"] == 3 and similar["problems"]
    page = (tmp_path / "out" / SLUG / "page.md").read_text()
    assert "## Similar Movies" not in page and "## FAQ" in page


def test_auth_failure_names_endpoint_and_model_never_the_key(model_env, tmp_path):
    model_env.handler = lambda body: error(401, f"Incorrect API key provided: {SECRET}")
    result = draft(tmp_path)
    assert result.exit_code == 1
    assert "401" in result.output and "test-model" in result.output and "127.0.0.1" in result.output
    assert SECRET not in result.output
    assert not (tmp_path / "out" / SLUG).exists()
    assert model_env.count("/v1/chat/completions") <= len(MODEL_SECTIONS)  # fail fast: no retries


def test_malformed_seed_exits_2_writes_nothing_calls_no_model(model_env, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: X\nyear: 1995\nruntime_minutes: 1h 51min\ncast:\n  - {actr: Nobody, character: Y}\n")
    result = subprocess.run([sys.executable, "-m", "authoring", "draft", str(bad), "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "runtime_minutes" in result.stderr and "line 3" in result.stderr.replace(":3:", " line 3")
    assert "did you mean 'actor'" in result.stderr
    assert not (tmp_path / "out").exists()
    assert model_env.count("/v1/chat/completions") == 0


def test_hand_edited_page_is_never_overwritten_silently(model_env, tmp_path):
    assert draft(tmp_path).exit_code == 0
    page = tmp_path / "out" / SLUG / "page.md"
    edited = page.read_text() + "\nAn editor's sentence.\n"
    page.write_text(edited)
    result = draft(tmp_path)
    assert result.exit_code == 1 and "edited by hand" in result.output
    assert page.read_text() == edited
    assert draft(tmp_path, "--force").exit_code == 0
    history = list((tmp_path / "out" / SLUG / "history").iterdir())
    assert [h.read_text() for h in history] == [edited]


def test_missing_model_name_for_an_endpoint_is_a_clear_error(model_env, tmp_path, monkeypatch):
    monkeypatch.delenv("AUTHORING_MODEL")
    result = draft(tmp_path)
    assert result.exit_code == 1 and "AUTHORING_MODEL" in result.output


def test_unreachable_server_gives_an_incomplete_page_and_says_why(tmp_path, monkeypatch):
    import socket
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("AUTHORING_MODEL", "test-model")
    monkeypatch.setenv("AUTHORING_RETRIES", "1")
    monkeypatch.setenv("AUTHORING_RETRY_SECONDS", "2")
    result = draft(tmp_path)
    assert result.exit_code == 1
    assert "could not connect" in result.output and "the page is incomplete" in result.output.replace("\n", " ")
    page = (tmp_path / "out" / SLUG / "page.md").read_text()
    assert "## Quick Overview" in page and "## FAQ" not in page


def test_unwritable_out_is_a_clear_error(model_env, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = draft(tmp_path, "--out", str(blocker / "out"))
    assert result.exit_code == 1 and "cannot write" in result.output and "Traceback" not in result.output


def _not_an_output_problem(output: str) -> None:
    assert "cannot write" not in output and "--out" not in output and "Traceback" not in output, output


def test_missing_template_names_the_template_and_where_it_was_looked_for(model_env, tmp_path, monkeypatch):
    from authoring import prompting
    empty = tmp_path / "no-prompts"
    empty.mkdir()
    monkeypatch.setattr(prompting, "package_prompts", lambda: empty)  # an install that lost its templates
    prompting._env.cache_clear()
    monkeypatch.delenv("AUTHORING_PROMPTS", raising=False)
    result = draft(tmp_path)
    prompting._env.cache_clear()
    output = " ".join(result.output.split())
    assert result.exit_code == 2, output
    assert "prompt template 'badly_explained.md.j2' not found" in output and str(empty) in output
    _not_an_output_problem(output)
    assert not (tmp_path / "out" / SLUG / "page.md").exists()


def test_broken_or_missing_override_template_is_a_clear_error(model_env, tmp_path, monkeypatch):
    editor = tmp_path / "my-prompts"
    editor.mkdir()
    (editor / "faq.md.j2").write_text('{% extends "_base.md.j2" %}\n{% block task %}{% if %}{% endblock %}\n')
    monkeypatch.setenv("AUTHORING_PROMPTS", str(editor))
    result = draft(tmp_path)
    output = " ".join(result.output.split())
    assert result.exit_code == 2 and str(editor / "faq.md.j2") in output and "line 2" in output, output
    _not_an_output_problem(output)
    (editor / "faq.md.j2").write_text('{% extends "_missing_base.md.j2" %}\n')
    output = " ".join(draft(tmp_path).output.split())
    assert "prompt template '_missing_base.md.j2' not found in " + str(editor) in output, output
    _not_an_output_problem(output)
    monkeypatch.setenv("AUTHORING_PROMPTS", str(tmp_path / "typo"))
    result = draft(tmp_path)
    output = " ".join(result.output.split())
    assert result.exit_code == 2 and f"AUTHORING_PROMPTS={tmp_path / 'typo'}: no such folder" in output, output
    _not_an_output_problem(output)


def test_an_os_error_outside_the_output_folder_is_not_called_a_write_failure(tmp_path):
    from authoring.cli import _os_message
    out = tmp_path / "out"
    elsewhere = PermissionError(13, "Permission denied", "/etc/authoring/some-input")
    assert _os_message(elsewhere, out) == "/etc/authoring/some-input: Permission denied"
    inside = PermissionError(13, "Permission denied", str(out / "film" / "page.md"))
    assert _os_message(inside, out).startswith(f"cannot write {out / 'film' / 'page.md'}: Permission denied;")
    assert "(--out)" in _os_message(OSError(28, "No space left on device"), out)
    assert _os_message(OSError(5, "Input/output error"), out) == "Input/output error"
