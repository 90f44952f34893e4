"""`authoring batch --batch-api`: the first pass of every model-made section goes
through an OpenAI-style Batch API (cheaper, slower), then the normal drafts run.

How the replies reach the pipeline: the batch results are put into the on-disk
reply cache under exactly the keys the pipeline computes, so the drafts that
follow find the first attempts there; checks, re-asks and the draft folder are
the very same code as without --batch-api.

    1. collect  run every section chain with a recording client: the first
                request each chain would send is written to a JSONL file
                (custom_id = <slug>/<section>) with the cache key it would use
    2. submit   files.create(purpose="batch") + batches.create(endpoint=
                "/v1/chat/completions", completion_window="24h"); at most
                50,000 requests / 180 MB per batch (more become several batches)
    3. wait     batches.retrieve at growing intervals
    4. fill     the output (and error) file, matched by custom_id: every usable
                reply goes into the cache; failed or unusable ones are left to
                direct calls in the drafts
    5. re-asks  direct calls in the drafts (--reask-via direct), or more
                batch rounds of steps 1-4 (--reask-via batch) until no chain
                asks again or the attempts are spent

Submitted batches are remembered in <out>/.batch-api/pending.json until their
results are in the cache: the rerun of an interrupted batch collects them
instead of paying for the same requests twice.
"""
from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import openai
from openai.types.chat import ChatCompletion
from pydantic import ValidationError

from .cache import Cache
from .facts import Facts, FactsError, load_facts
from .files import write_atomic
from .llm import FatalModelError, ModelClient, Reply, Settings, Usage, describe_transient, is_transient, request
from .pipeline import generate, max_tokens, request_key
from .sections import SECTIONS, plan

MAX_REQUESTS = 50_000          # per batch (OpenAI's limit)
MAX_BYTES = 180 * 1024 * 1024  # per input file (OpenAI allows 200 MB)
STATE_DIR = ".batch-api"
TERMINAL = ("completed", "failed", "expired", "cancelled")
POLL_MAX = 60.0
REASK_VIA = ("direct", "batch")


class BatchApiError(Exception):
    """The Batch API cannot be used for this run; the message says why and what to do."""


@dataclass
class Outcome:
    rounds: int = 0
    batches: list[str] = field(default_factory=list)
    requests: int = 0
    answered: int = 0       # usable replies put into the cache
    unusable: int = 0       # replies that came back cut off, refused or empty (left to direct calls)
    failed: int = 0         # requests the provider failed or never answered (left to direct calls)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    usage_by_slug: dict[str, list[int]] = field(default_factory=dict)  # slug -> [prompt, completion, requests]
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return {"rounds": self.rounds, "batches": self.batches, "requests": self.requests,
                "answered": self.answered, "unusable": self.unusable, "failed": self.failed,
                "prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens}


# ---------------------------------------------------------------- request files

@dataclass
class Chunk:
    path: Path          # the JSONL requests
    map_path: Path      # custom_id <TAB> cache key, one a line
    count: int = 0
    size: int = 0


class RequestFiles:
    """Batch input files of at most MAX_REQUESTS lines / MAX_BYTES, written as requests come."""

    def __init__(self, folder: Path, prefix: str, max_requests: int = MAX_REQUESTS, max_bytes: int = MAX_BYTES):
        self.folder, self.prefix = folder, prefix
        self.max_requests, self.max_bytes = max_requests, max_bytes
        self.chunks: list[Chunk] = []
        self._files = None
        self.titles: set[str] = set()

    def add(self, custom_id: str, key: str, body: dict) -> None:
        line = json.dumps({"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions", "body": body},
                          ensure_ascii=False).encode() + b"\n"
        chunk = self.chunks[-1] if self.chunks else None
        if chunk is None or chunk.count >= self.max_requests or chunk.size + len(line) > self.max_bytes:
            self._close_files()
            self.folder.mkdir(parents=True, exist_ok=True)
            n = len(self.chunks) + 1
            chunk = Chunk(self.folder / f"{self.prefix}-{n}.jsonl", self.folder / f"{self.prefix}-{n}.map")
            self.chunks.append(chunk)
            self._files = (open(chunk.path, "wb"), open(chunk.map_path, "w", encoding="utf-8"))
        self._files[0].write(line)
        self._files[1].write(f"{custom_id}\t{key}\n")
        chunk.count += 1
        chunk.size += len(line)
        self.titles.add(custom_id.split("/", 1)[0])

    def _close_files(self) -> None:
        if self._files:
            for f in self._files:
                f.close()
            self._files = None

    def close(self) -> list[Chunk]:
        self._close_files()
        return self.chunks


class _Recorder:
    """A model client (llm.Model) that answers nothing: it writes the request down
    for the Batch API, the body exactly as a direct call would send it."""

    def __init__(self, settings: Settings, slug: str, files: RequestFiles):
        self.settings, self.slug, self.files = settings, slug, files

    async def complete(self, name: str, messages: list[dict], schema: dict, max_tokens: int | None = None) -> Reply:
        key = request_key(self.settings, self.settings.backend.name, SECTIONS[name], messages, schema)
        self.files.add(f"{self.slug}/{name}", key, request(self.settings, name, messages, schema, max_tokens))
        return Reply(None, Usage(), "deferred to the Batch API", fault=True)


async def collect(seeds: Iterable[Path], cache: Cache, settings: Settings, files: RequestFiles,
                  wanted: Callable[[Facts], bool] = lambda facts: True) -> list[Chunk]:
    """Write the next request of every section chain that is not answered from the cache.
    One title at a time: nothing of a title is kept once its requests are written."""
    slugs: set[str] = set()
    unlimited = asyncio.Semaphore(1 << 30)
    for seed in seeds:
        try:
            facts = load_facts(seed).facts
        except FactsError:
            continue  # the drafts report it
        slug = facts.slug_or_default
        if slug in slugs:
            continue  # a duplicate slug: the drafts report it
        slugs.add(slug)
        try:
            if not wanted(facts):
                continue
        except Exception:  # noqa: BLE001 - the drafts report whatever is wrong with the folder
            continue
        sections = [s for s in plan(facts)[0] if s.output]
        if sections:
            await generate(facts, settings, sections, cache, client=_Recorder(settings, slug, files), limit=unlimited)
    return files.close()


# ---------------------------------------------------------------- state of submitted batches

class State:
    """<out>/.batch-api/pending.json: batches submitted whose results are not in the cache yet."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / "pending.json"
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.pending: list[dict] = [b for b in data.get("batches", []) if isinstance(b, dict) and b.get("id")]
        except (OSError, ValueError, AttributeError):
            self.pending = []

    def save(self) -> None:
        if self.pending:
            write_atomic(self.path, json.dumps({"batches": self.pending}, indent=2) + "\n")
        else:
            self.path.unlink(missing_ok=True)

    def add(self, entry: dict) -> None:
        self.pending.append(entry)
        self.save()

    def done(self, batch_id: str) -> None:
        self.pending = [b for b in self.pending if b["id"] != batch_id]
        self.save()


# ---------------------------------------------------------------- talking to the provider

class _Api:
    def __init__(self, model: ModelClient, say: Callable[[str], None], poll_initial: float):
        self.model, self.client, self.say = model, model.client, say
        self.settings = model.settings
        self.poll_initial = poll_initial

    async def call(self, what: str, fn, *args, tries: int = 6, missing_ok: bool = False, **kwargs):
        """One API call with retries of transient faults; 401/403 are fatal, a missing
        endpoint means the provider has no Batch API; with missing_ok a 404 is None."""
        for attempt in range(tries):
            try:
                return await fn(*args, **kwargs)
            except openai.APIStatusError as exc:
                if exc.status_code == 404 and missing_ok:
                    return None
                if exc.status_code in (401, 403):
                    raise FatalModelError(self.model.describe(exc)) from None
                if exc.status_code in (404, 405, 501) and what in ("upload", "create"):
                    raise BatchApiError(f"{self.settings.endpoint} does not offer the Batch API ({what} answered "
                                        f"{exc.status_code}); run without --batch-api") from None
                if not is_transient(exc):
                    raise BatchApiError(f"Batch API {what} failed: {self.model.describe(exc)}") from None
                last = exc
            except Exception as exc:  # noqa: BLE001
                if not is_transient(exc):
                    raise
                last = exc
            await asyncio.sleep(min(30.0, 0.5 * 2 ** attempt))
        raise BatchApiError(f"Batch API {what}: {describe_transient(last, self.settings)} after {tries} tries")

    async def submit(self, chunk: Chunk) -> tuple[str, str]:
        with open(chunk.path, "rb") as fh:
            uploaded = await self.call("upload", self.client.files.create,
                                       file=(chunk.path.name, fh, "application/jsonl"), purpose="batch")
        batch = await self.call("create", self.client.batches.create, input_file_id=uploaded.id,
                                endpoint="/v1/chat/completions", completion_window="24h",
                                metadata={"made_by": "authoring batch"})
        return batch.id, uploaded.id

    async def wait(self, ids: list[str]) -> dict[str, object]:
        """Poll until every batch is in a final state; the final Batch objects by id
        (None for a batch the endpoint does not know)."""
        delay = self.poll_initial
        pending, done, seen = list(ids), {}, {}
        while pending:
            for batch_id in list(pending):
                batch = await self.call("retrieve", self.client.batches.retrieve, batch_id, tries=12,
                                        missing_ok=True)
                if batch is None:
                    done[batch_id] = None
                    pending.remove(batch_id)
                    continue
                counts = batch.request_counts
                shown = (batch.status, counts.completed if counts else None, counts.failed if counts else None)
                if seen.get(batch_id) != shown:
                    seen[batch_id] = shown
                    progress = (f" {counts.completed + counts.failed}/{counts.total} done"
                                + (f", {counts.failed} failed" if counts.failed else "")) if counts and counts.total else ""
                    self.say(f"Batch API {batch_id}: {batch.status}{progress}")
                if batch.status in TERMINAL:
                    done[batch_id] = batch
                    pending.remove(batch_id)
            if pending:
                await asyncio.sleep(delay)
                delay = min(delay * 1.5, POLL_MAX)
        return done

    async def lines(self, file_id: str):
        async def fetch() -> list[bytes]:
            # streamed to a list of lines: the raw file is never held as one string
            async with self.client.files.with_streaming_response.content(file_id) as response:
                return [line async for line in response.iter_lines()]
        return await self.call("download", fetch)


def _poll_default() -> float:
    try:
        return max(0.01, float(os.environ.get("AUTHORING_BATCH_POLL", "5")))
    except ValueError:
        return 5.0


async def _consume(api: _Api, entry: dict, batch, folder: Path, cache: Cache, outcome: Outcome) -> None:
    """Put a finished batch's usable replies into the cache."""
    settings = api.settings
    try:
        keys = dict(line.split("\t", 1) for line in (folder / entry["map"]).read_text(encoding="utf-8").splitlines()
                    if "\t" in line)
    except OSError:
        keys = {}
        outcome.notes.append(f"Batch API {batch.id}: its request map is gone; its results are not used")
    answered: set[str] = set()
    reasons: list[str] = []
    for file_id in (batch.output_file_id, batch.error_file_id):
        if not file_id:
            continue
        for raw in await api.lines(file_id):
            try:
                record = json.loads(raw)
            except ValueError:
                continue
            custom_id = record.get("custom_id") if isinstance(record, dict) else None
            key = keys.get(custom_id)
            if key is None or custom_id in answered:
                continue
            answered.add(custom_id)
            response = record.get("response") or {}
            status = response.get("status_code")
            if record.get("error") or status != 200:
                outcome.failed += 1
                error = record.get("error") or (response.get("body") or {}).get("error") or {}
                reasons.append(f"{custom_id}: {error.get('message') or f'status {status}'}"[:200])
                continue
            try:
                completion = ChatCompletion.model_validate(response.get("body"))
            except ValidationError:
                outcome.failed += 1
                reasons.append(f"{custom_id}: the reply is not a chat completion")
                continue
            slug, name = custom_id.split("/", 1)
            section = SECTIONS.get(name)
            bound = max_tokens(section, settings) if section else settings.max_tokens
            reply = settings.backend.reply(completion, Usage(calls=1), settings.tokens_field, bound)
            usage = reply.usage
            spent = outcome.usage_by_slug.setdefault(slug, [0, 0, 0])
            spent[0] += usage.prompt_tokens
            spent[1] += usage.completion_tokens
            spent[2] += 1
            outcome.prompt_tokens += usage.prompt_tokens
            outcome.completion_tokens += usage.completion_tokens
            if reply.problem is not None:
                outcome.unusable += 1
                continue
            cache.put(key, {"text": reply.text, "usage": {"prompt_tokens": usage.prompt_tokens,
                                                    "completion_tokens": usage.completion_tokens}}, slug)
            outcome.answered += 1
    missing = len(keys) - len(answered)
    if missing > 0:
        outcome.failed += missing
        reasons.append(f"{missing} request(s) not answered (batch {batch.status})")
    if batch.status != "completed":
        errors = getattr(batch, "errors", None)
        detail = "; ".join(e.message or e.code or "" for e in (errors.data or [])[:3]) if errors and errors.data else ""
        outcome.notes.append(f"Batch API {batch.id} ended {batch.status}" + (f": {detail}" if detail else "")
                             + "; the requests it did not answer were sent directly")
    if reasons:
        outcome.notes.append(f"Batch API {batch.id}: {len(reasons)} request(s) failed, sent directly instead "
                             f"(first: {reasons[0]})")
    for name in (entry["map"], entry.get("input")):
        if name:
            (folder / name).unlink(missing_ok=True)


async def _drain(api: _Api, state: State, cache: Cache, outcome: Outcome) -> None:
    """Wait for every pending batch and consume it."""
    if not state.pending:
        return
    finished = await api.wait([b["id"] for b in state.pending])
    for entry in list(state.pending):
        if entry["id"] not in finished:
            continue
        batch = finished[entry["id"]]
        if batch is None:  # e.g. an earlier run's batch on another endpoint: its requests go again
            outcome.notes.append(f"Batch API {entry['id']}: unknown to {api.settings.endpoint}; its requests "
                                 "were not collected")
            for name in (entry.get("map"), entry.get("input")):
                if name:
                    (state.folder / name).unlink(missing_ok=True)
            state.done(entry["id"])
            continue
        if batch.status == "failed" and not batch.output_file_id:
            errors = getattr(batch, "errors", None)
            detail = "; ".join(e.message or e.code or "" for e in (errors.data or [])[:3]) if errors and errors.data else ""
            state.done(entry["id"])
            raise BatchApiError(f"the Batch API rejected batch {entry['id']}" + (f": {detail}" if detail else "")
                                + "; run without --batch-api, or fix the cause and rerun")
        await _consume(api, entry, batch, state.folder, cache, outcome)
        state.done(entry["id"])


async def prefill(seeds: list[Path], out_root: Path, settings: Settings, model: ModelClient, *,
                  reask_via: str = "direct", wanted: Callable[[Facts], bool] = lambda facts: True,
                  say: Callable[[str], None] = lambda message: None, poll_initial: float | None = None) -> Outcome:
    """Answer the first attempt of every section (and with reask_via="batch" the re-asks)
    through the Batch API, into the cache under <out_root>/.cache."""
    if reask_via not in REASK_VIA:
        raise BatchApiError(f"--reask-via must be one of {', '.join(REASK_VIA)}, not {reask_via!r}")
    out_root = out_root.resolve()
    folder = out_root / STATE_DIR
    cache = Cache(out_root / ".cache")
    api = _Api(model, say, poll_initial or _poll_default())
    state = State(folder)
    outcome = Outcome()
    if state.pending:
        say(f"Batch API: collecting {len(state.pending)} batch(es) an earlier run submitted")
        outcome.batches += [b["id"] for b in state.pending]
        await _drain(api, state, cache, outcome)
    rounds = settings.attempts if reask_via == "batch" else 1
    for round_no in range(1, max(1, rounds) + 1):
        files = RequestFiles(folder, f"round-{round_no}")
        chunks = await collect(seeds, cache, settings, files, wanted)
        if not chunks:
            break
        outcome.rounds += 1
        count = sum(c.count for c in chunks)
        outcome.requests += count
        kind = "first attempts" if round_no == 1 else "re-asks"
        say(f"Batch API round {round_no}: {count} {kind} of {len(files.titles)} titles in {len(chunks)} batch(es)")
        for chunk in chunks:
            batch_id, file_id = await api.submit(chunk)
            outcome.batches.append(batch_id)
            state.add({"id": batch_id, "input_file_id": file_id, "map": chunk.map_path.name,
                       "input": chunk.path.name, "round": round_no})
            say(f"Batch API {batch_id}: submitted {chunk.count} requests")
        await _drain(api, state, cache, outcome)
    return outcome
