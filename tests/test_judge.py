"""`authoring check --judge` against the fake model server: verdicts become judge.* flags."""
import json

from typer.testing import CliRunner

from authoring.checks import check_page
from authoring.cli import app
from authoring.facts import load_facts
from authoring.judge import sentences
from tests.conftest import SHARED

CASE = SHARED / "eval" / "dev" / "leaving-las-vegas-1995"
SON = ("Having lost his wife and his job to his drinking", "Having lost his wife, his son and his job to his drinking")


def test_sentences_skip_what_the_rules_already_flagged(tmp_path):
    facts = load_facts(CASE / "facts.yaml").facts
    page = (CASE / "page.md").read_text().replace("Runtime: 1h 51min", "Runtime: 2h 11min")
    found = sentences(facts, page, check_page(facts, page))
    texts = [s for items in found.values() for _, s in items]
    assert "Runtime: 2h 11min" not in texts  # an error flag already covers it
    assert any(s.startswith("Having lost his wife and his job") for s in texts)
    assert "FAQ" in found and "Detailed Plot Synopsis" in found


def test_judge_flags_the_invented_son_and_reports_its_cost(model_env, tmp_path):
    page = tmp_path / "page.md"
    page.write_text((CASE / "page.md").read_text().replace(*SON))

    def handler(body):
        user = body["messages"][1]["content"]
        listed = [line for line in user.splitlines() if line[:1].isdigit() and ". " in line]
        verdicts = [{"verdict": "not_in_facts", "reason": "the facts mention no son"} if "his son" in line
                    else {"verdict": "supported", "reason": "in the facts"} for line in listed]
        from tests.fake_openai import json_content
        return json_content({"verdicts": verdicts})

    model_env.handler = handler
    result = CliRunner().invoke(app, ["check", "--facts", str(CASE / "facts.yaml"), str(page), "--json", "--judge"])
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout[result.stdout.index("{"):])
    judged = [f for f in doc["pages"][0]["flags"] if f["rule"].startswith("judge.")]
    assert len(judged) == 1 and "his son" in judged[0]["excerpt"] and judged[0]["section"] == "faq"
    assert judged[0]["line"] == next(i for i, line in enumerate(page.read_text().splitlines(), 1) if "his son" in line)
    assert "judge:" in result.stderr and "calls" in result.stderr
    body = model_env.chat_requests[0]
    assert "Ben dies from his alcoholism" in body["messages"][1]["content"]  # the judge sees every fact


def test_judge_keeps_to_the_concurrency_limit(model_env, tmp_path, monkeypatch):
    monkeypatch.setenv("AUTHORING_CONCURRENCY", "1")
    model_env.latency = 0.05
    result = CliRunner().invoke(app, ["check", "--facts", str(CASE / "facts.yaml"), str(CASE / "page.md"), "--judge"])
    assert result.exit_code in (0, 1), result.output
    assert model_env.count("/v1/chat/completions") > 3 and model_env.max_in_flight == 1
