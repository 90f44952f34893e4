"""Awards (body aliases, category, year, result, recipient, counts) and the
source (based_on kind, title, author; no source at all)."""
from __future__ import annotations

import pytest

from authoring.checks import check_page
from tests.test_checks_common import (DEV, HARBOUR_FACTS, HARBOUR_PAGE, STATION_FACTS, STATION_PAGE, add_line,
                                      assert_excerpts_on_lines, facts_from)

HARBOUR = facts_from(HARBOUR_FACTS)   # BAFTA won (no recipient); Golden Globe nominated (García); Oscar nominated (Øberg)
STATION = facts_from(STATION_FACTS)   # Oscars: VFX won, Sound Mixing won, Picture nominated; Saturn won; no based_on


def errors_on(facts, page, sentence, after):
    text = add_line(page, after, sentence)
    no = text.split("\n").index(sentence) + 1
    flags = check_page(facts, text)
    assert_excerpts_on_lines(text, flags)
    return [f for f in flags if f.line == no and f.severity == "error"]


H_AFTER = "Slow, salty and quietly devastating"

OK = [
    "It won the BAFTA for Outstanding British Film in 2013.",
    "It took home the British Academy Film Award for Outstanding British Film.",
    "José García was nominated for the Golden Globe for Best Actor – Drama.",
    "García earned a Golden Globe nomination, and Lars Øberg an Oscar nomination.",
    "Lars Øberg's score was nominated for the Academy Award for Best Original Score at the 2013 ceremony.",
    "The Oscar-nominated score is by Lars Øberg.",
    "The film received three award nominations and won one.",
    "BAFTA winner for Outstanding British Film (2013).",
]

BAD = [
    ("It was nominated for the BAFTA for Outstanding British Film.", "awards.result", "nominated"),
    ("José García won the Golden Globe for Best Actor – Drama.", "awards.result", "won"),
    ("Lars Øberg won the Oscar for Best Original Score.", "awards.result", "won"),
    ("It won the BAFTA for Outstanding British Film in 2012.", "awards.year", "2012"),
    ("Anna-Lena Schmidt was nominated for the Golden Globe for Best Actor – Drama.", "awards.recipient",
     "Anna-Lena Schmidt"),
    ("It was nominated for the Academy Award for Best Cinematography.", "awards.unknown", "Best Cinematography"),
    ("It also won a Screen Actors Guild Award.", "awards.unknown", "Screen Actors Guild Award"),
    ("Oscar winner José García leads the cast.", "awards.recipient", "José García"),
    ("It was nominated for a Golden Globe for Best Original Score.", "awards.unknown", "Best Original Score"),
]


@pytest.mark.parametrize("sentence", OK)
def test_true_award_claims_pass(sentence):
    assert errors_on(HARBOUR, HARBOUR_PAGE, sentence, H_AFTER) == []


@pytest.mark.parametrize("sentence,rule,excerpt", BAD)
def test_false_award_claims_are_flagged(sentence, rule, excerpt):
    got = errors_on(HARBOUR, HARBOUR_PAGE, sentence, H_AFTER)
    assert any(f.rule == rule and f.excerpt == excerpt for f in got), [(f.rule, f.excerpt) for f in got]


def test_award_counts():
    after = "Grace Liu anchors"
    assert errors_on(STATION, STATION_PAGE, "It won two Oscars and a Saturn Award.", after) == []
    assert errors_on(STATION, STATION_PAGE, "It earned three Academy Award nominations.", after) == []
    got = errors_on(STATION, STATION_PAGE, "It won three Oscars.", after)
    assert any(f.rule == "numbers.count" and f.excerpt == "three" for f in got)


def test_no_awards_in_facts():
    facts = facts_from("title: T\nyear: 2000\n")
    flags = check_page(facts, "# T (2000)\n\n## Reviews\nAn Oscar-winning drama that won Best Picture.\n")
    assert {f.rule for f in flags if f.severity == "error"} >= {"awards.none"}


SOURCE_OK = [
    "It is adapted from Salt and Silence, a memoir by Tomás Reyes Senior.",
    "It is based on the memoir Salt and Silence by Tomás Reyes Senior.",
    "It is based on a book by Tomás Reyes Senior.",
    "The film adapts Tomás Reyes Senior's memoir.",
]
SOURCE_BAD = [
    ("It is based on the novel Salt and Silence by Tomás Reyes Senior.", "source.kind", "novel"),
    ("It is adapted from a stage play.", "source.kind", "stage play"),
    ("It is adapted from Salt and Sorrow, a memoir.", "source.title", "Salt and Sorrow"),
    ("It is based on a memoir by Amélie Durand.", "source.author", "Amélie Durand"),
]


@pytest.mark.parametrize("sentence", SOURCE_OK)
def test_true_source_claims_pass(sentence):
    assert errors_on(HARBOUR, HARBOUR_PAGE, sentence, H_AFTER) == []


@pytest.mark.parametrize("sentence,rule,excerpt", SOURCE_BAD)
def test_false_source_claims_are_flagged(sentence, rule, excerpt):
    got = errors_on(HARBOUR, HARBOUR_PAGE, sentence, H_AFTER)
    assert any(f.rule == rule and f.excerpt == excerpt for f in got), [(f.rule, f.excerpt) for f in got]


def test_source_claimed_without_based_on():
    after = "Grace Liu anchors"
    assert errors_on(STATION, STATION_PAGE, "It is not based on a book; it is an original screenplay.", after) == []
    got = errors_on(STATION, STATION_PAGE, "It is based on a short story by Lucía Fernández.", after)
    assert any(f.rule == "source.none" for f in got)
    text = STATION_PAGE.replace("No, it is an original screenplay.", "Yes.")
    assert any(f.rule == "source.none" and f.excerpt == "Yes" for f in check_page(STATION, text))


def test_llv_book_and_memoir():
    from authoring.facts import load_facts
    case = DEV / "leaving-las-vegas-1995"
    facts = load_facts(case / "facts.yaml").facts
    clean = (case / "page.md").read_text(encoding="utf-8")
    book = clean.replace("adapted from the novel Leaving Las Vegas", "adapted from the book Leaving Las Vegas")
    assert [f for f in check_page(facts, book) if f.severity == "error"] == []
