"""The prober's findings on the draft folder: an edit saved while a command waits on
the model, a waiver and new text on another line, a byte-order mark, CRLF line
ends, a page.md that is a link or read-only, a history/ that is not a folder."""
import json
import os
import shutil
import stat
import threading


from authoring.chunks import split_page
from tests.conftest import FAQ_REPLY, cli
from tests.fake_openai import default_reply, json_content


def status(folder):
    result = cli("status", folder, "--json")
    assert result.exit_code == 0, result.output
    return {r["id"]: r["state"] for r in json.loads(result.output)["sections"]}


def editing_while_asked(page, reply):
    """A model handler that saves an editor's change to page.md while the command waits on it
    (once: the sections are asked for at the same time)."""
    once = threading.Lock()

    def handler(body):
        if once.acquire(blocking=False):
            page.write_text(page.read_text().replace("- Runtime: 1h 51min", "- Runtime: 1h 51min (EDITOR)"))
        return reply(body)
    return handler


# ---------------------------------------------------------------- 1: an edit saved while the model is asked

def test_an_edit_saved_while_regen_waits_on_the_model_is_not_overwritten(drafted, model_env):
    folder, _ = drafted
    page = folder / "page.md"
    model_env.handler = editing_while_asked(page, lambda body: json_content(FAQ_REPLY))
    result = cli("regen", folder, "faq")
    assert result.exit_code == 1 and "changed while the command ran" in result.output
    assert "(EDITOR)" in page.read_text() and "Who directed it?" not in page.read_text()
    kept = list((folder / "history").glob("unsaved-*.md"))  # the model's work is not lost either
    assert len(kept) == 1 and "## FAQ\n### Who directed it?" in kept[0].read_text()
    assert status(folder)["overview"] == "edited"
    model_env.handler = lambda body: json_content(FAQ_REPLY)
    assert cli("regen", folder, "faq").exit_code == 0  # run again: both the edit and the new FAQ
    assert "(EDITOR)" in page.read_text() and "Who directed it?" in page.read_text()


def test_an_edit_saved_while_draft_waits_on_the_model_is_not_overwritten(drafted, model_env):
    folder, seed = drafted
    page = folder / "page.md"
    model_env.handler = editing_while_asked(page, default_reply)
    result = cli("draft", seed, "--out", folder.parent, "--no-cache")
    assert result.exit_code == 1 and "changed while the command ran" in result.output
    assert "(EDITOR)" in page.read_text()


# ---------------------------------------------------------------- 7: a waiver stays on its line

def test_a_waiver_does_not_move_to_new_text_with_the_same_words(drafted):
    folder, _ = drafted
    page = folder / "page.md"
    page.write_text(page.read_text().replace("- Runtime: 1h 51min", "- Runtime: 2h 11min"))
    assert cli("check", folder).exit_code == 1
    flags = json.loads((folder / "flags.json").read_text())["flags"]
    (old,) = [f for f in flags if f["excerpt"] == "2h 11min"]
    assert cli("review", folder, "--waive", old["id"], "--note", "director's cut").exit_code == 0
    page.write_text(page.read_text().replace("- Runtime: 2h 11min", "- NEW: it runs 2h 11min.\n- Runtime: 2h 11min"))
    listing = cli("review", folder)
    flags = json.loads((folder / "flags.json").read_text())["flags"]
    by_line = {f["line"]: f for f in flags if f["excerpt"] == "2h 11min"}
    new, moved = by_line[old["line"]], by_line[old["line"] + 1]
    assert new["status"] == "open" and moved["status"] == "waived"
    assert new["id"] in listing.output and moved["id"] not in listing.output
    # waiving the new line too keeps the old line's decision
    assert cli("review", folder, "--waive", new["id"], "--note", "also fine").exit_code == 0
    decisions = json.loads((folder / "review.json").read_text())["decisions"]
    assert sorted(d["note"] for d in decisions.values()) == ["also fine", "director's cut"]
    assert {d["line_text"] for d in decisions.values()} == {"- NEW: it runs 2h 11min.", "- Runtime: 2h 11min"}
    assert "no open flags" in cli("review", folder).output
    # a decision from before line texts were kept still goes by its id
    (folder / "review.json").write_text(json.dumps({"decisions": {new["id"]: {"status": "waived", "note": "old"}}}))
    cli("check", folder)
    assert [f["status"] for f in json.loads((folder / "flags.json").read_text())["flags"]
            if f["excerpt"] == "2h 11min"] == ["waived", "open"]


# ---------------------------------------------------------------- 14: a byte-order mark

def test_a_byte_order_mark_is_neither_a_missing_title_nor_an_edit(drafted, model_env):
    folder, _ = drafted
    page = folder / "page.md"
    page.write_bytes(b"\xef\xbb\xbf" + page.read_bytes())
    result = cli("check", folder, "--json")
    assert "page.title" not in result.output, result.output
    assert not [s for s in status(folder).values() if "edited" in s]
    model_env.handler = lambda body: json_content(FAQ_REPLY)
    assert cli("regen", folder, "faq").exit_code == 0
    assert page.read_bytes().startswith(b"\xef\xbb\xbf# Leaving Las Vegas (1995)\n")
    assert "Who directed it?" in page.read_text()


# ---------------------------------------------------------------- 16: CRLF, links, modes

def test_a_crlf_page_is_not_edited_and_new_text_gets_crlf(drafted, model_env):
    folder, seed = drafted
    page = folder / "page.md"
    page.write_bytes(page.read_bytes().replace(b"\n", b"\r\n"))
    assert not [s for s in status(folder).values() if "edited" in s]
    model_env.handler = lambda body: json_content(FAQ_REPLY)
    assert cli("regen", folder, "faq").exit_code == 0
    data = page.read_bytes()
    assert b"Who directed it?" in data and data.count(b"\n") == data.count(b"\r\n")
    assert not [s for s in status(folder).values() if "edited" in s]
    assert cli("draft", seed, "--out", folder.parent).exit_code == 0  # not an edit: drafted again, still CRLF
    data = page.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")
    faq = next(c for c in split_page(data.decode(), "Leaving Las Vegas")[1] if c.sid == "faq")
    page.write_bytes(data.replace(faq.body.encode(), faq.body.encode() + b"\r\nMy note."))
    assert status(folder)["faq"] == "edited"  # an edit in a CRLF page is still one


def test_regen_writes_through_a_page_md_link(drafted, model_env, tmp_path):
    folder, _ = drafted
    target = tmp_path / "elsewhere" / "page.md"
    target.parent.mkdir()
    shutil.move(folder / "page.md", target)
    (folder / "page.md").symlink_to(target)
    model_env.handler = lambda body: json_content(FAQ_REPLY)
    result = cli("regen", folder, "faq")
    assert result.exit_code == 0, result.output
    assert (folder / "page.md").is_symlink() and "Who directed it?" in target.read_text()


def test_a_dangling_page_md_link_is_refused(drafted, tmp_path):
    folder, seed = drafted
    (folder / "page.md").unlink()
    (folder / "page.md").symlink_to(tmp_path / "nowhere.md")
    result = cli("draft", seed, "--out", folder.parent)
    assert result.exit_code != 0 and "link" in result.output
    assert (folder / "page.md").is_symlink() and not (tmp_path / "nowhere.md").exists()


def test_a_history_that_is_not_a_folder_of_its_own_is_refused(drafted, tmp_path):
    folder, seed = drafted
    page = folder / "page.md"
    page.write_text(page.read_text().replace("## FAQ\n", "## FAQ\nMy own FAQ intro.\n"))
    outside = tmp_path / "outside"
    outside.mkdir()
    history = folder / "history"
    for make in (lambda: history.symlink_to(outside), lambda: history.write_text("not a folder")):
        make()
        before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name != ".lock"}
        for args in (("regen", folder, "faq", "--force"), ("draft", seed, "--out", folder.parent, "--force")):
            result = cli(*args)
            assert result.exit_code == 1 and "history" in result.output and "Traceback" not in result.output
            assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name != ".lock"} == before
        assert list(outside.iterdir()) == []
        history.unlink()


def test_a_read_only_page_md_keeps_its_mode(drafted, model_env):
    folder, _ = drafted
    page = folder / "page.md"
    page.chmod(0o444)
    model_env.handler = lambda body: json_content(FAQ_REPLY)
    result = cli("regen", folder, "faq")
    assert result.exit_code == 0, result.output
    assert "Who directed it?" in page.read_text()
    assert stat.S_IMODE(os.stat(page).st_mode) == 0o444
