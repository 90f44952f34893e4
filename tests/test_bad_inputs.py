"""Inputs an editor or a careless user gives the real CLI: draft folders that hold
another film, pages and manifests that are not what the tool wrote, fact text with
line breaks, cached replies that failed, a facts group removed under a draft.
Each ends in a message and the documented exit status, never a traceback, and no
byte an editor wrote is lost (it stays in page.md or goes to history/)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from authoring.cli import app
from tests.conftest import EXAMPLE, ROOT, SECRET
from tests.fake_openai import FakeOpenAI, json_content

SLUG = "leaving-las-vegas-1995"


def cli(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def clean(result, *codes):
    """The command ended with one of the exit codes and a message, not a traceback."""
    assert result.exit_code in codes, (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result.output


def flat(text: str) -> str:  # rich wraps long messages
    return " ".join(text.split())


def section_of(body: dict) -> str:
    return body["response_format"]["json_schema"]["name"]


@pytest.fixture
def drafted(model_env, tmp_path):
    seed = tmp_path / "seed.yaml"
    shutil.copy(EXAMPLE, seed)
    clean(cli("draft", seed, "--out", tmp_path / "out"), 0)
    return tmp_path / "out" / SLUG, seed


def history(folder: Path) -> list[Path]:
    return sorted((folder / "history").glob("*")) if (folder / "history").exists() else []


# ---------------------------------------------------------------- 4. two titles, one slug

def seed_file(path: Path, title: str, year: int = 1997, extra: str = "") -> Path:
    path.write_text(f"title: {json.dumps(title, ensure_ascii=False)}\nyear: {year}\ndirectors: [John Woo]\n{extra}", encoding="utf-8")
    return path


def test_another_films_draft_is_refused_even_with_force(model_env, tmp_path):
    out = tmp_path / "out"
    first = seed_file(tmp_path / "a.yaml", "Face/Off")
    second = seed_file(tmp_path / "b.yaml", "Face Off")  # the same slug, face-off-1997
    clean(cli("draft", first, "--out", out), 0)
    page = (out / "face-off-1997" / "page.md").read_bytes()
    for extra in ([], ["--force"]):
        message = flat(clean(cli("draft", second, "--out", out, *extra), 1))
        assert "Face/Off" in message and "slug:" in message and "--out" in message
        assert (out / "face-off-1997" / "page.md").read_bytes() == page
    # the seed the folder belongs to may correct its own title
    seed_file(first, "Face/Off!")
    clean(cli("draft", first, "--out", out), 0)
    # and another seed of the same film (title and year) is that film
    clean(cli("draft", seed_file(tmp_path / "c.yaml", "Face/Off!"), "--out", out), 0)


@pytest.mark.parametrize("title", ["...", "?", "\u200b", "\u200b\u200d", "🎬🍿", "\0", "- - -"])
def test_a_title_with_no_letter_or_digit_is_refused(model_env, tmp_path, title):
    seed = seed_file(tmp_path / "seed.yaml", title, 1980)
    for command in (["draft", seed, "--out", tmp_path / "out"], ["facts", "check", seed]):
        message = flat(clean(cli(*command), 2))
        assert f"{seed}:1: title:" in message
    assert not (tmp_path / "out").exists() and model_env.count() == 0


# ---------------------------------------------------------------- 5. failed replies are not answers

def test_a_section_that_failed_is_asked_again_on_the_rerun(model_env, tmp_path):
    model_env.handler = lambda body: json_content({"entries": []}) if section_of(body) == "faq" else None
    out = tmp_path / "out"
    message = flat(clean(cli("draft", EXAMPLE, "--out", out), 1))
    assert "failed faq" in message
    model_env.handler = None  # the model is fixed
    calls = model_env.count("/v1/chat/completions")
    clean(cli("draft", EXAMPLE, "--out", out), 0)
    asked = [section_of(b) for b in model_env.chat_requests[calls:]]
    assert asked == ["faq"]  # the others come from the cache
    manifest = json.loads((out / SLUG / "manifest.json").read_text())
    assert manifest["sections"]["faq"]["status"] == "ok"
    calls = model_env.count("/v1/chat/completions")
    clean(cli("draft", EXAMPLE, "--out", out), 0)
    assert model_env.count("/v1/chat/completions") == calls  # an unchanged rerun makes no call


def test_a_batch_title_that_failed_is_asked_again_on_the_rerun(model_env, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(EXAMPLE, seeds / "llv.yaml")
    model_env.handler = lambda body: json_content({"entries": []}) if section_of(body) == "faq" else None
    out = tmp_path / "out"
    clean(cli("batch", seeds, "--out", out), 1)
    model_env.handler = None
    calls = model_env.count("/v1/chat/completions")
    clean(cli("batch", seeds, "--out", out), 0)
    assert [section_of(b) for b in model_env.chat_requests[calls:]] == ["faq"]


def test_a_chain_cut_by_a_fault_keeps_its_answered_attempts(model_env, tmp_path):
    """Killed or cut mid-chain, the rerun goes on where it stopped: only a chain that
    used all its attempts without a usable answer withdraws its replies."""
    from tests.fake_openai import error
    replies = iter([json_content({"entries": []}), error(400, "bad request")])
    model_env.handler = lambda body: next(replies) if section_of(body) == "faq" else None
    out = tmp_path / "out"
    clean(cli("draft", EXAMPLE, "--out", out), 1)
    model_env.handler = None
    calls = model_env.count("/v1/chat/completions")
    clean(cli("draft", EXAMPLE, "--out", out), 0)
    second = model_env.chat_requests[calls:]
    asked = [section_of(b) for b in second]
    # the 400 stops the whole draft: a section whose call was still in flight then is asked
    # again (it was never answered); faq goes on from its answered attempt, not from scratch
    assert asked.count("faq") == 1 and len(asked) == len(set(asked)), asked
    assert second[asked.index("faq")]["messages"][-2]["content"] == '{"entries": []}'  # attempt 1 from the cache


# ---------------------------------------------------------------- 6. line breaks in fact text

def test_line_breaks_in_one_line_facts_cannot_make_headings(model_env, tmp_path):
    seed = tmp_path / "seed.yaml"
    seed.write_text(
        'title: "Broken\\nLines"\nyear: 1999\n'
        'directors: ["Jane\\r\\n# Other Film (1999)"]\n'
        'genres: ["Drama\\u2028## Cast", "Comedy\\rX"]\n'
        'where_to_watch: ["Netflix\\n\\n## Box Office\\n- Budget: $999M"]\n'
        'soundtrack:\n  - {title: "Song\\n# Other Film (1999)", artist: "A\\u2029B"}\n', encoding="utf-8")
    out = tmp_path / "out"
    clean(cli("draft", seed, "--out", out), 0)
    (folder,) = [p for p in out.iterdir() if p.name != ".cache"]
    page = (folder / "page.md").read_text(encoding="utf-8")
    lines = page.splitlines()  # splits at \r, U+2028 and U+2029 too, as the page splitter does
    assert [line for line in lines if line.startswith("# ")] == ["# Broken Lines (1999)"]
    assert [line for line in lines if line.startswith("## ")] == ["## Quick Overview", "## How to Watch",
                                                                  "## Soundtrack", "## FAQ"]
    assert "Netflix ## Box Office - Budget: $999M" in page and "\r" not in page
    rows = json.loads(clean(cli("status", folder, "--json"), 0))["sections"]
    assert all("edited" not in r["state"] for r in rows), rows
    clean(cli("draft", seed, "--out", out), 0)  # a fresh page is not called edited


def test_control_characters_in_facts_are_refused_with_the_line(tmp_path):
    seed = tmp_path / "seed.yaml"
    seed.write_text('title: Fine\nyear: 1999\ntrivia:\n  - "A bell\\a rang"\n', encoding="utf-8")
    message = flat(clean(cli("facts", "check", seed), 2))
    assert f"{seed}:4: trivia[0]: contains the control character U+0007" in message


# ---------------------------------------------------------------- 11. a page that is not UTF-8

@pytest.mark.parametrize("raw, what", [
    ("Leaving Las Vegas \u201cdraft\u201d".encode("cp1252"), "not UTF-8 text (byte 0x93 at offset 18)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
], ids=["windows-1252", "binary"])
def test_a_page_that_is_not_utf8_is_named_and_draft_force_recovers(drafted, model_env, raw, what):
    folder, seed = drafted
    page = folder / "page.md"
    page.write_bytes(raw)
    for command in (["draft", seed, "--out", folder.parent], ["regen", folder, "faq"], ["regen", folder, "--stale"],
                    ["status", folder], ["review", folder]):
        message = flat(clean(cli(*command), 1))
        assert f"{page} is {what}" in message and "--force" in message, command
    assert "page.md" in flat(clean(cli("check", folder), 2))
    assert page.read_bytes() == raw
    calls = model_env.count("/v1/chat/completions")
    clean(cli("draft", seed, "--out", folder.parent, "--force"), 0)
    assert model_env.count("/v1/chat/completions") == calls  # answered from the cache
    assert [p.read_bytes() for p in history(folder)] == [raw]  # the editor's bytes, as they were
    assert page.read_text(encoding="utf-8").startswith("# Leaving Las Vegas (1995)\n")
    clean(cli("status", folder), 0)


# ---------------------------------------------------------------- 12. a manifest of the wrong shape

@pytest.mark.parametrize("manifest", [
    [1, 2, 3],
    {"title": "Leaving Las Vegas", "year": 1995},
    {"title": "Leaving Las Vegas", "year": 1995, "sections": {"faq": "generated"}},
    {"title": "Leaving Las Vegas", "year": 1995, "sections": {"faq": {"made_by": "model", "prompt_tokens": "many"}}},
    {"title": "Leaving Las Vegas", "year": 1995, "sections": {"trailer": {"made_by": "facts"}}},
], ids=["a-list", "no-sections", "entry-is-text", "tokens-are-text", "unknown-section"])
def test_a_manifest_of_the_wrong_shape_is_named_and_draft_force_recovers(drafted, manifest):
    folder, seed = drafted
    page = (folder / "page.md").read_bytes()
    (folder / "manifest.json").write_text(json.dumps(manifest))
    for command in (["status", folder], ["review", folder], ["regen", folder, "faq"], ["draft", seed, "--out",
                                                                                        folder.parent]):
        message = flat(clean(cli(*command), 1))
        assert f"{folder / 'manifest.json'} does not have the expected shape" in message, command
    assert "manifest.json" in flat(clean(cli("check", folder), 2))
    clean(cli("draft", seed, "--out", folder.parent, "--force"), 0)
    assert page in [p.read_bytes() for p in history(folder)]  # the old page is kept
    clean(cli("status", folder), 0)


def test_a_manifest_that_is_not_json_and_a_damaged_review_file(drafted, model_env):
    folder, seed = drafted
    (folder / "manifest.json").write_bytes(b'{"sections": {')
    assert "is not valid JSON" in flat(clean(cli("status", folder), 1))
    clean(cli("draft", seed, "--out", folder.parent, "--force"), 0)
    (folder / "review.json").write_text('{"decisions": {"abc": "waived"}}')
    sections = (folder / "sections.json").read_bytes()
    calls = model_env.count("/v1/chat/completions")
    for command in (["status", folder], ["review", folder], ["regen", folder, "faq"],
                    ["draft", seed, "--out", folder.parent]):
        assert f"{folder / 'review.json'} does not have the expected shape" in flat(clean(cli(*command), 1))
    assert model_env.count("/v1/chat/completions") == calls and (folder / "sections.json").read_bytes() == sections
    clean(cli("draft", seed, "--out", folder.parent, "--force"), 0)
    assert any(p.name.startswith("review-") for p in history(folder))


# ---------------------------------------------------------------- 13. facts removed under a draft

def test_regen_after_a_facts_group_was_removed(drafted, model_env):
    folder, seed = drafted
    text = seed.read_text()
    start = text.index("box_office:")
    seed.write_text(text[:start] + text[text.index("awards:"):])
    clean(cli("regen", folder, "faq"), 0)  # box office stays on the page until --stale removes it
    sections = json.loads((folder / "sections.json").read_text())
    assert sections["box_office"]["markdown"].startswith("- Budget: $3.6M")
    text = seed.read_text()
    seed.write_text(text[: text.index("similar:")] + text[text.index("content_warnings:"):])
    calls = model_env.count("/v1/chat/completions")
    message = flat(clean(cli("regen", folder, "similar"), 1))
    assert "nothing for similar" in message and "--stale" in message
    assert model_env.count("/v1/chat/completions") == calls  # refused before any model call
    clean(cli("regen", folder, "--stale"), 0)
    page = (folder / "page.md").read_text()
    assert "## Similar Movies" not in page and "## Box Office" not in page


def test_regen_with_another_seed_that_lacks_groups(drafted, tmp_path, model_env):
    folder, _ = drafted
    other = seed_file(tmp_path / "other.yaml", "Leaving Las Vegas", 1995)  # directors only
    clean(cli("regen", folder, "faq", "--facts", other), 0)
    calls = model_env.count("/v1/chat/completions")
    assert "nothing for similar" in flat(clean(cli("regen", folder, "similar", "--facts", other), 1))
    assert model_env.count("/v1/chat/completions") == calls


# ---------------------------------------------------------------- 14. a cache line with no text

def test_a_cache_entry_without_text_is_a_miss(drafted, model_env):
    folder, seed = drafted
    (cache,) = (folder.parent / ".cache").glob("*.jsonl")
    lines = [json.loads(line) for line in cache.read_text().splitlines()]
    cache.write_text("".join(json.dumps({"key": r["key"], "value": {"usage": {}}}) + "\n" for r in lines)
                     + '{"key": "x", "value": {"text": 5}}\n[1]\n\xff\n')
    calls = model_env.count("/v1/chat/completions")
    clean(cli("draft", seed, "--out", folder.parent), 0)
    assert model_env.count("/v1/chat/completions") - calls == 8


# ---------------------------------------------------------------- minor

def test_out_that_is_a_file_is_a_bad_option(model_env, tmp_path):
    out = tmp_path / "out.txt"
    out.write_text("not a folder")
    assert "is a file, not a folder" in flat(clean(cli("draft", EXAMPLE, "--out", out), 2))
    assert out.read_text() == "not a folder" and model_env.count() == 0


def test_status_and_review_take_facts_as_their_message_says(drafted):
    folder, seed = drafted
    moved = seed.with_name("moved.yaml")
    seed.rename(moved)
    for command in ("status", "review"):
        message = flat(clean(cli(command, folder), 2))
        assert "--facts" in message
        clean(cli(command, folder, "--facts", moved), 0)


def test_sigterm_mid_draft_unwinds_like_ctrl_c(tmp_path):
    out = tmp_path / "out"
    with FakeOpenAI(latency=30) as server:
        env = os.environ | {"OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": SECRET,
                            "AUTHORING_MODEL": "fake-model"}
        proc = subprocess.Popen([sys.executable, "-m", "authoring", "draft", str(EXAMPLE), "--out", str(out)],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while server.count("/v1/chat/completions") < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (out / SLUG / ".lock").exists()
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 143, stderr
    assert "terminated" in stderr and "Traceback" not in stderr
    assert not (out / SLUG).exists()  # the folder made only for the lock is gone
