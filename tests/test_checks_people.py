"""People and roles: unknown and near-miss names, accents, initials,
hyphens, possessives; actors paired with the wrong character; people credited
with a role they do not have; critics with the wrong outlet."""
from __future__ import annotations

import pytest

from authoring.checks import check_page
from tests.test_checks_common import (HARBOUR_FACTS, HARBOUR_PAGE, STATION_FACTS, STATION_PAGE, add_line,
                                      assert_excerpts_on_lines, facts_from)

HARBOUR = facts_from(HARBOUR_FACTS)
STATION = facts_from(STATION_FACTS)


def errors_on(facts, page, sentence, after):
    text = add_line(page, after, sentence)
    no = text.split("\n").index(sentence) + 1
    flags = check_page(facts, text)
    assert_excerpts_on_lines(text, flags)
    return [f for f in flags if f.line == no and f.severity == "error"]


H_AFTER = "Slow, salty and quietly devastating"

OK = [
    "Jose Garcia and Amelie Durand make a fine pair.",          # accents dropped
    "J. K. Moreau, JK Moreau and J.K. Moreau are one person.",  # initials
    "Anna-Lena Schmidt's Inge is the film's heart.",            # hyphen, possessive actor + character
    "García's restraint and Schmidt's curiosity carry it.",     # surnames, possessives
    "Sarah O'Connell and Sarah O’Connell are the same.",        # apostrophes
    "Inge and Tomás argue; Maggie watches.",                    # character first names
    "Then Tomás goes back out.",                                # sentence-initial word before a name
    "Filmed in Porthcurno, Cornwall, on the Cornish coast.",    # places from the facts
    "Available on MUBI, BFI Player and Blu-ray in the United Kingdom.",
    "Fans of Manchester by the Sea will feel at home.",         # a similar film's title
    "Mark Kermode of The Observer liked it.",                   # critic with the right outlet
    "José García plays Tomás Reyes, and Anna-Lena Schmidt plays Inge.",
    "Tomás (José García) and Inge (Anna-Lena Schmidt) are the leads.",
    "Amélie Durand directed it and co-wrote it with Pieter van der Berg.",
    "Lars Øberg composed the score; Mei Tanaka was the director of photography.",
    "Director Amélie Durand and composer Lars Øberg worked together again.",
    "Father Aldous, the town's priest, is played by J. K. Moreau.",
    "Domestic Gross: not the point.",
]

BAD = [
    ("Jose Garsia is superb.", "people.unknown", "Jose Garsia"),
    ("Mark Kermode and Peter Bradshaw both liked it.", "people.unknown", "Peter Bradshaw"),
    ("Then Bill Nighy turns up.", "people.unknown", "Bill Nighy"),
    ("Sarah O'Donnell is wonderful as Maggie.", "people.unknown", "Sarah O'Donnell"),
    ("Tomás (Anna-Lena Schmidt) is the lead.", "roles.actor_character", "Tomás (Anna-Lena Schmidt)"),
    ("José García plays Father Aldous.", "roles.actor_character", "José García plays Father Aldous"),
    ("Maggie Reyes, played by J. K. Moreau, runs the café.", "roles.actor_character", "Maggie Reyes, played by J. K. Moreau"),
    ("Lars Øberg directed it.", "roles.director", "Lars Øberg"),
    ("It was written by Mei Tanaka.", "roles.writer", "Mei Tanaka"),
    ("The score was composed by Amélie Durand.", "roles.composer", "Amélie Durand"),
    ("José García, who also wrote the script, is superb.", "roles.writer", "José García"),
    ("Cinematographer Lars Øberg shot it on film.", "roles.cinematographer", "Lars Øberg"),
    ("Mark Kermode of The Times liked it.", "roles.critic_outlet", "The Times"),
    ("Wendy Ide (The Observer) liked it.", "roles.critic_outlet", "The Observer"),
]


@pytest.mark.parametrize("sentence", OK)
def test_known_people_pass(sentence):
    assert errors_on(HARBOUR, HARBOUR_PAGE, sentence, H_AFTER) == []


@pytest.mark.parametrize("sentence,rule,excerpt", BAD)
def test_wrong_people_are_flagged(sentence, rule, excerpt):
    got = errors_on(HARBOUR, HARBOUR_PAGE, sentence, H_AFTER)
    assert any(f.rule == rule and f.excerpt == excerpt for f in got), [(f.rule, f.excerpt) for f in got]


def test_near_miss_suggests_the_facts_name():
    got = errors_on(HARBOUR, HARBOUR_PAGE, "Jose Garsia is superb.", H_AFTER)
    assert got[0].expected == "José García" and "did you mean" in got[0].message


def test_faq_who_question_checks_the_role():
    text = HARBOUR_PAGE.replace("### Who composed the music?\nLars Øberg", "### Who composed the music?\nMei Tanaka")
    flags = check_page(HARBOUR, text)
    assert any(f.rule == "roles.composer" and f.excerpt == "Mei Tanaka" for f in flags)


def test_author_may_be_said_to_write_the_book():
    sentence = "Tomás Reyes Senior wrote the memoir the film is based on."
    assert errors_on(HARBOUR, HARBOUR_PAGE, sentence, H_AFTER) == []


def test_characters_are_not_credited():
    # a character who "writes" in the story is not a credit claim
    sentence = "Helen writes everything down and Sunny directs the repairs."
    assert errors_on(STATION, STATION_PAGE, sentence, "Grace Liu anchors") == []


def test_names_mixed_from_two_people():
    got = errors_on(HARBOUR, HARBOUR_PAGE, "Wendy Kermode disliked it.", H_AFTER)
    assert any(f.rule == "people.unknown" for f in got)


def test_character_paired_with_someone_not_in_the_cast():
    got = errors_on(HARBOUR, HARBOUR_PAGE, "- Inge Volk (Mei Tanaka): a biologist.", H_AFTER)
    assert [(f.rule, f.excerpt) for f in got] == [("roles.actor_character", "Inge Volk (Mei Tanaka)")]


def test_critic_given_another_critics_view():
    text = HARBOUR_PAGE.replace("- Wendy Ide of The Times admired the photography but found the final act rushed.",
                                "- Mark Kermode admired the photography but found the final act rushed.")
    flags = check_page(HARBOUR, text)
    assert any(f.rule == "roles.critic_review" and f.excerpt == "Mark Kermode" for f in flags)


def test_soundtrack_artist():
    text = HARBOUR_PAGE.replace('- "Low Tide" – Lars Øberg', '- "Low Tide" – José García')
    assert any(f.rule == "roles.track_artist" and f.excerpt == "José García" for f in check_page(HARBOUR, text))


def test_nickname_in_the_facts_name():
    facts = facts_from('title: T\nyear: 2000\ncast:\n  - {actor: Ann Lee, character: "Jean-Paul \\"JP\\" Arnaud"}\n')
    page = '# T (2000)\n\n## Cast & Characters\n- Jean-Paul "JP" Arnaud (Ann Lee): a doorman. JP and Arnaud.\n'
    assert [f for f in check_page(facts, page) if f.severity == "error"] == []
    bad = page.replace("(Ann Lee)", "(Anne Leigh)")
    assert any(f.rule == "people.unknown" for f in check_page(facts, bad))
