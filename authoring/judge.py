"""`authoring check --judge`: the sentences the rules could not settle, tested
against all the facts by the configured model (authoring/prompts/judge.md.j2), one call
per section. It is how an invented relative or a changed event is caught; a
small model makes a poor judge, so it is off by default and its cost is shown."""
from __future__ import annotations

import asyncio
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError

from . import prompting
from .checks import Flag
from .checks.page import parse_page
from .checks.run import check_files, emit, read_pages
from .facts import Facts, FactsError, load_facts
from .files import BadInput, DraftError
from .folder import load_draft_facts, read_manifest
from .headings import section_id
from .llm import FatalModelError, Model, Settings, Usage, open_client
from .llm.embedded import endpoint
from .sections.base import Output

SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+[\"”’')]*|$)")
MIN_WORDS = 4

RULES = {   # one per verdict other than "supported"
    "judge.contradicted": "the judge finds a sentence contradicts the facts",
    "judge.not_in_facts": "the judge finds a sentence is not in the facts",
}


class Verdict(Output):
    verdict: Literal["supported", "contradicted", "not_in_facts"]
    reason: Annotated[str, Field(max_length=300)]


class Verdicts(Output):
    verdicts: list[Verdict]


@dataclass
class Judged:
    flags: list[Flag] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    problems: list[str] = field(default_factory=list)


def sentences(facts: Facts, text: str, flags: list[Flag]) -> dict[str, list[tuple[int, str]]]:
    """Per section heading: (line, sentence) for each sentence no error flag already covers."""
    flagged: dict[int, list[str]] = {}
    for f in flags:
        if f.severity == "error" and f.excerpt:
            flagged.setdefault(f.line, []).append(f.excerpt)
    page = parse_page(text, facts.title)
    out: dict[str, list[tuple[int, str]]] = {}
    for section in page.sections:
        for line in section.body:
            if line.kind != "text":
                continue
            for match in SENTENCE.finditer(line.text[line.body_start:]):
                sentence = match.group().strip()
                if len(sentence.split()) < MIN_WORDS or any(e in sentence for e in flagged.get(line.no, [])):
                    continue
                out.setdefault(section.heading, []).append((line.no, sentence))
    return out


async def _judge_section(client: Model, settings: Settings, limit: asyncio.Semaphore, facts: Facts, heading: str,
                         items: list[tuple[int, str]], result: Judged) -> None:
    messages = prompting.render("judge", facts=facts, heading=heading, sentences=[s for _, s in items],
                                data=facts.model_dump(mode="json", exclude_none=True, exclude_defaults=True))
    schema = settings.backend.schema(Verdicts, {"verdicts": len(items)})
    async with limit:
        reply = await client.complete("judge", messages, schema)
    result.usage.add(reply.usage)
    if reply.problem:
        result.problems.append(f"{heading}: {reply.problem}")
        return
    try:
        verdicts = Verdicts.model_validate(json.loads(reply.text, strict=False)).verdicts
    except (ValidationError, ValueError) as exc:
        result.problems.append(f"{heading}: the judge's answer did not fit its schema ({str(exc)[:200]})")
        return
    sid = section_id(heading, facts.title)
    for (line, sentence), v in zip(items, verdicts):
        if v.verdict == "supported":
            continue
        what = "contradicts the facts" if v.verdict == "contradicted" else "is not in the facts"
        result.flags.append(Flag(f"judge.{v.verdict}", "error", sid, line, sentence,
                                 f"the judge finds this {what}: {v.reason}", None, sentence))


async def judge(facts: Facts, text: str, flags: list[Flag], settings: Settings) -> Judged:
    result = Judged()
    limit = asyncio.Semaphore(max(1, settings.concurrency))  # 1 on the embedded server, which cannot overlap calls
    async with open_client(settings) as client:
        await asyncio.gather(*(_judge_section(client, settings, limit, facts, heading, items, result)
                               for heading, items in sentences(facts, text, flags).items()))
    result.flags.sort(key=lambda f: f.line)
    return result


def _draft_seed(page: str) -> Facts:
    """The facts a draft folder's page is judged against: the seed its manifest names."""
    folder = Path(page).resolve()
    manifest = read_manifest(folder)
    if manifest is None:
        raise BadInput(f"{folder} has no manifest.json naming its seed: pass --facts FACTS.yaml")
    return load_draft_facts(folder, manifest).facts


def main(facts_path: str | None, pages: list[str], as_json: bool, settings: Settings) -> int:
    """`authoring check --judge`: the rules, then the judge on what they left; its cost on stderr.
    Without facts_path every page is a draft folder, judged against the draft's own seed."""
    try:
        shared = load_facts(facts_path).facts if facts_path else None
    except FactsError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    texts, problems = read_pages(pages)
    for p in problems:
        print(f"authoring check: {p}", file=sys.stderr)
    if problems or not texts:
        return 2
    try:
        seeds = [shared or _draft_seed(given) for given in pages]
    except DraftError as exc:
        print(f"authoring check: {exc}", file=sys.stderr)
        return 2
    results = [result for facts, text in zip(seeds, texts) for result in check_files(facts, [text])]
    usage, notes = Usage(), []
    try:
        with endpoint(settings) as live:
            for facts, (shown, text), (_, flags) in zip(seeds, texts, results):
                judged = asyncio.run(judge(facts, text, flags, live))
                flags.extend(judged.flags)
                usage.add(judged.usage)
                notes += [f"{shown}: {p}" for p in judged.problems]
    except (DraftError, FatalModelError, prompting.PromptError) as exc:
        print(f"authoring check --judge: {exc}", file=sys.stderr)
        return 2
    for note in notes:
        print(f"judge: {note}", file=sys.stderr)
    dollars = settings.cost(usage.prompt_tokens, usage.completion_tokens)
    cost = f", ${dollars:.4f}" if dollars is not None else ""
    print(f"judge: {usage.calls} calls, {usage.prompt_tokens:,} prompt + {usage.completion_tokens:,} completion "
          f"tokens{cost}, {usage.seconds:.1f}s", file=sys.stderr)
    return emit(results, as_json)
