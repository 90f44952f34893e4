"""One batch run: the seeds drafted (here or in worker processes), the Batch API
pass first when asked for, and the report written at the end.

Interrupted and rerun, a batch finishes the rest: a title whose draft folder
is up to date (the manifest's facts hash matches the seed, its page.md is as
written, no section failed) is skipped without a call, and the on-disk reply
cache makes re-drafted sections free.

    <out>/batch-report.json   one row per title (written atomically at the end,
                              also when the batch is stopped or interrupted)
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import queue as queue_module
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Callable

from .. import batch_api
from ..facts import Facts, FactsError, load_facts
from ..files import DraftError, write_atomic
from ..folder import draft_dir, edits, up_to_date
from ..llm import FatalModelError, Settings, open_client
from ..llm.embedded import endpoint as default_endpoint
from .display import Display, Live
from .report import REPORT_NAME, BatchResult, Row, totals
from .seeds import BatchInputError, Options, discover, facts_message
from .workers import Drafter, Workers, worker_count


class Batch:
    """The titles of one batch run: their rows, the live counters, the report."""

    def __init__(self, seeds: list[Path], settings: Settings, options: Options, display: Display,
                 problems: list[tuple[str, str]] = ()):
        self.seeds, self.settings, self.options, self.display = seeds, settings, options, display
        self.live = display.live
        self.out = options.out
        self.rows: list[Row] = []
        self.claims: dict[str, str] = {}  # slug -> the seed that drafts it in this batch
        self.workers = 1
        self.batch_usage: dict[str, list[int]] = {}   # slug -> [prompt, completion, requests] from the Batch API
        self.notes: list[str] = []
        self.batch_api_summary: dict | None = None
        self.stopped: str | None = None
        self.interrupted = False
        self.started = time.perf_counter()
        for i, (path, reason) in enumerate(problems):  # inputs that are not seeds: reported first
            self.record(Row.of(-1 - i, Path(path), "invalid", reason))

    def record(self, row: Row) -> None:
        if row.slug and row.slug in self.batch_usage and row.status != "invalid":
            prompt, completion, requests = self.batch_usage.pop(row.slug)
            row.add_batch_api(prompt, completion, requests, self.settings.cost(prompt, completion))
        self.rows.append(row)
        self.live.title_done(row)
        self.display.title_done(row)

    async def claim(self, slug: str, seed: str) -> str:
        """The seed that drafts `slug` in this batch: the first to ask (titles drafted here)."""
        return self.claims.setdefault(slug, seed)

    # running ------------------------------------------------------------
    def run(self, workers: Workers | None) -> None:
        if self.options.batch_api:
            try:
                asyncio.run(self._batch_api_pass())
            except (FatalModelError, batch_api.BatchApiError) as exc:
                self.stopped = str(exc)
                return
        if workers is None:
            asyncio.run(self._run_here())
        else:
            self._run_in(workers)

    async def _run_here(self) -> None:
        queue = iter(enumerate(self.seeds))
        ticker = asyncio.create_task(self._tick())
        try:
            await Drafter(self.settings, self.options, self.claim, self.record, self.live.usage).run(
                lambda: next(queue, None))
        except FatalModelError as exc:
            self.stopped = str(exc)
        finally:
            ticker.cancel()

    def _run_in(self, workers: Workers) -> None:
        self.workers = len(workers.procs)
        try:
            self._collect(workers)
        finally:  # stopped, interrupted or done: no worker outlives the report
            workers.stop()

    def _collect(self, workers: Workers) -> None:
        workers.feed(self.seeds)
        exited: set[int] = set()
        refreshed = time.monotonic()
        while len(exited) < len(workers.procs):
            try:
                kind, value, usage = workers.events.get(timeout=0.25)
            except queue_module.Empty:
                self.stopped = workers.lost(exited)
                if self.stopped:
                    return
            else:
                if usage:
                    self.live.usage(*usage)
                if kind == "row":
                    self.record(value)
                elif kind == "claim":
                    worker, question, slug, seed = value
                    workers.answer(worker, question, self.claims.setdefault(slug, seed))
                elif kind == "exit":
                    exited.add(value)
                elif kind == "fatal":
                    self.stopped = value
                    return
            if time.monotonic() - refreshed > 0.25:
                self.display.refresh()
                refreshed = time.monotonic()

    async def _batch_api_pass(self) -> None:
        def wanted(facts: Facts) -> bool:
            folder = draft_dir(self.out, facts)
            if self.options.use_cache and up_to_date(folder, facts, self.settings) is not None:
                return False
            page = folder / "page.md"
            return self.options.force or not page.exists() or not edits(folder)

        async with open_client(self.settings) as model:
            outcome = await batch_api.prefill(self.seeds, self.out, self.settings, model,
                                              reask_via=self.options.reask_via, wanted=wanted,
                                              say=self.display.note, poll_initial=self.options.batch_poll)
        self.batch_usage = outcome.usage_by_slug
        self.batch_api_summary = outcome.summary()
        self.notes += outcome.notes

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(0.25)
            self.display.refresh()

    # the report -----------------------------------------------------------
    def report(self) -> dict:
        """batch-report.json; sorts the rows in the seeds' order, the inputs that are not seeds first."""
        self.rows.sort(key=lambda r: (r.index < 0, abs(r.index)))
        counts = totals(self.rows, len(self.seeds))
        counts["seconds"] = round(time.perf_counter() - self.started, 2)
        # rows of up-to-date titles carry their earlier drafts' figures; what this run spent:
        counts["this_run"] = {"calls": self.live.calls, "tokens": self.live.tokens, "retries": self.live.retries}
        status = "stopped" if self.stopped else ("interrupted" if self.interrupted else "finished")
        notes = list(self.notes)
        if counts["cost_usd"] is not None and counts["batch_api_requests"]:
            notes.append("Batch API tokens are costed at the direct prices; providers usually bill them at a "
                         "discount, so the cost is an upper bound")
        return {"status": status, "stopped_because": self.stopped,
                "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "out": str(self.out), "model": self.settings.model, "endpoint": self.settings.endpoint,
                "concurrency": self.settings.concurrency, "workers": self.workers,
                "batch_api": self.batch_api_summary, "notes": notes, "totals": counts,
                "titles": [r.as_json() for r in self.rows]}


def run_batch(inputs: list[Path], settings: Settings, options: Options, console,
              endpoint: Callable | None = None) -> BatchResult:
    """Draft every seed under `inputs`; raises BatchInputError when there is nothing
    to draft and DraftError when the endpoint cannot be used."""
    out = options.out
    seeds, problems = discover(inputs, exclude=out)
    if not seeds:
        where = "; ".join(f"{p}: {reason}" for p, reason in problems) or "no input given"
        raise BatchInputError(f"no facts seed to draft ({where})")
    first_valid, invalid_rows = _first_valid(seeds)
    live = Live(total=len(seeds) + len(problems))
    if first_valid is None:  # nothing drafts: no model server is started for nothing
        with Display(console, live) as display:
            batch = Batch(seeds, settings, options, display, problems)
            for row in invalid_rows:
                batch.record(row)
            return _finish(batch)
    if options.batch_api and settings.embedded:
        raise DraftError("--batch-api needs an OpenAI-style endpoint with the Batch API "
                         "(set OPENAI_BASE_URL or --base-url)")
    with (endpoint or default_endpoint)(settings) as live_settings:
        count = worker_count(options, live_settings, len(seeds))
        with Workers(count, live_settings, options) if count > 1 else nullcontext() as workers, \
                Display(console, live) as display:
            batch = Batch(seeds, live_settings, options, display, problems)
            try:
                batch.run(workers)
            except KeyboardInterrupt:
                batch.interrupted = True
            return _finish(batch)


def _first_valid(seeds: list[Path]) -> tuple[Path | None, list[Row]]:
    """The first seed that loads, and the rows of the invalid ones before it (when none loads)."""
    rows = []
    for index, seed in enumerate(seeds):
        try:
            load_facts(seed)
            return seed, []
        except FactsError as exc:
            rows.append(Row.of(index, seed, "invalid", facts_message(exc)))
    return None, rows


def _finish(batch: Batch) -> BatchResult:
    report = batch.report()
    path = None
    try:
        path = batch.out / REPORT_NAME
        write_atomic(path, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        batch.display.note(f"could not write {batch.out / REPORT_NAME}: {exc}")
        path = None
    return BatchResult(batch.rows, report, path, batch.stopped, batch.interrupted)
