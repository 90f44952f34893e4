"""Whole pages: the dev clean pages and the invented films raise no error, each
of their corruptions is caught, the published sample page's defects are found,
and `run.main` prints the spec's JSON with the right exit codes."""
from __future__ import annotations

import json

import pytest
import yaml

from authoring.checks import check_page
from authoring.checks.run import main as run_main
from authoring.facts import load_facts
from authoring.headings import section_id
from tests.test_checks_common import (
    DEV, HARBOUR_EDITS, HARBOUR_FACTS, HARBOUR_PAGE, SHARED, STATION_EDITS, STATION_FACTS, STATION_PAGE,
    assert_excerpts_on_lines, caught, errors, facts_from,
)

# The development cases live in ../shared, beside this clone (CI always has it there).
# Without them the parametrised sets below would be empty and pytest would skip them
# quietly, so a missing or emptied corpus stops this module with one clear failure.
DEV_CASES = sorted(p for p in DEV.iterdir() if (p / "page.md").exists()) if DEV.is_dir() else []
if len(DEV_CASES) < 2 or not (SHARED / "reference" / "sample-page.txt").is_file():
    pytest.fail(f"the shared corpus is missing: {DEV} should hold the development cases (at least 2, found "
                f"{len(DEV_CASES)}) and {SHARED / 'reference'} the sample page; clone the shared repository "
                f"beside this one as {SHARED}", pytrace=False)
HARD = {"claim_unsupported", "plot_contradiction"}


@pytest.mark.parametrize("case", DEV_CASES, ids=lambda p: p.name)
def test_dev_clean_page_has_no_error(case):
    facts = load_facts(case / "facts.yaml").facts
    text = (case / "page.md").read_text(encoding="utf-8")
    flags = check_page(facts, text)
    assert errors(flags) == []
    assert_excerpts_on_lines(text, flags)


def _dev_edits():
    for case in DEV_CASES:
        for e in yaml.safe_load((case / "corruptions.yaml").read_text(encoding="utf-8")):
            if e["category"] not in HARD:
                yield pytest.param(case, e, id=e["id"])


@pytest.mark.parametrize("case,edit", list(_dev_edits()))
def test_dev_corruption_is_caught(case, edit):
    facts = load_facts(case / "facts.yaml").facts
    clean = (case / "page.md").read_text(encoding="utf-8")
    assert caught(facts, clean, edit["find"], edit["replace"]), edit["note"]


@pytest.mark.parametrize("facts_text,page", [(HARBOUR_FACTS, HARBOUR_PAGE), (STATION_FACTS, STATION_PAGE)],
                         ids=["harbour", "station"])
def test_invented_clean_page_has_no_flag(facts_text, page):
    flags = check_page(facts_from(facts_text), page)
    assert flags == []


@pytest.mark.parametrize("facts_text,page,edit",
                         [pytest.param(HARBOUR_FACTS, HARBOUR_PAGE, e, id=e["id"]) for e in HARBOUR_EDITS]
                         + [pytest.param(STATION_FACTS, STATION_PAGE, e, id=e["id"]) for e in STATION_EDITS])
def test_invented_corruption_is_caught(facts_text, page, edit):
    assert caught(facts_from(facts_text), page, edit["find"], edit["replace"])


# ---------------------------------------------------------------- the published sample page

def _sample_page() -> str:
    raw = (SHARED / "reference" / "sample-page.txt").read_text(encoding="utf-8").split("\n")
    out = ["# Leaving Las Vegas (1995)", ""]
    extra = ("Related Products", "Bonus Content", "Rate")
    for line in raw:
        s = line.strip()
        if s and not s.startswith("-") and (section_id(s, "Leaving Las Vegas") or s.endswith(extra)):
            out.append("## " + s)
        else:
            out.append(line)
    return "\n".join(out)


@pytest.fixture(scope="module")
def sample():
    facts = load_facts(SHARED / "examples" / "leaving-las-vegas.yaml").facts
    text = _sample_page()
    return text, check_page(facts, text)


def test_sample_critic_quotes_are_errors(sample):
    text, flags = sample
    lines = text.split("\n")
    start = next(i for i, ln in enumerate(lines, 1) if ln.strip().endswith("Professional Reviews"))
    critic_lines = [i for i, ln in enumerate(lines, 1) if i > start and ln.startswith("- ")
                    and any(c in ln for c in ("Roger Ebert", "Janet Maslin", "Kenneth Turan"))][:3]
    assert len(critic_lines) == 3
    for no in critic_lines:
        assert any(f.line == no and f.severity == "error" and f.rule.startswith("quotes.") for f in flags), no


def test_sample_other_defects(sample):
    text, flags = sample
    rules = {f.rule for f in flags if f.severity == "error"}
    assert "structure.empty_section" in rules          # Spoilers and Ending Explained
    assert "structure.list_items" in rules             # "notable tracks:" with none
    assert "structure.faq_question" in rules           # answers without questions
    assert "spoilers.ending" in rules                  # Ben dies, told in the FAQ
    assert any(f.rule == "page.unknown_heading" and f.severity == "warning" for f in flags)
    assert_excerpts_on_lines(text, flags)


# ---------------------------------------------------------------- run.main: JSON and exit codes

LLV = DEV / "leaving-las-vegas-1995"


def test_run_json_shape_and_exit_codes(tmp_path, capsys):
    clean = (LLV / "page.md").read_text(encoding="utf-8")
    good = tmp_path / "good.md"
    good.write_text(clean, encoding="utf-8")
    bad = tmp_path / "bad.md"
    bad.write_text(clean.replace("Runtime: 1h 51min", "Runtime: 2h 5min"), encoding="utf-8")

    assert run_main(str(LLV / "facts.yaml"), [str(good)], True) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc == {"pages": [{"path": str(good), "flags": []}]}

    assert run_main(str(LLV / "facts.yaml"), [str(good), str(bad)], True) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [p["path"] for p in doc["pages"]] == [str(good), str(bad)]
    flags = doc["pages"][1]["flags"]
    assert flags and list(flags[0]) == ["rule", "severity", "section", "line", "excerpt", "message", "expected",
                                        "found"]
    runtime = next(f for f in flags if f["rule"] == "numbers.runtime")
    assert runtime["severity"] == "error" and runtime["section"] == "overview"
    assert runtime["excerpt"] == "2h 5min" and runtime["expected"] == "1h 51min" and runtime["found"] == "2h 5min"
    assert runtime["line"] == clean.split("\n").index("- Runtime: 1h 51min") + 1


def test_run_draft_folder_and_readable_report(tmp_path, capsys):
    draft = tmp_path / "draft"
    draft.mkdir()
    (draft / "page.md").write_text((LLV / "page.md").read_text(encoding="utf-8").replace("90%", "80%"),
                                   encoding="utf-8")
    assert run_main(str(LLV / "facts.yaml"), [str(draft)], False) == 1
    out = capsys.readouterr().out
    assert "page.md" in out and "numbers.rating" in out and "80%" in out


def test_run_bad_input_exit_2(tmp_path, capsys):
    page = tmp_path / "p.md"
    page.write_text("# Leaving Las Vegas (1995)\n", encoding="utf-8")
    assert run_main(str(LLV / "facts.yaml"), [str(tmp_path / "missing.md")], True) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "missing.md" in captured.err and "Traceback" not in captured.err

    bad_facts = tmp_path / "facts.yaml"
    bad_facts.write_text("title: X\nyear: 1995\nruntime_minutes: '1h 51min'\n", encoding="utf-8")
    assert run_main(str(bad_facts), [str(page)], True) == 2
    captured = capsys.readouterr()
    assert "runtime_minutes" in captured.err and "Traceback" not in captured.err

    binary = tmp_path / "b.md"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert run_main(str(LLV / "facts.yaml"), [str(binary)], True) == 2
    assert "UTF-8" in capsys.readouterr().err

    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_main(str(LLV / "facts.yaml"), [str(empty)], True) == 2
    assert "page.md" in capsys.readouterr().err


def test_module_entry_point(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, "-m", "authoring.checks", "--facts", str(LLV / "facts.yaml"),
                           str(LLV / "page.md"), "--json"], capture_output=True, text=True, cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["pages"][0]["flags"] == []


# ---------------------------------------------------------------- plausible clean sentences, other phrasings

PROBES = {
'leaving-las-vegas-1995': [
 "Nicolas Cage won the Oscar for Best Actor for his role as Ben Sanderson.",
 "Elisabeth Shue earned a Best Actress nomination.",
 "The film was made for just $3.6 million and earned $32 million.",
 "It grossed nearly nine times its budget.",
 "Mike Figgis wrote, directed and scored the film.",
 "Shot on Super 16mm, it was blown up to 35mm.",
 "It is based on John O'Brien's semi-autobiographical novel.",
 "The 1995 drama runs 111 minutes.",
 "Cage's Ben and Shue's Sera share a fragile bond.",
 "The opening credits roll about fifteen minutes in.",
 "It sits at 90% on Rotten Tomatoes and 7.5 on IMDb.",
 "Two Academy Award nominations, one win.",
 "Figgis's jazzy score suits the neon.",
 "Released in 1995, it became an arthouse hit on a shoestring budget.",
 "Both leads were nominated, and Cage took home the statuette.",
 "The story unfolds over a few weeks in Las Vegas.",
 "Julian Sands plays Yuri, Sera's violent Latvian pimp.",
 "A 111-minute study of addiction, set mostly in Las Vegas, Nevada.",
 "Richard Lewis appears as Peter, an old colleague who lends Ben money.",
 "Critics such as Roger Ebert, Janet Maslin and Kenneth Turan praised the two lead performances.",
],
'alien-1979': [
 "Ridley Scott's Alien (1979) is a landmark of horror.",
 "Sigourney Weaver as Ripley is unforgettable.",
 "The seven-person crew of the Nostromo is woken early.",
 "H. R. Giger's creature design still unsettles.",
 "Jerry Goldsmith's score and Derek Vanlint's cinematography build dread.",
 "The film won the Oscar for Best Visual Effects.",
 "It made $104.9 million worldwide on an $11 million budget, nearly ten times its cost.",
 "Kane's chestburster scene is still a shock.",
 "Aliens, the 1986 sequel, is a war film.",
 "Terry Rawlings edited the film, and the interiors were shot at Shepperton Studios.",
 "Dan O'Bannon and Ronald Shusett wrote the screenplay.",
 "Ash, the science officer, lets Kane back aboard.",
 "Its 117-minute running time flies by.",
 "Viewers rate it 8.5 out of 10 on IMDb.",
 "The Nostromo is a commercial towing spaceship with a crew of seven.",
 "Veronica Cartwright's Lambert is the ship's navigator.",
 "Yaphet Kotto and Harry Dean Stanton play the two engineers, Parker and Brett.",
 "Scott's film was nominated for two Academy Awards and won one.",
 "It earned a Metacritic score of 89 and 93% on Rotten Tomatoes.",
 "Tom Skerritt plays Dallas, the captain.",
]}


@pytest.mark.parametrize("case,sentence", [(c, s) for c, ss in PROBES.items() for s in ss])
def test_plausible_true_sentences_pass(case, sentence):
    facts = load_facts(DEV / case / "facts.yaml").facts
    clean = (DEV / case / "page.md").read_text(encoding="utf-8")
    text = clean.replace("### Personal Review\n", "### Personal Review\n" + sentence + "\n", 1)
    no = text.split("\n").index(sentence) + 1
    assert [(f.rule, f.excerpt) for f in errors(check_page(facts, text)) if f.line == no] == []


def test_random_edits_never_crash():
    import random
    rng = random.Random(7)
    cases = [(load_facts(p / "facts.yaml").facts, (p / "page.md").read_text(encoding="utf-8")) for p in DEV_CASES]
    cases.append((facts_from(STATION_FACTS), STATION_PAGE))
    bits = ['"', "\u201c", "\u2019", "'", "(", ")", "## FAQ", "### ?", "$", "\u00a35", "1h", "12/", "Best Actor",
            "Oscar", " by ", "based on a novel by", "- ", "\u2026", "1979-13-45", "May 45, 1979", "9999", "0:00"]
    for _ in range(150):
        facts, page = rng.choice(cases)
        lines = page.split("\n")
        for _ in range(rng.randint(1, 6)):
            op = rng.random()
            if op < 0.3 and lines:
                del lines[rng.randrange(len(lines))]
            elif op < 0.6 or not lines:
                lines.insert(rng.randrange(len(lines) + 1), rng.choice(lines + bits) + rng.choice(bits))
            else:
                j = rng.randrange(len(lines))
                k = rng.randrange(len(lines[j]) + 1)
                lines[j] = lines[j][:k] + rng.choice(bits) + lines[j][k:]
        text = "\n".join(lines)
        assert_excerpts_on_lines(text, check_page(facts, text))
