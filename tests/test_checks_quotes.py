"""Quotes: verbatim lines and review excerpts pass in any quotation marks
(straight, curly, single, guillemets), with apostrophe, dash, ellipsis and case
differences; altered, invented and summary-as-quote text is flagged, and so is
a line given to the wrong speaker."""
from __future__ import annotations

import pytest

from authoring.checks import check_page
from tests.test_checks_common import HARBOUR_FACTS, HARBOUR_PAGE, add_line, assert_excerpts_on_lines, facts_from

FACTS = facts_from(HARBOUR_FACTS)
AFTER = "- Father Aldous: ‘Some things"


def errors_on(sentence):
    text = add_line(HARBOUR_PAGE, AFTER, sentence)
    no = text.split("\n").index(sentence) + 1
    flags = check_page(FACTS, text)
    assert_excerpts_on_lines(text, flags)
    return [f for f in flags if f.line == no and f.severity == "error"], [f for f in flags if f.line == no]


OK = [
    '- Tomás: "The sea doesn\'t forget. It just stops talking." He means it.',
    "- Tomás: “The sea doesn’t forget. It just stops talking.” He means it.",
    "- Tomás: «The sea doesn't forget. It just stops talking.»",
    "- Tomás: 'The sea doesn't forget. It just stops talking.'",
    "- Tomás: ‘The sea doesn’t forget. It just stops talking.’",
    '- Tomás: "the sea doesn\'t forget…  It just stops talking"',
    '- Tomás says the sea "just stops talking".',                  # an exact part of the line
    '- "Every silence has a shape," Inge tells him.',              # comma inside, speaker after
    '- Inge Volk: "Every silence has a shape, Mr. Reyes."',
    '- Mark Kermode called it "a haunting, salt-stung chamber piece that earns every one of its silences."',
    '- Kermode: “A haunting, salt-stung chamber piece … earns every one of its silences.”',
    '- Fans of "Manchester by the Sea" and the song "Low Tide" will like it.',   # titles
    "- Tomás’s sister doesn’t talk; the town's rock 'n' roll days are gone.",    # apostrophes only
]

BAD = [
    ('- Tomás: "The sea never forgets. It just stops talking."', "quotes.not_verbatim"),
    ('- Tomás: “The sea doesn’t forget.  It stops talking.”', "quotes.not_verbatim"),
    ('- Inge: "Nobody here tells the truth."', "quotes.unsourced"),
    ("- Father Aldous: ‘Leave the bay alone, child.’", "quotes.unsourced"),
    ('- Wendy Ide wrote that "the final act is rushed".', "quotes.unsourced"),
    ('- Wendy Ide "admired the photography but found the final act rushed".', "quotes.review_summary"),
    ('- Kermode "praised García\'s restraint".', "quotes.review_summary"),
    ('- Father Aldous: "Every silence has a shape, Mr. Reyes."', "quotes.speaker"),
    ('- Wendy Ide called it "a haunting, salt-stung chamber piece".', "quotes.speaker"),
]


@pytest.mark.parametrize("sentence", OK)
def test_verbatim_quotes_pass(sentence):
    errs, _ = errors_on(sentence)
    assert errs == []


@pytest.mark.parametrize("sentence,rule", BAD)
def test_bad_quotes_are_flagged(sentence, rule):
    errs, _ = errors_on(sentence)
    assert any(f.rule == rule for f in errs), [(f.rule, f.excerpt) for f in errs]


def test_not_verbatim_names_the_real_line():
    errs, _ = errors_on('- Tomás: "The sea never forgets. It just stops talking."')
    f = next(f for f in errs if f.rule == "quotes.not_verbatim")
    assert f.expected == "The sea doesn't forget. It just stops talking."
    assert f.excerpt == "The sea never forgets. It just stops talking."


def test_other_fact_text_in_quotes_is_only_a_warning():
    errs, flags = errors_on('- Content: "Mild language" and "themes of grief".')
    assert errs == [] and any(f.rule == "quotes.not_a_quote" for f in flags)


def test_unclosed_quote_runs_to_the_end_of_the_line():
    errs, _ = errors_on("- Wendy Ide: “A triumph of mood over plot, and a film to savour.")
    assert errs and errs[0].rule == "quotes.unsourced" and errs[0].excerpt.startswith("A triumph")


def test_no_quotes_in_facts_means_no_quotation_marks():
    facts = facts_from("title: T\nyear: 2000\n")
    flags = check_page(facts, '# T (2000)\n\n## Reviews\nCritics called it "a triumph".\n')
    assert any(f.rule == "quotes.unsourced" and f.excerpt == "a triumph" for f in flags)
