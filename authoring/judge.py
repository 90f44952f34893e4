"""`authoring check --judge`: the sentences the rules could not settle, tested
against all the facts by the configured model (authoring/prompts/judge.md.j2), one call
per section. It is how an invented relative or a changed event is caught; a
small model makes a poor judge, so it is off by default and its cost is shown."""
from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import Field, ValidationError

from . import prompting
from .checks import Flag
from .checks.page import parse_page
from .facts import Facts, FactsError, load_facts
from .headings import section_id
from .llm import ModelClient, Settings, Usage, modes
from .sections.base import Output, strict_schema

SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+[\"”’')]*|$)")
MIN_WORDS = 4


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


async def _judge_section(client: ModelClient, limit: asyncio.Semaphore, facts: Facts, heading: str,
                         items: list[tuple[int, str]], result: Judged) -> None:
    messages = prompting.render("judge", facts=facts, heading=heading, sentences=[s for _, s in items],
                                data=facts.model_dump(mode="json", exclude_none=True, exclude_defaults=True))
    schema = modes.adapt(client.mode, strict_schema(Verdicts))  # a copy, sized below
    schema["properties"]["verdicts"] |= {"minItems": len(items), "maxItems": len(items)}
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
    client = ModelClient(settings)
    limit = asyncio.Semaphore(max(1, settings.concurrency))  # 1 on the embedded server, which cannot overlap calls
    try:
        await asyncio.gather(*(_judge_section(client, limit, facts, heading, items, result)
                               for heading, items in sentences(facts, text, flags).items()))
    finally:
        await client.close()
    result.flags.sort(key=lambda f: f.line)
    return result


def main(facts_path: str, pages: list[str], as_json: bool, settings: Settings) -> int:
    """`authoring check --judge`: the rules, then the judge on what they left; its cost on stderr."""
    import sys
    from .checks.run import check_files, emit, read_pages
    from .draft import DraftError, endpoint
    from .llm import FatalModelError
    try:
        facts = load_facts(facts_path).facts
    except FactsError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    texts, problems = read_pages(pages)
    for p in problems:
        print(f"authoring check: {p}", file=sys.stderr)
    if problems or not texts:
        return 2
    results = check_files(facts, texts)
    usage, notes = Usage(), []
    try:
        with endpoint(settings) as live:
            for (shown, text), (_, flags) in zip(texts, results):
                judged = asyncio.run(judge(facts, text, flags, live))
                flags.extend(judged.flags)
                usage.add(judged.usage)
                notes += [f"{shown}: {p}" for p in judged.problems]
    except (DraftError, FatalModelError, prompting.PromptError) as exc:
        print(f"authoring check --judge: {exc}", file=sys.stderr)
        return 2
    for note in notes:
        print(f"judge: {note}", file=sys.stderr)
    cost = ""
    if settings.price_in is not None and settings.price_out is not None:
        cost = f", ${(usage.prompt_tokens * settings.price_in + usage.completion_tokens * settings.price_out) / 1e6:.4f}"
    print(f"judge: {usage.calls} calls, {usage.prompt_tokens:,} prompt + {usage.completion_tokens:,} completion "
          f"tokens{cost}, {usage.seconds:.1f}s", file=sys.stderr)
    return emit(results, as_json)
