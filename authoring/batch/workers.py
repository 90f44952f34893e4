"""Drafting titles: a Drafter drafts them in one process, as asyncio tasks
sharing one model client and ONE semaphore, so the limit on model calls in
flight holds across its titles. A wide endpoint gets one Drafter per CPU in
forked worker processes, each with its share of the limit (see worker_count).
At most `titles_in_flight` titles per process are held in memory at a time; a
finished title leaves only its report row behind.

Two titles with one slug would write one folder: which seed drafts a slug is
decided by the batch process, which sees every title of every worker."""
from __future__ import annotations

import asyncio
import dataclasses
import gc
import multiprocessing
import os
import signal
import time
from pathlib import Path
from typing import Awaitable, Callable

from ..files import DraftError
from ..facts import FactsError, load_facts
from ..decisions import read_flags
from ..folder import draft_dir, up_to_date
from ..llm import FatalModelError, Model, Reply, Settings, open_client
from ..workflows import draft_async
from .report import Row
from .seeds import Options, facts_message


class CountingClient:
    """The shared model client (an llm.Model), passing each reply's usage (calls,
    tokens, retries) on as it comes in."""

    def __init__(self, client: Model, on_usage: Callable[[int, int, int], None]):
        self.client, self.on_usage = client, on_usage

    async def complete(self, *args, **kwargs) -> Reply:
        reply = await self.client.complete(*args, **kwargs)
        u = reply.usage
        self.on_usage(u.calls, u.prompt_tokens + u.completion_tokens, u.retries)
        return reply


# ---------------------------------------------------------------- drafting titles (in one process)

def title_slots(options: Options, concurrency: int) -> int:
    """Titles one process drafts at a time: enough to keep its calls in flight busy."""
    return options.titles_in_flight or max(2, concurrency)


class Drafter:
    """Drafts titles in one process: one model client, one limit on the calls in
    flight (this process's share of the batch's), `titles_in_flight` titles at a
    time. Finished rows and each reply's usage go to callbacks: straight into the
    Batch, or from a worker process over a queue."""

    def __init__(self, settings: Settings, options: Options, claim: Callable[[str, str], Awaitable[str]],
                 on_row: Callable[[Row], None], on_usage: Callable[[int, int, int], None]):
        self.settings, self.options, self.out = settings, options, options.out
        # claim(slug, seed) -> the seed that drafts this slug in the batch: the first to ask;
        # decided by the batch process, which sees every title of every worker
        self.claim = claim
        self.on_row, self.on_usage = on_row, on_usage

    async def run(self, next_item: Callable[[], tuple[int, Path] | None]) -> None:
        """Draft until next_item() says None; raises FatalModelError when the endpoint refuses us."""
        limit = asyncio.Semaphore(max(1, self.settings.concurrency))
        fatal = None
        async with open_client(self.settings) as model:
            client = CountingClient(model, self.on_usage)

            async def loop() -> None:
                while (item := next_item()) is not None:
                    self.on_row(await self.title(*item, client, limit))

            try:
                async with asyncio.TaskGroup() as group:
                    for _ in range(title_slots(self.options, self.settings.concurrency)):
                        group.create_task(loop())
            except* FatalModelError as group_error:
                fatal = group_error.exceptions[0]
            finally:
                await _settle_other_tasks()
        if fatal is not None:
            raise fatal

    async def title(self, index: int, seed: Path, client, limit: asyncio.Semaphore) -> Row:
        started = time.perf_counter()
        try:
            facts = load_facts(seed).facts
        except FactsError as exc:
            return Row.of(index, seed, "invalid", facts_message(exc))
        row = Row.of(index, seed, "failed", facts=facts)
        slug = facts.slug_or_default
        first = await self.claim(slug, str(seed))
        if first != str(seed):
            row.message = (f"same slug {slug!r} as {first}: both would write one folder; "
                              "give one of them its own `slug:`")
            return row
        try:
            folder = draft_dir(self.out, facts)
            manifest = up_to_date(folder, facts, self.settings) if self.options.use_cache else None
            if manifest is not None:
                row.status, row.message = "skipped", "up to date"
                return row.fill(folder, manifest, read_flags(folder))
            draft = await draft_async(facts, str(seed), self.out, self.settings, use_cache=self.options.use_cache,
                                      force=self.options.force, client=client, limit=limit)
        except DraftError as exc:
            row.message = str(exc)
            return row
        except (FatalModelError, asyncio.CancelledError):
            raise
        except Exception as exc:  # noqa: BLE001 - one title's bug or disk fault never stops the batch
            row.message = f"unexpected {type(exc).__name__}: {exc}"
            return row
        finally:
            row.seconds = round(time.perf_counter() - started, 2)
        row.fill(draft.folder, draft.manifest, draft.flags)
        row.status = "incomplete" if row.failed_sections else "drafted"
        if row.failed_sections:
            row.message = "no usable answer for " + ", ".join(row.failed_sections) + "; rerun to retry them"
        return row


async def _settle_other_tasks() -> None:
    """Cancel what is still running (a failed title's other sections) and wait for it,
    so nothing uses the client after it is closed."""
    current = asyncio.current_task()
    others = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
    for task in others:
        task.cancel()
    if others:
        await asyncio.gather(*others, return_exceptions=True)


# ---------------------------------------------------------------- worker processes

def worker_count(options: Options, settings: Settings, seeds: int) -> int:
    """How many processes draft titles. A title costs about 5 ms of CPU per model
    call (the SDK, checks, rendering, writes); 64 calls of 0.2 s in flight are
    320 calls a second, more than one core. So an endpoint that takes many calls
    at once gets a process per CPU, each with its share of the one limit; the
    embedded server (one call at a time) and small batches do not."""
    if options.workers:
        wanted = options.workers
    elif "fork" not in multiprocessing.get_all_start_methods():
        wanted = 1
    else:
        wanted = min(os.cpu_count() or 1, settings.concurrency // 8, seeds // 8)
    return max(1, min(wanted, settings.concurrency, seeds))


class Workers:
    """The worker processes of a batch, each drafting titles taken from one queue.
    They are forked before any thread starts (the progress display's), die with
    the batch, and report on a second queue: (kind, value, usage since the last
    report) with kind row, claim, fatal or exit; one message a title, not one a call.

    The workers are the batch's only child processes: no multiprocessing Manager,
    whose server process would outlive a batch killed with SIGKILL. The one thing
    they share, which seed drafts a slug, is decided by the batch process: a worker
    asks on the events queue and reads the answer on its own pipe (WorkerClaims)."""

    def __init__(self, count: int, settings: Settings, options: Options):
        ctx = multiprocessing.get_context("fork")
        self.tasks, self.events = ctx.Queue(), ctx.Queue()
        self.answers = []  # the batch's end of each worker's pipe of claim answers
        self.readers = 0  # each title slot in each process reads until it gets a None
        self.procs = []
        self.stopped = False
        theirs_all = []
        for i in range(count):
            share = settings.concurrency // count + (i < settings.concurrency % count)
            self.readers += title_slots(options, share)
            theirs, ours = ctx.Pipe(duplex=False)
            self.answers.append(ours)
            theirs_all.append(theirs)
            self.procs.append(ctx.Process(target=_worker_main, name=f"authoring-batch-{i}", daemon=True, args=(
                dataclasses.replace(settings, concurrency=share), options, WorkerClaims(i, self.events, theirs),
                self.tasks, self.events, os.getpid())))
        for proc in self.procs:
            proc.start()
        for pipe in theirs_all:  # each worker holds its own end now
            pipe.close()

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop every worker now (idempotent)."""
        if self.stopped:
            return
        self.stopped = True
        for proc in self.procs:
            if proc.is_alive():
                proc.terminate()  # every file is written atomically: a title cut short is redone next run
        for proc in self.procs:
            proc.join(timeout=10)
        for q in (self.tasks, self.events):
            q.close()
            q.cancel_join_thread()
        for pipe in self.answers:
            pipe.close()

    def answer(self, worker: int, question: int, first: str) -> None:
        """Tell a worker which seed drafts the slug it asked about (its own when it asked first)."""
        try:
            self.answers[worker].send((question, first))
        except OSError:  # that worker is gone; lost() reports it
            pass

    def feed(self, seeds: list[Path]) -> None:
        for item in enumerate(seeds):
            self.tasks.put((item[0], str(item[1])))
        for _ in range(self.readers):
            self.tasks.put(None)

    def lost(self, exited: set[int]) -> str | None:
        """Why a worker is gone without saying goodbye (killed, out of memory), if one is."""
        for proc in self.procs:
            if proc.exitcode is not None and proc.pid not in exited:
                return f"worker process {proc.pid} exited with code {proc.exitcode}"
        return None


class WorkerClaims:
    """A worker's side of the batch's slug claims: `await claims(slug, seed)` asks the
    batch process over the events queue and returns the seed that drafts this slug.
    The answer comes on the worker's own pipe, read by its event loop, so the titles
    in flight go on while one waits."""

    def __init__(self, number: int, events, answers):
        self.number, self.events, self.answers = number, events, answers
        self.waiting: dict[int, asyncio.Future] = {}  # question number -> its answer
        self.asked = 0
        self.loop: asyncio.AbstractEventLoop | None = None

    async def __call__(self, slug: str, seed: str) -> str:
        loop = asyncio.get_running_loop()
        if self.loop is not loop:
            loop.add_reader(self.answers.fileno(), self._answered)
            self.loop = loop
        self.asked += 1
        future = self.waiting[self.asked] = loop.create_future()
        self.events.put(("claim", (self.number, self.asked, slug, seed), ()))
        return await future

    def _answered(self) -> None:
        try:
            while self.answers.poll():
                question, first = self.answers.recv()
                future = self.waiting.pop(question, None)
                if future is not None and not future.done():
                    future.set_result(first)
        except (EOFError, OSError):  # the batch is gone: so is this worker, in a moment
            self.loop.remove_reader(self.answers.fileno())


def _worker_main(settings: Settings, options: Options, claims: WorkerClaims, tasks, events, parent: int) -> None:
    _become_worker(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the batch's to handle
    # the inherited heap (modules, schemas, templates) is never garbage: frozen, the
    # collector stops walking it; and a title makes many short-lived objects, so
    # collect young ones less often. Together 45 -> 35 ms of CPU a title, 79% -> 89%
    # of the ideal in bench/batch_bench.py, the largest worker 84 -> 87 MB
    gc.freeze()
    gc.set_threshold(10_000, 20, 50)

    def next_item() -> tuple[int, Path] | None:
        item = tasks.get()  # every item and the final Nones are queued at once: no wait here
        return None if item is None else (item[0], Path(item[1]))

    usage = [0, 0, 0]  # calls, tokens, retries not yet reported: they travel with the next row

    def on_usage(*counts: int) -> None:
        for i, n in enumerate(counts):
            usage[i] += n

    def on_row(row: Row) -> None:
        events.put(("row", row, tuple(usage)))
        usage[:] = [0, 0, 0]

    drafter = Drafter(settings, options, claims, on_row=on_row, on_usage=on_usage)
    try:
        asyncio.run(drafter.run(next_item))
    except FatalModelError as exc:
        events.put(("fatal", str(exc), ()))
    except BaseException as exc:  # noqa: BLE001 - reported by the batch, which stops
        while isinstance(exc, BaseExceptionGroup):
            exc = exc.exceptions[0]
        events.put(("fatal", f"a worker process failed: {type(exc).__name__}: {exc}", ()))
    finally:
        events.put(("exit", os.getpid(), tuple(usage)))
        events.close()
        events.join_thread()


def _become_worker(parent: int) -> None:
    """Linux: the worker dies with the batch, even one killed outright (SIGKILL), and
    shows in ps/top as authoring-work."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        libc.prctl(15, b"authoring-work")  # PR_SET_NAME
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the batch died before prctl took effect
        os._exit(1)
