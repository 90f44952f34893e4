"""Editor workflows: regen one section, hand edits survive, stale sections, review, status, locks."""
import json
import threading
import time

import pytest

from authoring.chunks import replace_sections, split_page
from authoring.files import LockError, locked
from tests.conftest import FAQ_REPLY, cli
from tests.fake_openai import json_content


def chunks(page):
    return {c.sid: c.text for c in split_page(page, "Leaving Las Vegas")[1]}


def test_hand_edit_survives_regen_of_another_section(drafted, model_env):
    folder, _ = drafted
    page = folder / "page.md"
    before = page.read_text()
    synopsis = chunks(before)["synopsis"]
    edited = before.replace(synopsis, synopsis.replace("### ", "### Edited: ", 1) + "An editor's own paragraph.\n\n")
    page.write_text(edited)
    model_env.handler = lambda body: json_content(FAQ_REPLY)
    result = cli("regen", folder, "faq")
    assert result.exit_code == 0, result.output
    after = page.read_text()
    old, new = chunks(edited), chunks(after)
    assert new["synopsis"] == old["synopsis"]  # the editor's words, byte for byte
    assert [sid for sid in old if old[sid] != new[sid]] == ["faq"]
    assert after.replace(new["faq"], "") == edited.replace(old["faq"], "")
    assert "### Who directed it?" in new["faq"]
    rows = {r["id"]: r for r in json.loads(cli("status", folder, "--json").output)["sections"]}
    assert rows["synopsis"]["state"] == "edited" and rows["faq"]["state"] == "generated"


def test_regen_refuses_an_edited_section_unless_forced(drafted):
    folder, _ = drafted
    page = folder / "page.md"
    edited = page.read_text().replace("## FAQ\n", "## FAQ\nMy own FAQ intro.\n")
    page.write_text(edited)
    result = cli("regen", folder, "faq")
    assert result.exit_code == 1 and "edited by hand" in result.output
    assert page.read_text() == edited
    result = cli("regen", folder, "faq", "--force")
    assert result.exit_code == 0, result.output
    assert "My own FAQ intro." not in page.read_text()
    history = list((folder / "history").glob("faq-*.md"))
    assert len(history) == 1 and "My own FAQ intro." in history[0].read_text()


def test_changed_fact_marks_exactly_the_right_sections_stale(drafted, model_env):
    folder, seed = drafted
    seed.write_text(seed.read_text().replace("Super 16mm film and blown up", "Super 16mm stock and blown up"))
    def stale_ids():
        rows = json.loads(cli("status", folder, "--json").output)["sections"]
        return [r["id"] for r in rows if "stale" in r["state"]]
    assert stale_ids() == ["behind_the_scenes"]
    calls = model_env.count("/v1/chat/completions")
    page_before = (folder / "page.md").read_text()
    result = cli("regen", folder, "--stale")
    assert result.exit_code == 0, result.output
    asked = [b["response_format"]["json_schema"]["name"] for b in model_env.chat_requests[calls:]]
    assert asked == ["behind_the_scenes"]
    old, new = chunks(page_before), chunks((folder / "page.md").read_text())
    assert all(old[s] == new[s] for s in old if s != "behind_the_scenes")
    assert stale_ids() == []


def test_removed_facts_remove_the_section_on_stale_regen(drafted):
    folder, seed = drafted
    text = seed.read_text()
    seed.write_text(text[: text.index("similar:")] + text[text.index("content_warnings:"):])
    assert cli("regen", folder, "--stale").exit_code == 0
    assert "## Similar Movies" not in (folder / "page.md").read_text()


def test_review_lists_resolves_and_waives_and_waived_stays_waived(drafted):
    folder, _ = drafted
    page = folder / "page.md"
    page.write_text(page.read_text().replace("- Runtime: 1h 51min", "- Runtime: 2h 11min")
                    .replace("- Budget: $3.6M", "- Budget: $36M"))
    listing = cli("review", folder)
    assert listing.exit_code == 0
    flags = json.loads((folder / "flags.json").read_text())["flags"]
    runtime = next(f for f in flags if f["excerpt"] == "2h 11min")
    budget = next(f for f in flags if "36" in f["excerpt"])
    assert runtime["id"] in listing.output and runtime["status"] == "open"
    no_note = cli("review", folder, "--waive", runtime["id"])  # --note is required
    assert no_note.exit_code == 2 and "--note" in no_note.output
    assert cli("review", folder, "--waive", runtime["id"], "--note", "director's cut").exit_code == 0
    assert cli("review", folder, "--resolve", budget["id"][:6], "--note", "will fix").exit_code == 0
    decisions = json.loads((folder / "review.json").read_text())["decisions"]
    assert decisions[runtime["id"]]["status"] == "waived" and decisions[runtime["id"]]["note"] == "director's cut"
    # fix the budget by hand, re-check: that flag closes by itself, the waived one stays waived
    page.write_text(page.read_text().replace("- Budget: $36M", "- Budget: $3.6M"))
    result = cli("check", folder, "--json")
    flags = json.loads((folder / "flags.json").read_text())["flags"]
    assert [f["status"] for f in flags if f["excerpt"] == "2h 11min"] == ["waived"]
    assert not [f for f in flags if "36" in f["excerpt"]]
    assert "2h 11min" in result.output  # check still reports it (the JSON of the spec has no decisions)
    assert "no open flags" in cli("review", folder).output
    assert "waived" in (folder / "page.html").read_text()


def test_review_of_an_unknown_flag_id_is_a_clear_error(drafted):
    folder, _ = drafted
    result = cli("review", folder, "--waive", "deadbeef", "--note", "x")
    assert result.exit_code == 2 and "no single flag" in result.output


def test_commands_on_a_folder_that_is_not_a_draft(tmp_path):
    for command in (["status", tmp_path], ["review", tmp_path], ["regen", tmp_path, "faq"]):
        result = cli(*command)
        assert result.exit_code == 2 and "not a draft folder" in result.output


def test_unknown_section_id_lists_the_known_ones(drafted):
    folder, _ = drafted
    result = cli("regen", folder, "fact")
    assert result.exit_code == 2 and "unknown section fact" in result.output and "faq" in result.output


def test_lock_keeps_two_commands_apart(tmp_path):
    held = threading.Event()
    release = threading.Event()

    def holder():
        with locked(tmp_path / "d"):
            held.set()
            release.wait(5)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(5)
    started = time.monotonic()
    with pytest.raises(LockError, match="another authoring command"):
        with locked(tmp_path / "d", wait=0.3):
            pass
    assert time.monotonic() - started >= 0.3
    release.set()
    thread.join()
    with locked(tmp_path / "d", wait=0.3):
        pass


def test_replace_sections_inserts_in_page_order_and_keeps_other_bytes():
    page = "# T (2000)\n\n## Quick Overview\n- x  \n\n\n## FAQ\n### Q?\nA.\n"
    out = replace_sections(page, {"cast": "- A (B)"}, "T")
    assert out == "# T (2000)\n\n## Quick Overview\n- x  \n\n\n## Cast & Characters\n- A (B)\n\n## FAQ\n### Q?\nA.\n"
    out = replace_sections(page, {"faq": "### New?\nYes."}, "T")
    assert out == "# T (2000)\n\n## Quick Overview\n- x  \n\n\n## FAQ\n### New?\nYes.\n"
    assert replace_sections(page, {"faq": None}, "T") == "# T (2000)\n\n## Quick Overview\n- x  \n\n\n"


def test_a_command_killed_between_manifest_and_page_is_not_mistaken_for_a_hand_edit(drafted):
    from authoring.folder import edits as hand_edits
    folder, _ = drafted
    page = folder / "page.md"
    synopsis = chunks(page.read_text())["synopsis"]
    edited = page.read_text().replace(synopsis, synopsis + "An editor's paragraph.\n\n")
    page.write_text(edited)
    assert cli("regen", folder, "faq").exit_code == 0
    # as if killed after manifest.json was written and before page.md: the page is one write behind
    page.write_text(edited)
    assert hand_edits(folder) == {"synopsis": "edited"}
    assert cli("regen", folder, "faq").exit_code == 0  # not refused: the old FAQ was the tool's own
    assert "An editor's paragraph." in page.read_text()
    assert cli("draft", folder.parent.parent / "seed.yaml", "--out", folder.parent).exit_code == 1  # the edit is real


def test_regen_leaves_facts_made_sections_alone_unless_asked(drafted, model_env):
    """Sections rendered from the facts (cast, box office, ...) are regenerated only when
    named: an edited cast and a box office whose fact changed stay byte for byte through
    `regen faq`; `regen box_office` then renders the new figure and keeps the cast edit."""
    folder, seed = drafted
    page = folder / "page.md"
    cast = chunks(page.read_text())["cast"]
    page.write_text(page.read_text().replace(cast, cast.rstrip("\n") + "\n- An extra from the editor (Someone)\n\n", 1))
    seed.write_text(seed.read_text().replace("  budget: 3600000\n", "  budget: 4000000\n"))
    before = chunks(page.read_text())
    assert "$3.6M" in before["box_office"]
    model_env.handler = lambda body: json_content(FAQ_REPLY)
    result = cli("regen", folder, "faq")
    assert result.exit_code == 0, result.output
    after = chunks(page.read_text())
    assert [sid for sid in before if before[sid] != after[sid]] == ["faq"]
    assert after["cast"] == before["cast"] and after["box_office"] == before["box_office"]
    rows = {r["id"]: r["state"] for r in json.loads(cli("status", folder, "--json").output)["sections"]}
    assert rows["cast"] == "edited" and "stale" in rows["box_office"], rows
    calls = model_env.count("/v1/chat/completions")
    result = cli("regen", folder, "box_office")
    assert result.exit_code == 0, result.output
    assert model_env.count("/v1/chat/completions") == calls  # a facts section needs no model
    final = chunks(page.read_text())
    assert "- Budget: $4M" in final["box_office"] and "$3.6M" not in final["box_office"]
    assert [sid for sid in after if after[sid] != final[sid]] == ["box_office"]
    assert "An extra from the editor" in final["cast"]
