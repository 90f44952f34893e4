"""One page splitter for editing and checking (issue M, cases 1-3 and 8): duplicated
headings, headings inside code fences and the editor's text outside the known
sections are never replaced silently, and every flag on a page can be decided."""
import json

import pytest

from authoring.checks.page import parse_page
from authoring.chunks import split_page
from tests.conftest import FAQ_REPLY, cli
from tests.fake_openai import json_content

TITLE = "Leaving Las Vegas"


@pytest.fixture
def drafted(drafted, model_env):
    """The example drafted, with the fake server answering the FAQ with FAQ_REPLY from then on."""
    model_env.handler = lambda body: json_content(FAQ_REPLY) \
        if body["response_format"]["json_schema"]["name"] == "faq" else None
    return drafted


def states(folder):
    result = cli("status", folder, "--json")
    assert result.exit_code == 0, result.output
    return {r["id"]: r["state"] for r in json.loads(result.output)["sections"]}


def history(folder, pattern="*"):
    return sorted((folder / "history").glob(pattern)) if (folder / "history").exists() else []


def test_a_duplicated_heading_is_an_edit_and_forced_regen_keeps_every_copy(drafted):
    """Case 1: the editor's own `## FAQ` before Box Office is not replaced silently."""
    folder, _ = drafted
    page = folder / "page.md"
    mine = "## FAQ\n### Is it a sad film?\nVery, says the editor.\n\n"
    edited = page.read_text().replace("## Box Office\n", mine + "## Box Office\n")
    page.write_text(edited)
    assert "edited" in states(folder)["faq"]
    result = cli("regen", folder, "faq")
    assert result.exit_code == 1 and "edited by hand" in result.output
    assert page.read_text() == edited and not history(folder)
    result = cli("regen", folder, "faq", "--force")
    assert result.exit_code == 0, result.output
    after = page.read_text()
    assert after.count("## FAQ\n") == 1 and "### Who directed it?" in after
    kept = [p.read_text() for p in history(folder, "faq*.md")]
    assert len(kept) == 2 and any(mine.rstrip("\n") in k for k in kept)
    assert states(folder)["faq"] == "generated"


def test_headings_inside_a_code_fence_are_text_to_regen_and_to_check(drafted):
    """Case 2: a fenced block in Similar holding `## FAQ` survives a regen of the FAQ."""
    folder, _ = drafted
    page = folder / "page.md"
    block = "```\n## FAQ\n### Is it sad?\nVery.\n```\n"
    before = page.read_text()
    at = before.index("## FAQ\n")  # the end of Similar
    edited = before[:at].rstrip("\n") + "\n" + block + "\n" + before[at:]
    page.write_text(edited)
    rows = states(folder)
    assert rows["similar"] == "edited" and rows["faq"] == "generated"
    result = cli("regen", folder, "faq")
    assert result.exit_code == 0, result.output
    after = page.read_text()
    assert block in after and after.count("```") == 2
    assert after[:after.index(block) + len(block)] == edited[:edited.index(block) + len(block)]
    assert "### Who directed it?" in after
    checked = json.loads(cli("check", folder, "--json").output)
    assert not [f for f in checked["pages"][0]["flags"] if f["rule"] == "page.duplicate_section"]


def test_text_outside_the_known_sections_stays_a_hand_edit_after_a_regen(drafted):
    """Case 3: an introduction and an `## Editor Notes` section are never dropped by `draft`."""
    folder, seed = drafted
    page = folder / "page.md"
    intro = "An editor's introduction to the film."
    notes = "## Editor Notes\nCheck the runtime against the DVD.\n\n"
    text = page.read_text()
    title, rest = text.split("\n", 1)
    edited = f"{title}\n\n{intro}\n{rest}".replace("## Box Office\n", notes + "## Box Office\n")
    page.write_text(edited)
    assert cli("draft", seed, "--out", folder.parent).exit_code == 1
    assert cli("regen", folder, "quotes").exit_code == 0
    after = page.read_text()
    assert intro in after and notes in after
    result = cli("draft", seed, "--out", folder.parent)
    assert result.exit_code == 1 and "page.md" in result.output
    assert page.read_text() == after
    result = cli("draft", seed, "--out", folder.parent, "--force")
    assert result.exit_code == 0, result.output
    kept = [p.read_text() for p in history(folder, "page-*.md")]
    assert kept and intro in kept[-1] and notes in kept[-1]


def test_a_manifest_from_before_layouts_still_tells_the_editors_text(drafted):
    """Old manifests (page_hash and body_hash only) keep working."""
    from authoring.folder import edits as hand_edits
    folder, seed = drafted
    manifest = json.loads((folder / "manifest.json").read_text())
    del manifest["layout"]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (folder / "manifest.prev.json").unlink(missing_ok=True)
    assert hand_edits(folder) == {}
    page = folder / "page.md"
    page.write_text(page.read_text().replace("## Box Office\n", "## Editor Notes\nMine.\n\n## Box Office\n"))
    assert "page.md" in hand_edits(folder)
    assert cli("regen", folder, "quotes").exit_code == 0
    assert "## Editor Notes\nMine." in page.read_text()
    assert cli("draft", seed, "--out", folder.parent).exit_code == 1


def test_the_same_flag_on_several_lines_can_each_be_decided(drafted):
    """Case 8: one id per occurrence, the first keeping the plain rule|section|excerpt id."""
    from authoring.decisions import flag_id
    folder, _ = drafted
    page = folder / "page.md"
    lines = "".join(f"- It runs 2h 11min, note {n}.\n" for n in range(5))
    page.write_text(page.read_text().replace("## Box Office\n", "## Box Office\n" + lines))
    assert cli("check", folder).exit_code == 1
    flags = [f for f in json.loads((folder / "flags.json").read_text())["flags"] if f["excerpt"] == "2h 11min"]
    assert len(flags) == 5 and len({f["id"] for f in flags}) == 5
    assert flags[0]["id"] == flag_id(flags[0])
    bad = cli("review", folder, "--waive", "zzzz", "--note", "x")
    assert bad.exit_code == 2 and bad.output.count(flags[0]["id"]) == 1
    for f in flags:
        result = cli("review", folder, "--waive", f["id"], "--note", "director's cut")
        assert result.exit_code == 0, result.output
    cli("check", folder)
    after = [f for f in json.loads((folder / "flags.json").read_text())["flags"] if f["excerpt"] == "2h 11min"]
    assert [f["status"] for f in after] == ["waived"] * 5


PAGES = {
    "backticks": "```\n## FAQ\n```\n",
    "tildes": "~~~~\n## FAQ\n~~~\n## Reviews\n~~~~\n",
    "info string": "```python\n## FAQ\n```\n",
    "indented": "   ```\n## FAQ\n   ```\n",
    "not a fence": "    ```\n## FAQ\n",
    "backtick in info": "``` a`b\n## FAQ\n",
    "other character": "```\n## FAQ\n~~~\n## Reviews\n```\n",
    "never closed": "```\n## FAQ\n### Q?\nA.\n",
    "no space": "##FAQ\n### Q?\nA.\n",
}


@pytest.mark.parametrize("name", PAGES)
def test_editing_and_checking_read_the_same_sections(name):
    text = "# Leaving Las Vegas (1995)\n\n## Similar Movies\n- Barfly (1987)\n" + PAGES[name] + "## Soundtrack\n- x\n"
    _, chunks = split_page(text, TITLE)
    parsed = parse_page(text, TITLE)
    assert [c.sid for c in chunks] == [s.id for s in parsed.sections]
    assert [c.text.split("\n", 1)[0] for c in chunks] == [s.line.text for s in parsed.sections]
    assert (parsed.open_fence is not None) == (name == "never closed")


def test_check_warns_of_a_fence_never_closed(drafted):
    """Case 2's aftermath: a fence left open hides every later section; `check` says so."""
    folder, _ = drafted
    page = folder / "page.md"
    page.write_text(page.read_text().replace("## FAQ\n", "~~~\n## FAQ\n"))
    checked = json.loads(cli("check", folder, "--json").output)["pages"][0]["flags"]
    fence = [f for f in checked if f["rule"] == "page.unclosed_fence"]
    assert len(fence) == 1 and fence[0]["excerpt"] == "~~~" and fence[0]["section"] == "similar"


def test_a_failed_regen_leaves_the_tools_text_the_tools(drafted, model_env):
    """A section whose regen got no usable answer keeps its old text, which is still not a hand edit."""
    from tests.fake_openai import content
    folder, seed = drafted
    page = folder / "page.md"
    before = page.read_text()
    good = model_env.handler
    model_env.handler = lambda body: content("no JSON here") \
        if body["response_format"]["json_schema"]["name"] == "faq" else None
    assert cli("regen", folder, "faq").exit_code == 1
    assert page.read_text() == before
    assert states(folder)["faq"] == "failed"
    model_env.handler = good
    result = cli("regen", folder, "faq")
    assert result.exit_code == 0, result.output
    assert "### Who directed it?" in page.read_text()
    assert cli("draft", seed, "--out", folder.parent).exit_code == 0
