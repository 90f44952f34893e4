"""`authoring batch`: draft many titles at once.

Titles are drafted by a Drafter: asyncio tasks sharing one model client and
ONE semaphore, so the limit on model calls in flight holds across its titles.
A wide endpoint gets one Drafter per CPU in worker processes, each with its
share of the limit (see worker_count). At most `titles_in_flight` titles per
process are held in memory at a time; a finished title leaves only its report
row behind.

Interrupted and rerun, a batch finishes the rest: a title whose draft folder
is up to date (the manifest's facts hash matches the seed, its page.md is as
written, no section failed) is skipped without a call, and the on-disk reply
cache makes re-drafted sections free.

    <out>/batch-report.json   one row per title (written atomically at the end,
                              also when the batch is stopped or interrupted)
"""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import gc
import json
import multiprocessing
import os
import queue as queue_module
import signal
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Awaitable, Callable, Iterable

from . import prompting
from .draft import DraftError, draft_async, draft_dir, hand_edits, plan, read_manifest
from .editing import sha
from .facts import Facts, FactsError, load_facts
from .files import write_atomic
from .llm import FatalModelError, ModelClient, Reply, Settings

SEED_SUFFIXES = (".yaml", ".yml")
REPORT_NAME = "batch-report.json"
OK_STATUSES = ("drafted", "skipped")


class BatchInputError(Exception):
    """Nothing to draft: no seed found, or none could be read (exit 2)."""


# ---------------------------------------------------------------- seeds

def discover(inputs: Iterable[Path], exclude: Path | None = None) -> tuple[list[Path], list[tuple[str, str]]]:
    """The seed files named or found (recursively, *.yaml / *.yml) under the inputs,
    in a stable order, each once; and the inputs that are neither (path, reason).
    Hidden folders (.git, .cache) and the `exclude` folder are not searched."""
    seen: set[Path] = set()
    seeds: list[Path] = []
    problems: list[tuple[str, str]] = []
    skip = exclude.resolve() if exclude is not None else None

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            seeds.append(path)

    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            found = []
            for candidate in path.rglob("*"):
                rel = candidate.relative_to(path).parts
                if any(part.startswith(".") for part in rel) or candidate.suffix.lower() not in SEED_SUFFIXES:
                    continue
                if skip is not None and skip in candidate.resolve().parents:
                    continue
                if candidate.is_file():
                    found.append(candidate)
            if not found:
                problems.append((str(path), "no *.yaml or *.yml seed in this folder"))
            for candidate in sorted(found):
                add(candidate)
        elif path.is_file():
            add(path)
        elif path.exists():
            problems.append((str(path), "not a file or folder"))
        else:
            problems.append((str(path), "no such file or folder"))
    return seeds, problems


def _facts_message(exc: FactsError) -> str:
    """A FactsError in one line per problem, without the generic trailer."""
    return "; ".join(str(p) for p in exc.problems[:5]) + (f"; and {len(exc.problems) - 5} more"
                                                          if len(exc.problems) > 5 else "")


# ---------------------------------------------------------------- draft folders

_TEMPLATE_HASHES: dict[str, str] = {}


def _template_hash(sid: str) -> str:
    if sid not in _TEMPLATE_HASHES:
        _TEMPLATE_HASHES[sid] = prompting.template_hash(sid)
    return _TEMPLATE_HASHES[sid]


def up_to_date(folder: Path, facts: Facts, settings: Settings) -> dict | None:
    """The manifest of a finished draft of exactly these facts that nobody edited
    (None when the title must be drafted): same facts hash, page.md as written,
    every section produced, same model and prompt templates."""
    try:
        manifest = read_manifest(folder)
        page = (folder / "page.md").read_text(encoding="utf-8")
    except (DraftError, OSError, ValueError):  # drafting it says what is wrong
        return None
    if not isinstance(manifest, dict) or manifest.get("facts_hash") != facts.digest():
        return None
    if manifest.get("page_hash") != sha(page):
        return None
    sections = manifest.get("sections")
    present = {s.id for s in plan(facts)[0]}
    if not isinstance(sections, dict) or set(sections) != present:
        return None
    for sid, entry in sections.items():
        if not isinstance(entry, dict):  # not as written: draft it (draft says what is wrong)
            return None
        if entry.get("made_by") != "model":
            continue
        if entry.get("status") == "failed" or entry.get("model") != settings.model:
            return None
        try:
            if entry.get("prompt_hash") != _template_hash(sid):
                return None
        except OSError:
            return None
    return manifest


# ---------------------------------------------------------------- live counters

@dataclass
class Live:
    """What the progress display shows; updated as calls and titles finish."""
    total: int
    done: int = 0
    drafted: int = 0
    skipped: int = 0
    failed: int = 0
    sections: int = 0
    calls: int = 0
    tokens: int = 0
    retries: int = 0
    error_flags: int = 0
    started: float = field(default_factory=time.perf_counter)
    work_started: float | None = None  # first title that needed drafting
    worked: int = 0                    # titles that were drafted (or failed trying), not skipped

    def eta(self) -> str:
        remaining = self.total - self.done
        if not remaining:
            return "0:00"
        if not self.worked or self.work_started is None:
            return "-:--"
        seconds = (time.perf_counter() - self.work_started) / self.worked * remaining
        minutes, secs = divmod(int(seconds), 60)
        hours, minutes = divmod(minutes, 60)
        return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"

    def summary(self) -> str:
        return (f"{self.sections} sections · {self.calls} calls · {self.tokens:,} tokens · "
                f"{self.retries} retries · {self.failed} failed · {self.error_flags} error flags")


class CountingClient:
    """The shared ModelClient, passing each reply's usage (calls, tokens, retries) on as it comes in."""

    def __init__(self, client: ModelClient, on_usage: Callable[[int, int, int], None]):
        self.client, self.on_usage, self.mode = client, on_usage, client.mode

    async def complete(self, *args, **kwargs) -> Reply:
        reply = await self.client.complete(*args, **kwargs)
        u = reply.usage
        self.on_usage(u.calls, u.prompt_tokens + u.completion_tokens, u.retries)
        return reply

    def describe(self, exc):
        return self.client.describe(exc)

    async def close(self) -> None:
        await self.client.close()


# ---------------------------------------------------------------- display

class Display:
    """A rich progress bar on a terminal; plain lines (one per title) otherwise."""

    HEARTBEAT = 15.0

    def __init__(self, console, live: Live):
        self.console, self.live = console, live
        self.fancy = bool(console.is_terminal)
        self.progress = None
        self.task = None
        self.last_line = time.monotonic()

    def __enter__(self) -> "Display":
        if self.fancy:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
            self.progress = Progress(SpinnerColumn(), TextColumn("[bold]titles"), BarColumn(bar_width=24),
                                     MofNCompleteColumn(), TextColumn("{task.fields[stats]}"), TimeElapsedColumn(),
                                     TextColumn("ETA {task.fields[eta]}"), console=self.console,
                                     refresh_per_second=4, transient=False)
            self.progress.__enter__()
            self.task = self.progress.add_task("batch", total=self.live.total, stats=self.live.summary(), eta="-:--")
        return self

    def __exit__(self, *exc) -> None:
        if self.progress is not None:
            self.refresh()
            self.progress.__exit__(*exc)
            self.progress = None

    def note(self, message: str) -> None:
        (self.progress.console if self.progress else self.console).print(message, soft_wrap=True, markup=False,
                                                                          highlight=False)
        self.last_line = time.monotonic()

    def refresh(self) -> None:
        live = self.live
        if self.progress is not None:
            self.progress.update(self.task, completed=live.done, stats=live.summary(), eta=live.eta())
        elif time.monotonic() - self.last_line > self.HEARTBEAT and live.done < live.total:
            self.note(f"… {live.done}/{live.total} titles; {live.summary()}; ETA {live.eta()}")

    def title_done(self, row: dict) -> None:
        live = self.live
        if self.progress is not None:
            if row["status"] not in OK_STATUSES:
                self.note(f"{row['status']}: {row['seed']}: {row['message']}")
            self.refresh()
            return
        width = len(str(live.total))
        text = f"[{live.done:>{width}}/{live.total}] {row['status']:<10} {row['slug'] or row['seed']}"
        if row["status"] in OK_STATUSES or row["status"] == "incomplete":
            text += (f"  {row['sections']} sections, {row['calls']} calls, {row['tokens']:,} tokens, "
                     f"{row['error_flags']} error flags")
        if row["message"]:
            text += f"  ({row['message']})"
        self.note(text + f"  ETA {live.eta()}")


# ---------------------------------------------------------------- rows

def _row(index: int, seed: Path, status: str, message: str = "", facts: Facts | None = None) -> dict:
    return {"index": index, "seed": str(seed), "slug": facts.slug_or_default if facts else None,
            "title": facts.title if facts else None, "year": facts.year if facts else None,
            "status": status, "message": message, "folder": None,
            "sections": 0, "model_sections": 0, "left_out": 0, "failed_sections": [],
            "error_flags": 0, "warning_flags": 0, "attempts": 0, "calls": 0, "cached": 0, "retries": 0,
            "prompt_tokens": 0, "completion_tokens": 0, "tokens": 0, "batch_api_requests": 0,
            "cost_usd": None, "seconds": 0.0}


def _fill(row: dict, folder: Path, manifest: dict, flags: list[dict]) -> dict:
    sections = manifest.get("sections") or {}
    model = {sid: e for sid, e in sections.items() if e.get("made_by") == "model"}
    totals = manifest.get("totals") or {}
    errors = sum(1 for f in flags if f.get("severity") == "error")
    row |= {"folder": str(folder), "sections": len(sections), "model_sections": len(model),
            "left_out": len(manifest.get("left_out") or []),
            "failed_sections": sorted(sid for sid, e in model.items() if e.get("status") == "failed"),
            "error_flags": errors, "warning_flags": len(flags) - errors,
            "attempts": int(totals.get("attempts", 0)), "calls": int(totals.get("calls", 0)),
            "cached": sum(int(e.get("cached", 0)) for e in model.values()),
            "retries": int(totals.get("retries", 0)), "prompt_tokens": int(totals.get("prompt_tokens", 0)),
            "completion_tokens": int(totals.get("completion_tokens", 0)), "cost_usd": manifest.get("cost_usd")}
    row["tokens"] = row["prompt_tokens"] + row["completion_tokens"]
    return row


def _read_flags(folder: Path) -> list[dict]:
    try:
        flags = json.loads((folder / "flags.json").read_text(encoding="utf-8")).get("flags", [])
        return [f for f in flags if isinstance(f, dict)]
    except (OSError, ValueError, AttributeError):
        return []


# ---------------------------------------------------------------- the batch

@dataclass
class Options:
    out: Path
    use_cache: bool = True
    force: bool = False
    titles_in_flight: int | None = None   # per process; default: max(2, its share of the concurrency)
    workers: int | None = None            # processes drafting titles; None: see worker_count
    batch_api: bool = False
    reask_via: str = "direct"
    batch_poll: float | None = None       # first Batch API poll interval (seconds); None: the default


@dataclass
class BatchResult:
    rows: list[dict]
    report: dict
    report_path: Path | None
    stopped: str | None = None            # why the batch stopped early (fatal model error)
    interrupted: bool = False

    @property
    def exit_code(self) -> int:
        if self.stopped or self.interrupted:
            return 1
        if self.rows and all(r["status"] == "invalid" for r in self.rows):
            return 2
        return 0 if all(r["status"] in OK_STATUSES for r in self.rows) else 1


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
                 on_row: Callable[[dict], None], on_usage: Callable[[int, int, int], None]):
        self.settings, self.options, self.out = settings, options, options.out
        # claim(slug, seed) -> the seed that drafts this slug in the batch: the first to ask;
        # decided by the batch process, which sees every title of every worker
        self.claim = claim
        self.on_row, self.on_usage = on_row, on_usage

    async def run(self, next_item: Callable[[], tuple[int, Path] | None]) -> None:
        """Draft until next_item() says None; raises FatalModelError when the endpoint refuses us."""
        client = CountingClient(ModelClient(self.settings), self.on_usage)
        limit = asyncio.Semaphore(max(1, self.settings.concurrency))
        fatal = None

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
            await client.close()
        if fatal is not None:
            raise fatal

    async def title(self, index: int, seed: Path, client, limit: asyncio.Semaphore) -> dict:
        started = time.perf_counter()
        try:
            facts = load_facts(seed).facts
        except FactsError as exc:
            return _row(index, seed, "invalid", _facts_message(exc))
        row = _row(index, seed, "failed", facts=facts)
        slug = facts.slug_or_default
        first = await self.claim(slug, str(seed))
        if first != str(seed):
            row["message"] = (f"same slug {slug!r} as {first}: both would write one folder; "
                              "give one of them its own `slug:`")
            return row
        try:
            folder = draft_dir(self.out, facts)
            manifest = up_to_date(folder, facts, self.settings) if self.options.use_cache else None
            if manifest is not None:
                row["status"] = "skipped"
                row["message"] = "up to date"
                return _fill(row, folder, manifest, _read_flags(folder))
            draft = await draft_async(facts, str(seed), self.out, self.settings, use_cache=self.options.use_cache,
                                      force=self.options.force, client=client, limit=limit)
        except DraftError as exc:
            row["message"] = str(exc)
            return row
        except (FatalModelError, asyncio.CancelledError):
            raise
        except Exception as exc:  # noqa: BLE001 - one title's bug or disk fault never stops the batch
            row["message"] = f"unexpected {type(exc).__name__}: {exc}"
            return row
        finally:
            row["seconds"] = round(time.perf_counter() - started, 2)
        _fill(row, draft.folder, draft.manifest, draft.flags)
        row["status"] = "incomplete" if row["failed_sections"] else "drafted"
        if row["failed_sections"]:
            row["message"] = "no usable answer for " + ", ".join(row["failed_sections"]) + "; rerun to retry them"
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

    def on_row(row: dict) -> None:
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


# ---------------------------------------------------------------- the batch

class Batch:
    """The titles of one batch run: their rows, the live counters, the report."""

    def __init__(self, seeds: list[Path], settings: Settings, options: Options, display: Display,
                 problems: list[tuple[str, str]] = ()):
        self.seeds, self.settings, self.options, self.display = seeds, settings, options, display
        self.live = display.live
        self.out = options.out
        self.rows: list[dict] = []
        self.claims: dict[str, str] = {}  # slug -> the seed that drafts it in this batch
        self.workers = 1
        self.batch_usage: dict[str, list[int]] = {}   # slug -> [prompt, completion, requests] from the Batch API
        self.notes: list[str] = []
        self.batch_api_summary: dict | None = None
        self.stopped: str | None = None
        self.interrupted = False
        self.started = time.perf_counter()
        for i, (path, reason) in enumerate(problems):  # inputs that are not seeds: reported first
            self.record(_row(-1 - i, Path(path), "invalid", reason))

    def usage(self, calls: int, tokens: int, retries: int) -> None:
        live = self.live
        if live.work_started is None:
            live.work_started = time.perf_counter()
        live.calls += calls
        live.tokens += tokens
        live.retries += retries

    def record(self, row: dict) -> None:
        slug = row.get("slug")
        if slug and slug in self.batch_usage and row["status"] != "invalid":
            prompt, completion, requests = self.batch_usage.pop(slug)
            row["batch_api_requests"] = requests
            row["prompt_tokens"] += prompt
            row["completion_tokens"] += completion
            row["tokens"] = row["prompt_tokens"] + row["completion_tokens"]
            extra = self._cost(prompt, completion)
            if extra is not None:
                row["cost_usd"] = round((row["cost_usd"] or 0) + extra, 6)
        self.rows.append(row)
        live = self.live
        live.done += 1
        if row["status"] == "skipped":
            live.skipped += 1
        elif row["status"] == "drafted":
            live.drafted += 1
        else:
            live.failed += 1
        if row["status"] not in ("skipped", "invalid"):
            live.worked += 1
        live.sections += row["sections"]
        live.error_flags += row["error_flags"]
        self.display.title_done(row)

    async def claim(self, slug: str, seed: str) -> str:
        """The seed that drafts `slug` in this batch: the first to ask (titles drafted here)."""
        return self.claims.setdefault(slug, seed)

    def _cost(self, prompt: int, completion: int) -> float | None:
        s = self.settings
        if s.price_in is None or s.price_out is None:
            return None
        return round((prompt * s.price_in + completion * s.price_out) / 1e6, 6)

    # running ------------------------------------------------------------
    def run(self, workers: Workers | None) -> None:
        if self.options.batch_api:
            from .batch_api import BatchApiError
            try:
                asyncio.run(self._batch_api_pass())
            except (FatalModelError, BatchApiError) as exc:
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
            await Drafter(self.settings, self.options, self.claim, self.record, self.usage).run(
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
                    self.usage(*usage)
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
        from . import batch_api

        def wanted(facts: Facts) -> bool:
            folder = draft_dir(self.out, facts)
            if self.options.use_cache and up_to_date(folder, facts, self.settings) is not None:
                return False
            page = folder / "page.md"
            return self.options.force or not page.exists() or not hand_edits(folder)

        model = ModelClient(self.settings)
        try:
            outcome = await batch_api.prefill(self.seeds, self.out, self.settings, model,
                                              reask_via=self.options.reask_via, wanted=wanted,
                                              say=self.display.note, poll_initial=self.options.batch_poll)
        finally:
            await model.close()
        self.batch_usage = outcome.usage_by_slug
        self.batch_api_summary = outcome.summary()
        self.notes += outcome.notes

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(0.25)
            self.display.refresh()

    # the report -----------------------------------------------------------
    def report(self) -> dict:
        rows = sorted(self.rows, key=lambda r: (r["index"] < 0, abs(r["index"])))
        totals = {k: 0 for k in ("titles", "drafted", "skipped", "incomplete", "failed", "invalid", "not_started",
                                 "sections", "calls", "attempts", "retries", "prompt_tokens", "completion_tokens",
                                 "tokens", "batch_api_requests", "error_flags", "warning_flags")}
        costs = []
        for r in rows:
            totals["titles"] += 1
            totals[r["status"]] += 1
            for k in ("sections", "calls", "attempts", "retries", "prompt_tokens", "completion_tokens", "tokens",
                      "batch_api_requests", "error_flags", "warning_flags"):
                totals[k] += r[k]
            if r["cost_usd"] is not None:
                costs.append(r["cost_usd"])
        totals["not_started"] = max(0, len(self.seeds) - sum(1 for r in rows if r["index"] >= 0))
        totals["cost_usd"] = round(sum(costs), 6) if costs else None
        totals["seconds"] = round(time.perf_counter() - self.started, 2)
        # rows of up-to-date titles carry their earlier drafts' figures; what this run spent:
        totals["this_run"] = {"calls": self.live.calls, "tokens": self.live.tokens, "retries": self.live.retries}
        status = "stopped" if self.stopped else ("interrupted" if self.interrupted else "finished")
        notes = list(self.notes)
        if totals["cost_usd"] is not None and totals["batch_api_requests"]:
            notes.append("Batch API tokens are costed at the direct prices; providers usually bill them at a "
                         "discount, so the cost is an upper bound")
        return {"status": status, "stopped_because": self.stopped,
                "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "out": str(self.out), "model": self.settings.model, "endpoint": self.settings.endpoint,
                "concurrency": self.settings.concurrency, "workers": self.workers,
                "batch_api": self.batch_api_summary, "notes": notes, "totals": totals,
                "titles": [{k: v for k, v in r.items() if k != "index"} for r in rows]}


def run_batch(inputs: list[Path], settings: Settings, options: Options, console,
              endpoint: Callable | None = None) -> BatchResult:
    """Draft every seed under `inputs`; raises BatchInputError when there is nothing
    to draft and DraftError when the endpoint cannot be used."""
    from .draft import endpoint as default_endpoint

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


def _first_valid(seeds: list[Path]) -> tuple[Path | None, list[dict]]:
    """The first seed that loads, and the rows of the invalid ones before it (when none loads)."""
    rows = []
    for index, seed in enumerate(seeds):
        try:
            load_facts(seed)
            return seed, []
        except FactsError as exc:
            rows.append(_row(index, seed, "invalid", _facts_message(exc)))
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
    return BatchResult(report["titles"], report, path, batch.stopped, batch.interrupted)


# ---------------------------------------------------------------- printing

STATUS_STYLE = {"drafted": "green", "skipped": "cyan", "incomplete": "yellow", "failed": "red", "invalid": "red"}


def print_report(console, result: BatchResult, limit: int = 200) -> None:
    """The per-title table (the first `limit` rows, then the ones not OK) and the totals."""
    from rich.table import Table
    from rich.text import Text

    rows = result.rows
    if len(rows) > limit:
        shown = rows[:limit] + [r for r in rows[limit:] if r["status"] not in OK_STATUSES]
    else:
        shown = rows
    table = Table(title="batch report", show_lines=False, header_style="bold")
    for name, justify in (("title", "left"), ("status", "left"), ("sections", "right"), ("err", "right"),
                          ("warn", "right"), ("attempts", "right"), ("tokens", "right"), ("cost $", "right"),
                          ("note", "left")):
        table.add_column(name, justify=justify, overflow="fold")
    for r in shown:
        style = STATUS_STYLE.get(r["status"], "")
        cost = f"{r['cost_usd']:.4f}" if r["cost_usd"] is not None else "-"
        table.add_row(Text(r["slug"] or r["seed"]), Text(r["status"], style=style),
                      str(r["sections"]), str(r["error_flags"]), str(r["warning_flags"]), str(r["attempts"]),
                      f"{r['tokens']:,}", cost, Text(r["message"][:300]))
    console.print(table)
    if len(shown) < len(rows):
        console.print(f"({len(rows) - len(shown)} more OK titles in the JSON report)")
    t = result.report["totals"]
    cost = f", ${t['cost_usd']:.4f}" if t["cost_usd"] is not None else ""
    console.print(Text(f"{t['titles']} titles: {t['drafted']} drafted, {t['skipped']} up to date, "
                  f"{t['incomplete']} incomplete, {t['failed']} failed, {t['invalid']} invalid seeds"
                  + (f", {t['not_started']} not started" if t["not_started"] else "")
                  + f"; this run {t['this_run']['calls']} calls, {t['this_run']['tokens']:,} tokens, "
                  f"{t['this_run']['retries']} retries; drafts total {t['tokens']:,} tokens{cost}; "
                  f"{t['error_flags']} error and {t['warning_flags']} warning flags; {t['seconds']:.1f}s"), soft_wrap=True)
    for note in result.report["notes"]:
        console.print(f"note: {note}", soft_wrap=True, markup=False)
    if result.report_path:
        console.print(f"report: {result.report_path}", soft_wrap=True, markup=False)

