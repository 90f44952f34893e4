"""Numbers in any format: dates, years, running times, money, ratings, counts
and other figures, against an invented film (The Quiet Harbour, 2012: 98
minutes, budget GBP 4,500,000, UK 2,100,000, worldwide 9,750,000, IMDb 7.1 from
45,200 votes, RT 88, three awards, three similar films)."""
from __future__ import annotations

import pytest

from authoring.checks import check_page
from tests.test_checks_common import HARBOUR_FACTS, HARBOUR_PAGE, add_line, assert_excerpts_on_lines, facts_from

FACTS = facts_from(HARBOUR_FACTS)


def flags_on_new_line(sentence: str, after: str = "- Cinematographer Mei Tanaka"):
    text = add_line(HARBOUR_PAGE, after, sentence)
    no = text.split("\n").index(sentence) + 1
    flags = check_page(FACTS, text)
    assert_excerpts_on_lines(text, flags)
    return [f for f in flags if f.line == no and f.severity == "error"]


OK = [
    # running time, many formats
    "- It runs 98 minutes.", "- It runs 1h 38min.", "- It runs 1h 38m.", "- It runs 1h38.", "- It runs 1 hr 38 min.",
    "- It runs an hour and 38 minutes.", "- It runs one hour and thirty-eight minutes.", "- Runtime: 1:38.",
    "- A 98-minute drama.", "- It runs about an hour and a half.", "- It runs just under two hours.",
    # release date and year
    "- Released on September 14, 2012.", "- Released on 14 September 2012.", "- Released 2012-09-14.",
    "- Released in September 2012.", "- Released in 2012.", "- It came out in 2012.",
    # money, rounding to the precision written
    "- The budget was £4.5 million.", "- The budget was £4.5m.", "- The budget was £4,500,000.",
    "- The budget was 4.5 million pounds.", "- The budget was GBP 4.5 million.", "- The budget was £4.5-million.",
    "- It was made for about £5 million.", "- It grossed £9.75 million worldwide.", "- It grossed £9.8M worldwide.",
    "- It grossed nearly £10 million worldwide.", "- It took £2.1 million in the UK.",
    "- It took £7.65 million outside the UK, internationally.",
    # ratings and votes
    "- IMDb: 7.1/10 (45K votes).", "- It scores 7.1 out of 10 on IMDb from 45,200 votes.",
    "- An IMDb rating of 7.1.", "- Rotten Tomatoes: 88%.", "- It holds 88% on Rotten Tomatoes.",
    "- Mark Kermode gave it 4/5.", "- Mark Kermode gave it four stars out of five.",
    # counts derived from the facts, number words in the facts
    "- The film lists three similar films.", "- It has four main characters.", "- It won one of its three awards.",
    "- José García spent twenty years preparing, the film says.", "- It was shot over six weeks.",
    "- The score used a 40-piece orchestra.",
    # titles and names with numbers, decades, idioms
    "- Fans of 12 Angry Men (1957) and 2001: A Space Odyssey (1968) will like it.",
    "- It recalls the mood of 1980s British cinema around the 1987 wreck.", "- One of the best dramas of 2012.",
    "- The two find common ground.", "- The first act is slow; the second is not.",
]

BAD = [
    ("- It runs 88 minutes.", "numbers.runtime", "88 minutes"),
    ("- It runs 1h 28min.", "numbers.runtime", "1h 28min"),
    ("- It runs two hours and 38 minutes.", "numbers.runtime", "two hours and 38 minutes"),
    ("- Runtime: 1:48.", "numbers.runtime", "1:48"),
    ("- Released on September 4, 2012.", "numbers.release_date", "September 4, 2012"),
    ("- Released on 14 October 2012.", "numbers.release_date", "14 October 2012"),
    ("- Released 2012-09-15.", "numbers.release_date", "2012-09-15"),
    ("- Released in 2013.", "numbers.year", "2013"),
    ("- It is set in 1994.", "numbers.year", "1994"),
    ("- The budget was £45 million.", "numbers.money", "£45 million"),
    ("- The budget was £4.6 million.", "numbers.money", "£4.6 million"),
    ("- The budget was $4.5 million.", "numbers.money", "$4.5 million"),
    ("- The budget was 4.5 million euros.", "numbers.money", "4.5 million euros"),
    ("- It grossed £9.7 million worldwide.", "numbers.money", "£9.7 million"),
    ("- It grossed £2.1 million worldwide.", "numbers.money", "£2.1 million"),
    ("- Reshoots cost £300,000.", "numbers.money", "£300,000"),
    ("- IMDb: 7.4/10.", "numbers.rating", "7.4/10"),
    ("- It holds 78% on Rotten Tomatoes.", "numbers.rating", "78%"),
    ("- It has 54K votes on IMDb.", "numbers.rating", "54K votes"),
    ("- Metacritic: 80.", "numbers.rating", "80"),
    ("- Mark Kermode gave it 3/5.", "numbers.rating", "3/5"),
    ("- The film lists five similar films.", "numbers.count", "five"),
    ("- It has six main characters.", "numbers.count", "six"),
    ("- It received two BAFTA nominations.", "numbers.count", "two"),
    ("- It was shot in 23 days.", "numbers.unsupported", "23 days"),
    ("- Over 300,000 people saw it.", "numbers.unsupported", "300,000"),
    ("- The crew used seven cameras.", "numbers.unsupported", "seven"),
    ("- 35% of it was improvised.", "numbers.unsupported", "35%"),
]


@pytest.mark.parametrize("sentence", OK)
def test_supported_figures_pass(sentence):
    assert flags_on_new_line(sentence) == []


@pytest.mark.parametrize("sentence,rule,excerpt", BAD)
def test_wrong_figures_are_flagged(sentence, rule, excerpt):
    got = flags_on_new_line(sentence)
    assert any(f.rule == rule and excerpt in f.excerpt for f in got), [(f.rule, f.excerpt) for f in got]


def test_runtime_flag_gives_expected_in_the_written_format():
    got = flags_on_new_line("- It runs 1h 28m.")
    f = next(f for f in got if f.rule == "numbers.runtime")
    assert f.expected == "1h 38m" and f.found == "1h 28m" and "98 minutes" in f.message


def test_similar_film_year_is_checked_against_that_film():
    got = flags_on_new_line("- Manchester by the Sea (2015) is a good companion.")
    assert [(f.rule, f.excerpt, f.expected) for f in got] == [("numbers.year", "2015", "2016")]


def test_title_year_on_the_title_line():
    text = HARBOUR_PAGE.replace("# The Quiet Harbour (2012)", "# The Quiet Harbour (2013)")
    flags = check_page(FACTS, text)
    assert any(f.line == 1 and f.rule.startswith("numbers.") and f.excerpt == "2013" for f in flags)


def test_ordinal_from_the_facts():
    facts = facts_from("title: T\nyear: 2000\ncast:\n  - {actor: Ann Lee, character: Rose, "
                       "description: \"The ship's third in command.\"}\n")
    ok = check_page(facts, "# T (2000)\n\n## Cast & Characters\n- Rose (Ann Lee): the ship's third in command.\n")
    bad = check_page(facts, "# T (2000)\n\n## Cast & Characters\n- Rose (Ann Lee): the ship's second in command.\n")
    assert [f for f in ok if f.severity == "error"] == []
    assert any(f.rule == "numbers.ordinal" and f.excerpt == "second" for f in bad)


def test_no_box_office_in_facts():
    facts = facts_from("title: T\nyear: 2000\n")
    flags = check_page(facts, "# T (2000)\n\n## Quick Overview\nIt cost $5 million to make.\n")
    assert any(f.rule == "numbers.money" and f.excerpt == "$5 million" for f in flags)
