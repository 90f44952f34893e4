"""Generate the model-made sections: each one a chain of calls (ask, validate,
check, re-ask with the failures), all chains at once under one concurrency limit."""
from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Callable

from pydantic import ValidationError

from . import policy, prompting
from .cache import Cache
from .checks import check_page
from .facts import Facts
from .llm import Model, Reply, Settings, Usage, open_client
from .sections import Section

Progress = Callable[[str, str], None]


@dataclass
class Result:
    section: Section
    body: str | None = None             # rendered Markdown; None when no attempt was usable
    output: dict | None = None
    flags: list[dict] = field(default_factory=list)
    attempts: int = 0
    cached: int = 0                     # attempts answered from the cache
    usage: Usage = field(default_factory=Usage)
    problems: list[str] = field(default_factory=list)  # why attempts were rejected
    seconds: float = 0.0

    @property
    def errors(self) -> int:
        return sum(1 for f in self.flags if f["severity"] == "error")


def section_flags(facts: Facts, section: Section, body: str) -> list[dict]:
    """The fact rules run on this section alone (the whole page is checked after assembly)."""
    page = f"# {facts.title} ({facts.year})\n\n## {section.heading}\n{body}\n"
    return [f.to_dict() for f in check_page(facts, page) if f.section == section.id]


def _feedback(problem: str | None, flags: list[dict]) -> str:
    lines = [f"- {problem}"] if problem else []
    for f in flags:
        if f["severity"] == "error":
            held = f" The facts hold: {f['expected']}." if f.get("expected") else ""
            lines.append(f"- {f['message']} (you wrote: {f['excerpt']!r}).{held}")
    return ("Your answer has these problems:\n" + "\n".join(lines) +
            "\nWrite the whole JSON answer again with every problem fixed. Use only the facts given.")


def max_tokens(section: Section, settings: Settings) -> int:
    return min(section.max_tokens or settings.max_tokens, settings.max_tokens)


def request_key(settings: Settings, mode: str, section: Section, messages: list[dict], schema: dict) -> str:
    """The cache key of one request (the Batch API pass files its replies under it too)."""
    return Cache.key(model=settings.model, backend=f"{mode}@{settings.endpoint}", messages=messages, schema=schema,
                     **settings.sampling(max_tokens(section, settings)))  # the sampling arguments as sent


class Generator:
    def __init__(self, facts: Facts, settings: Settings, client: Model, cache: Cache,
                 progress: Progress = lambda sid, msg: None, limit: asyncio.Semaphore | None = None):
        self.facts, self.settings, self.client, self.cache = facts, settings, client, cache
        self.progress = progress
        self.limit = limit or asyncio.Semaphore(max(1, settings.concurrency))

    async def run(self, sections: list[Section]) -> dict[str, Result]:
        results = await asyncio.gather(*(self.chain(s) for s in sections))
        return {r.section.id: r for r in results}

    async def _ask(self, section: Section, messages: list[dict], schema: dict, result: Result,
                   asked: list[str] | None = None) -> Reply:
        key = None
        if self.cache.root is not None:  # no cache (--no-cache): no key to file the reply under
            key = request_key(self.settings, self.settings.backend.name, section, messages, schema)
            if asked is not None:
                asked.append(key)
            hit = self.cache.get(key, self.facts.slug_or_default)
            if hit is not None:
                result.cached += 1
                return Reply(hit["text"], Usage())
        async with self.limit:
            reply = await self.client.complete(section.id, messages, schema, max_tokens(section, self.settings))
        if key is not None and reply.problem is None:
            self.cache.put(key, {"text": reply.text, "usage": {"prompt_tokens": reply.usage.prompt_tokens,
                                                               "completion_tokens": reply.usage.completion_tokens}},
                           self.facts.slug_or_default)
        return reply

    def _judge(self, section: Section, out) -> tuple[str, dict, list[dict]]:
        """Render and check an output, repairing what the `fix` policy may repair."""
        body, output = section.render(self.facts, out), out.model_dump(mode="json")
        flags = section_flags(self.facts, section, body)
        fixable = [f for f in flags if f["severity"] == "error" and policy.action(f["rule"], self.settings.policies) == "fix"]
        repaired = policy.fix(output, fixable) if fixable else None
        if repaired is not None:
            try:
                out = section.output.model_validate(repaired)
            except ValidationError:
                return body, output, flags
            body, output = section.render(self.facts, out), repaired
            flags = section_flags(self.facts, section, body)
        return body, output, flags

    async def chain(self, section: Section) -> Result:
        facts, s = self.facts, self.settings
        result = Result(section)
        started = time.perf_counter()
        messages = prompting.messages(section, facts)
        schema = s.backend.schema(section.output, section.sizes(facts))
        best: tuple | None = None
        asked: list[str] = []  # the cache keys of this chain's requests
        fault = False
        self.progress(section.id, "started")
        while result.attempts < s.attempts and result.usage.tokens < s.section_tokens:
            result.attempts += 1
            reply = await self._ask(section, messages, schema, result, asked)
            result.usage.add(reply.usage)
            if reply.fault:
                result.problems.append(f"attempt {result.attempts}: {reply.problem}")
                fault = True
                break
            problem, flags, to_reask = reply.problem, [], []
            if problem is None:
                try:
                    out = section.validate(facts, reply.text)
                except (ValidationError, ValueError) as exc:  # JSONDecodeError is a ValueError
                    problem = _schema_problem(exc)
                else:
                    body, output, flags = self._judge(section, out)
                    errors = [f for f in flags if f["severity"] == "error"]
                    if best is None or len(errors) < best[0]:
                        best = (len(errors), body, output, flags)
                    to_reask = [f for f in errors if policy.action(f["rule"], s.policies) != "flag"]
                    if not to_reask:
                        break
            if problem:
                result.problems.append(f"attempt {result.attempts}: {problem}")
            self.progress(section.id, f"attempt {result.attempts} rejected: "
                                      f"{problem or str(len(to_reask)) + ' error flag(s)'}")
            messages = messages + [{"role": "assistant", "content": reply.text or ""},
                                   {"role": "user", "content": _feedback(problem, to_reask)}]
        if best is not None:
            _, result.body, result.output, result.flags = best
        else:
            if result.usage.tokens >= s.section_tokens:
                result.problems.append(f"token budget of {s.section_tokens} spent")
            if not fault:
                # every attempt was answered and none was usable: withdraw those replies so
                # that a rerun asks again. A chain cut by a fault (the server, or a request
                # deferred to the Batch API) keeps them: the rerun goes on where it stopped.
                self.cache.forget(asked, self.facts.slug_or_default)
        result.seconds = time.perf_counter() - started  # wall time, waiting for a slot included
        return result


def _schema_problem(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        parts = []
        for e in exc.errors(include_url=False)[:5]:
            where = ".".join(str(p) for p in e["loc"]) or "answer"
            parts.append(f"{where}: {e['msg']}")
        return "the JSON does not match the schema: " + "; ".join(parts)
    if isinstance(exc, json.JSONDecodeError):
        return f"the reply is not valid JSON: {exc}"
    return f"the JSON does not fit the facts: {exc}"


async def generate(facts: Facts, settings: Settings, sections: list[Section], cache: Cache,
                   progress: Progress = lambda sid, msg: None, *, client: Model | None = None,
                   limit: asyncio.Semaphore | None = None) -> dict[str, Result]:
    """Run every section's chain. A batch passes its own client and limit, shared by all titles."""
    if client is not None:
        return await Generator(facts, settings, client, cache, progress, limit).run(sections)
    async with open_client(settings) as client:
        return await Generator(facts, settings, client, cache, progress, limit).run(sections)
