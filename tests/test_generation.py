"""Generation that fixes itself: retries on faults, re-asks, budgets, cache, concurrency, policies."""
import asyncio
import time

import pytest

from authoring import policy
from authoring.cache import Cache
from authoring.facts import load_facts
from authoring.llm import Settings
from authoring.pipeline import generate
from authoring.sections import SECTIONS
from tests.conftest import EXAMPLE, ROOT, SECRET
from tests.fake_openai import drop, error, hang, invalid_json_200, json_content, slow_drip

FACTS = load_facts(EXAMPLE).facts
MODEL = [s for s in SECTIONS.values() if s.output]


def settings_for(server, **kw):
    base = dict(base_url=server.base_url, api_key=SECRET, model="test-model", timeout=2.0, retries=3,
                retry_seconds=20.0)
    return Settings(**(base | kw))


def run(server, sections, cache=None, facts=FACTS, **kw):
    return asyncio.run(generate(facts, settings_for(server, **kw), sections, cache or Cache(None)))


def section_name(body):
    return body["response_format"]["json_schema"]["name"]


@pytest.mark.parametrize("fault", [
    error(429, "slow down", headers={"Retry-After": "1"}),
    error(500, "boom"), error(503, "overloaded"),
    drop(), invalid_json_200(), hang(), slow_drip(6.0),
], ids=["429-retry-after", "500", "503", "dropped", "invalid-json-200", "hang", "slow-drip"])
def test_transient_fault_then_success_completes_the_section(fake, fault):
    fake.push(fault)
    started = time.perf_counter()
    result = run(fake, [SECTIONS["faq"]])["faq"]
    assert result.body, result.problems
    assert result.usage.calls == 2 and result.usage.retries == 1 and result.attempts == 1
    assert time.perf_counter() - started < 10


def test_retry_after_is_honoured(fake):
    fake.push(error(429, "slow down", headers={"Retry-After": "2"}))
    started = time.perf_counter()
    assert run(fake, [SECTIONS["faq"]])["faq"].body
    assert time.perf_counter() - started >= 2.0


def test_a_server_that_keeps_failing_ends_in_a_failed_section_not_a_hang(fake):
    fake.handler = lambda body: error(500, "down") if section_name(body) == "faq" else None
    started = time.perf_counter()
    results = run(fake, [SECTIONS["faq"], SECTIONS["ending"]], retries=2)
    assert results["faq"].body is None and "server error 500 after 3 tries" in results["faq"].problems[-1]
    assert results["ending"].body  # one bad section never kills the others
    assert time.perf_counter() - started < 15


def test_reask_succeeds_on_the_second_attempt_with_the_failure_in_the_prompt(fake):
    fake.push(json_content({"entries": []}))
    result = run(fake, [SECTIONS["faq"]])["faq"]
    assert result.attempts == 2 and result.body
    second = fake.chat_requests[1]["messages"]
    assert second[-2]["role"] == "assistant" and second[-2]["content"] == '{"entries": []}'
    assert "entries" in second[-1]["content"] and "problems" in second[-1]["content"]


def test_exhausted_attempts_keep_the_best_attempt_with_its_flags(fake):
    # every attempt names a person the facts do not know; the fewest-flag attempt is kept
    answers = iter([
        {"sentence": "Peter Travers and Janet Jackson and Tom Hanks walk into a casino and order everything."},
        {"sentence": "A tired man named Tom Hanks moves to the desert to drink and meets a kind stranger."},
        {"sentence": "Peter Travers and Janet Jackson move to the desert and forget to stop drinking ever."},
    ])
    fake.handler = lambda body: json_content(next(answers))
    result = run(fake, [SECTIONS["badly_explained"]])["badly_explained"]
    assert result.attempts == 3
    assert "Tom Hanks" in result.body and "Travers" not in result.body
    assert result.errors >= 1 and all(f["section"] == "badly_explained" for f in result.flags)


def test_token_budget_stops_reasking(fake):
    fake.handler = lambda body: json_content({"entries": []}, usage=(900, 300))
    result = run(fake, [SECTIONS["faq"]], section_tokens=1000)["faq"]
    assert result.attempts == 1 and result.body is None
    assert any("token budget" in p for p in result.problems)


def test_usage_sums_failed_attempts(fake):
    fake.push(json_content({"entries": []}, usage=(100, 10)))
    fake.handler = lambda body: None
    result = run(fake, [SECTIONS["faq"]])["faq"]
    assert result.usage.prompt_tokens >= 100 and result.usage.calls == 2


def test_sections_run_concurrently(fake):
    run(fake, MODEL)  # warm-up: imports and the facts index are built once per process
    fake.latency = 0.3
    started = time.perf_counter()
    results = run(fake, MODEL, concurrency=len(MODEL))
    wall = time.perf_counter() - started
    total = sum(r.usage.seconds for r in results.values())
    assert total >= 0.3 * len(MODEL)
    assert wall < total / 3, (wall, total)
    assert fake.max_in_flight >= len(MODEL) // 2


def test_concurrency_limit_is_respected(fake):
    fake.latency = 0.1
    run(fake, MODEL, concurrency=2)
    assert fake.max_in_flight <= 2


def test_cache_hits_and_invalidation(fake, tmp_path, monkeypatch):
    cache = Cache(tmp_path / "cache")
    run(fake, MODEL, cache)
    first = fake.count("/v1/chat/completions")
    run(fake, MODEL, cache)
    assert fake.count("/v1/chat/completions") == first  # unchanged inputs: no call
    # a changed prompt template invalidates exactly the section that uses it
    # (an editor's folder holding only faq.md.j2: it takes precedence, _base.md.j2 comes from the package)
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    template = (ROOT / "authoring" / "prompts" / "faq.md.j2").read_text()
    assert "Write 3 to 6" in template
    (prompts / "faq.md.j2").write_text(template.replace("Write 3 to 6", "Write 4 to 6"))
    monkeypatch.setenv("AUTHORING_PROMPTS", str(prompts))
    run(fake, MODEL, cache)
    asked = [section_name(b) for b in fake.chat_requests[first:]]
    assert asked == ["faq"]
    # a changed fact invalidates exactly the sections that read it
    changed = FACTS.model_copy(update={"trivia": FACTS.trivia + ["The film had a small crew."]})
    run(fake, MODEL, cache, facts=changed)
    asked = [section_name(b) for b in fake.chat_requests[first + 1:]]
    assert asked == ["behind_the_scenes"]


def test_cache_ignores_a_corrupt_entry(fake, tmp_path):
    cache = Cache(tmp_path / "cache")
    run(fake, [SECTIONS["faq"]], cache)
    for f in (tmp_path / "cache").glob("*.jsonl"):
        f.write_text("{not json\n" + f.read_text()[:40] + "\n")
    run(fake, [SECTIONS["faq"]], Cache(tmp_path / "cache"))  # the next command reads the damaged file
    assert fake.count("/v1/chat/completions") == 2


def test_fix_policy_repairs_a_wrong_figure_without_a_reask(fake):
    fake.handler = lambda body: json_content({"entries": [
        {"question": "How long is the film?", "answer": "It runs 2h 11min."},
        {"question": "Who directed it?", "answer": "Mike Figgis directed it."},
        {"question": "Where is it set?", "answer": "It is set in Las Vegas."}]})
    result = run(fake, [SECTIONS["faq"]], policies={"numbers.*": "fix"})["faq"]
    assert result.attempts == 1, result.problems
    assert "2h 11min" not in result.body and "1h 51min" in result.body
    result = run(fake, [SECTIONS["faq"]], policies={"numbers.*": "flag"})["faq"]
    assert result.attempts == 1 and "2h 11min" in result.body and result.errors >= 1


def test_policy_patterns_most_specific_wins(tmp_path):
    rules = {"*": "flag", "numbers.*": "fix", "numbers.unsupported": "reask"}
    assert policy.action("people.unknown", rules) == "flag"
    assert policy.action("numbers.runtime", rules) == "fix"
    assert policy.action("numbers.unsupported", rules) == "reask"
    assert policy.action("anything", {}) == "reask"
    bad = tmp_path / "authoring.toml"
    bad.write_text('[policy]\n"numbers.*" = "ignore"\n')
    with pytest.raises(policy.PolicyError, match="must be one of"):
        policy.load(bad)


def test_the_reask_names_each_error_and_what_the_facts_hold(fake):
    """On the wire: the second request carries the first answer and, for each error
    flag, what was wrong, the words at fault and the facts' value."""
    first = {"entries": [
        {"question": "How long is the film?", "answer": "It runs 2h 11min."},
        {"question": "Who directed it?", "answer": "Nicolas Cage directed it."},
        {"question": "What did it cost?", "answer": "It cost $36 million to make."}]}
    fake.push(json_content(first))
    result = run(fake, [SECTIONS["faq"]])["faq"]
    assert result.attempts == 2 and result.body
    assert len(fake.chat_requests) == 2
    asked, reask = fake.chat_requests[1]["messages"][-2:]
    assert asked["role"] == "assistant" and "2h 11min" in asked["content"]
    assert reask["role"] == "user"
    lines = reask["content"].split("\n")
    for wrote, held, what in (("2h 11min", "1h 51min", "runtime"), ("Nicolas Cage", "Mike Figgis", "director"),
                              ("$36 million", "$3.6 million", "budget")):
        line = next((ln for ln in lines if repr(wrote) in ln), None)
        assert line is not None, (wrote, reask["content"])
        assert what in line and f"The facts hold: {held}." in line, line
