"""What the prober found at the command line: user text printed literally (never as rich
markup), bad input exiting 2, SIGTERM unwinding every command, repeated review options."""
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
from tests.conftest import EXAMPLE, ROOT, SECRET, SLUG, cli
from tests.fake_openai import FakeOpenAI, json_content

MARKUP = "Leaving [/red] Vegas [bold]x[/bold]"


def flat(text: str) -> str:
    return " ".join(text.split())


def _flag_ids(folder: Path) -> list[str]:
    page = folder / "page.md"
    page.write_text(page.read_text().replace("- Runtime: 1h 51min", "- Runtime: 2h 11min")
                    .replace("- Budget: $3.6M", "- Budget: $36M"))
    assert cli("review", folder).exit_code == 0
    return [f["id"] for f in json.loads((folder / "flags.json").read_text())["flags"]][:2]


# ---------------------------------------------------------------- 2: markup in user text

def test_square_brackets_in_titles_and_page_text_print_literally(model_env, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # no table cell wrapped
    seed = tmp_path / "seed.yaml"
    seed.write_text(EXAMPLE.read_text().replace("title: Leaving Las Vegas\n", f'title: "{MARKUP}"\n', 1))
    checked = cli("facts", "check", seed)
    assert checked.exit_code == 0 and MARKUP in checked.output, checked.output
    drafted = cli("draft", seed, "--out", tmp_path / "out")
    assert drafted.exit_code == 0 and MARKUP in drafted.output, (drafted.output, drafted.exception)
    (folder,) = (tmp_path / "out").glob("leaving-*")
    page = folder / "page.md"
    page.write_text(page.read_text().replace("- Runtime: 1h 51min", "- Runtime: 2h 11min [/red] [bold]y[/bold]"))
    page.write_text(page.read_text() + '\nHe said "I never [/b] did [bold]it[/bold], said nobody at all."\n')
    for command in (["review", folder], ["review", folder, "--all"], ["status", folder], ["check", folder],
                    ["check", "--facts", seed, page]):
        result = cli(*command)
        assert result.exit_code in (0, 1), (command, result.output, result.exception)
        assert result.exception is None or isinstance(result.exception, SystemExit), (command, result.exception)
    listing = cli("review", folder).output
    assert "[/b]" in listing and "[bold]it[/bold]" in listing, listing
    report = cli("check", folder).output
    assert "[/b]" in report and "[bold]it[/bold]" in report, report


def test_facts_check_of_an_invalid_seed_with_markup_prints_it(tmp_path):
    seed = tmp_path / "seed.yaml"
    seed.write_text('title: Leaving Las Vegas\nyear: 1995\n"[bold]k[/bold] [/red]": 1\n')
    result = cli("facts", "check", seed)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.exception
    assert "[bold]k[/bold] [/red]" in result.output, result.output


# ---------------------------------------------------------------- 3, 4, 11: check and the draft folder

def test_check_of_a_page_file_without_facts_says_what_to_give(drafted):
    folder, _ = drafted
    result = cli("check", folder / "page.md")
    assert result.exit_code == 2 and not isinstance(result.exception, FileExistsError), result.exception
    assert "--facts" in result.output and "draft folder" in flat(result.output)


@pytest.mark.parametrize("damage", ["flags.json", "page.html", ".lock", "dangling .lock"])
def test_check_that_cannot_write_is_an_error_message(drafted, damage):
    folder, _ = drafted
    if damage == "dangling .lock":
        (folder / ".lock").unlink(missing_ok=True)
        (folder / ".lock").symlink_to("/nonexistent/authoring/lock")
    else:
        (folder / damage).unlink(missing_ok=True)
        (folder / damage).mkdir()
    result = cli("check", folder)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), (result.output, result.exception)
    assert "error" in result.output


@pytest.mark.parametrize("command", ["regen", "review", "status"])
def test_page_md_instead_of_the_folder_says_give_the_folder(drafted, command):
    folder, _ = drafted
    args = [command, folder / "page.md"] + (["faq"] if command == "regen" else [])
    result = cli(*args)
    assert result.exit_code == 2 and "give the draft folder" in flat(result.output), (result.output, result.exception)


# ---------------------------------------------------------------- 10: bad input exits 2

def test_bad_input_to_the_editing_commands_exits_2(drafted, tmp_path):
    folder, seed = drafted
    assert cli("regen", folder, "nosuch").exit_code == 2
    assert cli("regen", folder).exit_code == 2
    for command in (["regen", tmp_path / "missing", "faq"], ["status", tmp_path / "missing"],
                    ["review", tmp_path / "missing"]):
        result = cli(*command)
        assert result.exit_code == 2 and "does not exist" in result.output, (command, result.output)
        assert not (tmp_path / "missing").exists()
    seed.rename(seed.with_name("moved.yaml"))
    for command in (["regen", folder, "faq"], ["status", folder], ["review", folder]):
        result = cli(*command)
        assert result.exit_code == 2 and "--facts" in result.output, (command, result.output)


def test_regen_stale_with_nothing_stale_exits_0_and_changes_nothing(drafted):
    folder, _ = drafted
    before = (folder / "page.md").read_bytes(), (folder / "manifest.json").read_bytes()
    result = cli("regen", folder, "--stale")
    assert result.exit_code == 0 and "nothing is stale" in result.output, result.output
    assert ((folder / "page.md").read_bytes(), (folder / "manifest.json").read_bytes()) == before


def test_an_empty_model_name_exits_2(model_env, tmp_path):
    result = cli("draft", EXAMPLE, "--out", tmp_path / "out", "--model", "")
    assert result.exit_code == 2 and "--model" in result.output
    assert not (tmp_path / "out").exists()


def test_a_slug_folder_that_is_a_symlink_is_refused(model_env, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / SLUG).symlink_to(elsewhere)
    result = cli("draft", EXAMPLE, "--out", tmp_path / "out")
    assert result.exit_code == 2 and "link" in result.output, result.output
    assert not list(elsewhere.iterdir())


def test_reask_via_batch_needs_batch_api(tmp_path):
    result = cli("batch", EXAMPLE, "--out", tmp_path / "out", "--reask-via", "batch")
    assert result.exit_code == 2 and "--batch-api" in result.output
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- 8: review options

def test_review_decides_every_id_given(drafted):
    folder, _ = drafted
    first, second = _flag_ids(folder)
    result = cli("review", folder, "--waive", first, "--waive", second, "--note", "both")
    assert result.exit_code == 0, result.output
    decisions = json.loads((folder / "review.json").read_text())["decisions"]
    assert {fid: d["status"] for fid, d in decisions.items()} == {first: "waived", second: "waived"}


def test_review_with_one_unknown_id_decides_none(drafted):
    folder, _ = drafted
    first, _ = _flag_ids(folder)
    result = cli("review", folder, "--waive", first, "--waive", "zzzz", "--note", "x")
    assert result.exit_code == 2 and "zzzz" in result.output
    assert not (folder / "review.json").exists()


@pytest.mark.parametrize("args", [["--note", "x"], ["--waive", "", "--note", "x"], ["--resolve", " ", "--note", "x"]])
def test_review_note_without_an_id_or_an_empty_id_exits_2(drafted, args):
    folder, _ = drafted
    _flag_ids(folder)
    result = cli("review", folder, *args)
    assert result.exit_code == 2 and "id" in result.output.lower(), result.output
    assert not (folder / "review.json").exists()


# ---------------------------------------------------------------- 15: --judge on a draft

def test_check_draft_judge_uses_the_drafts_own_seed(drafted, model_env):
    folder, _ = drafted

    def handler(body):
        listed = [line for line in body["messages"][1]["content"].splitlines() if line[:1].isdigit() and ". " in line]
        return json_content({"verdicts": [{"verdict": "supported", "reason": "ok"} for _ in listed]})

    model_env.handler = handler
    calls = model_env.count("/v1/chat/completions")
    result = CliRunner().invoke(app, ["check", str(folder), "--judge"])
    assert result.exit_code in (0, 1), result.output
    assert "judge:" in result.stderr and model_env.count("/v1/chat/completions") > calls


# ---------------------------------------------------------------- 5: SIGTERM

def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_sigterm_unwinds_check_judge(tmp_path):
    page = tmp_path / "page.md"
    page.write_text((ROOT.parent / "shared" / "eval" / "dev" / SLUG / "page.md").read_text())
    with FakeOpenAI(latency=30) as server:
        env = os.environ | {"OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": SECRET,
                            "AUTHORING_MODEL": "fake-model"}
        proc = subprocess.Popen([sys.executable, "-m", "authoring", "check", "--facts", str(EXAMPLE), str(page),
                                 "--judge"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        deadline = time.monotonic() + 30
        while server.count("/v1/chat/completions") < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 143, stderr
    assert "terminated" in stderr and "Traceback" not in stderr


def test_sigterm_stops_the_embedded_server_of_check_judge(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_BASE_URL", "AUTHORING_MODEL", "AUTHORING_MODE")}
    proc = subprocess.Popen([sys.executable, "-m", "authoring", "check", "--facts", str(EXAMPLE),
                             str(ROOT.parent / "shared" / "eval" / "dev" / SLUG / "page.md"), "--judge"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not _children(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    servers = _children(proc.pid)
    assert servers, "the embedded server did not start"
    time.sleep(1)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143, stderr
    time.sleep(0.5)
    assert not [pid for pid in servers if Path(f"/proc/{pid}").exists()
                and "zombie" not in Path(f"/proc/{pid}/status").read_text()]
