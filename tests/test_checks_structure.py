"""Spoilers outside the ending section, and the page's structure: headings,
empty sections, list sections, FAQ questions and answers, the badly explained
sentence, synopsis parts, sections without facts, consistency."""
from __future__ import annotations

import pytest

from authoring.checks import check_page
from authoring.checks.page import parse_page
from tests.test_checks_common import (HARBOUR_FACTS, HARBOUR_PAGE, STATION_FACTS, STATION_PAGE, add_line,
                                      assert_excerpts_on_lines, facts_from)

HARBOUR = facts_from(HARBOUR_FACTS)
STATION = facts_from(STATION_FACTS)


def rules(facts, text, severity="error"):
    flags = check_page(facts, text)
    assert_excerpts_on_lines(text, flags)
    return {(f.rule, f.excerpt) for f in flags if f.severity == severity}


# ---------------------------------------------------------------- spoilers

SPOIL = [
    ("Commander Okafor orders the module opened despite Helen's objections.",
     "Commander Okafor orders the module opened, hoping to wake the originals.", "wake"),
    ("Sunny, a young engineer, discovers", "Sunny, a young engineer who will later sacrifice himself, discovers",
     "sacrifice"),
    ("Margarethe Olsen voices the station's AI.", "Margarethe Olsen voices the station's AI until it shuts down.",
     "shuts"),
]


@pytest.mark.parametrize("find,replace,word", SPOIL)
def test_ending_outside_the_ending_section(find, replace, word):
    text = STATION_PAGE.replace(find, replace)
    assert ("spoilers.ending", word) in rules(STATION, text)


def test_ending_words_in_safe_places_pass():
    # the premise and beats may be retold anywhere; the ending section may tell the ending
    extra = ("Many viewers say the twist changed how they saw the whole film; the crew is losing hours "
             "of memory every night.")
    text = add_line(STATION_PAGE, "A cerebral crowd-pleaser", extra)
    assert rules(STATION, text) == set()


# ---------------------------------------------------------------- structure

def test_unknown_heading_is_a_warning_and_its_text_is_checked():
    text = HARBOUR_PAGE.replace("## How to Watch", "## Trivia Corner\nIt was shot in 31 days.\n\n## How to Watch")
    warn = rules(HARBOUR, text, "warning")
    assert ("page.unknown_heading", "Trivia Corner") in warn
    flags = check_page(HARBOUR, text)
    f = next(f for f in flags if f.excerpt == "31 days")
    assert f.severity == "error" and f.section is None


def test_emoji_and_dash_variants_of_headings_are_known():
    text = HARBOUR_PAGE.replace("## Plot Summary — Badly Explained", "## 😅 plot summary - badly explained!")
    page = parse_page(text)
    assert "badly_explained" in [s.id for s in page.sections]
    assert rules(HARBOUR, text, "warning") == set()


def test_empty_section():
    text = HARBOUR_PAGE.replace("Stream it on MUBI or BFI Player, or buy the Blu-ray.\n", "")
    flags = check_page(HARBOUR, text)
    f = next(f for f in flags if f.rule == "structure.empty_section")
    lines = text.split("\n")
    assert f.severity == "error" and f.section == "how_to_watch" and lines[f.line - 2] == "## How to Watch"


def test_list_section_without_items():
    text = HARBOUR_PAGE.replace('- "Low Tide" – Lars Øberg\n- "The Last Ferry" – Lars Øberg',
                                "Here are some notable tracks:")
    assert ("structure.list_items", "Here are some notable tracks:") in rules(HARBOUR, text)


def test_faq_answer_without_question_and_question_without_answer():
    text = HARBOUR_PAGE.replace("## FAQ\n", "## FAQ\nIt was filmed in Cornwall.\n")
    assert ("structure.faq_question", "It was filmed in Cornwall.") in rules(HARBOUR, text)
    text = HARBOUR_PAGE.replace("It runs 98 minutes, or an hour and 38 minutes.\n", "")
    assert ("structure.faq_answer", "How long is The Quiet Harbour?") in rules(HARBOUR, text)
    text = HARBOUR_PAGE.replace("### How long is The Quiet Harbour?", "### The running time")
    assert ("structure.faq_question", "The running time") in rules(HARBOUR, text, "warning")


@pytest.mark.parametrize("sentence,name", [
    ("Tomás and a scientist argue about water.", "Tomás"),
    ("A grumpy García argues with a scientist.", "García"),
    ("A boat enthusiast argues with a scientist in the Quiet Harbour.", "Harbour"),
])
def test_badly_explained_names(sentence, name):
    text = HARBOUR_PAGE.replace(
        "A grumpy boat enthusiast and a scientist argue about whether water can keep a secret for an entire movie.",
        sentence)
    assert ("structure.badly_explained_names", name) in rules(HARBOUR, text)


def test_badly_explained_one_sentence():
    text = HARBOUR_PAGE.replace("for an entire movie.", "for an entire movie. Then it rains.")
    assert any(r == "structure.badly_explained_sentences" for r, _ in rules(HARBOUR, text, "warning"))


def test_synopsis_parts_warning():
    text = HARBOUR_PAGE.replace("### The Storm\n", "").replace("### Warnings\n", "")
    assert any(r == "structure.synopsis_parts" for r, _ in rules(HARBOUR, text, "warning"))


def test_section_without_facts():
    text = STATION_PAGE.replace("## FAQ", "## Soundtrack\n- \"Orbit\" – Hildur Sigurðardóttir\n\n## FAQ")
    assert any(r == "structure.no_facts" for r, _ in rules(STATION, text))


def test_consistency_between_sections():
    text = HARBOUR_PAGE.replace("It runs 98 minutes, or an hour and 38 minutes.",
                                "It runs just under two hours.")
    warn = rules(HARBOUR, text, "warning")
    assert any(r == "consistency.figure" for r, _ in warn)
    assert rules(HARBOUR, text) == set()


def test_page_parser_lines_and_sections():
    page = parse_page("# T (2000)\n\n## Quick Overview\n- a\n\n## FAQ\n### Q?\nA.\n")
    assert page.title == "T" and page.year == 2000
    assert [(s.id, s.line.no) for s in page.sections] == [("overview", 3), ("faq", 6)]
    faq = page.sections[1]
    assert faq.subsections[0].heading == "Q?" and [ln.no for ln in faq.subsections[0].body] == [8]
