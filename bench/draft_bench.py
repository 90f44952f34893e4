"""Benchmark: draft the example against a local fake OpenAI-compatible server
with a fixed latency per call, and print

  wall / critical path   the page's wall time over its slowest chain of calls
                         (target <= 1.15 with concurrency >= sections)
  CPU per call           the pipeline's marginal process CPU per model call over a
                         bare openai SDK call's to the same server (target <= 1.2x)

Critical path: a chain's length is what it cannot avoid, the latency of its
calls as the server saw them (the server logs each call's time, from the request
read to the answer built) plus the time the chain itself held the event loop (its
tasks' steps, timed by a task factory). The chain's wall time would not do: it
includes waiting for a loop kept busy by the other chains, so work that blocks
the loop lengthens wall and "critical path" alike and the ratio never shows it.
`--block-ms 0,50` adds that much loop-blocking work to each section's check and
prints the ratio for each, in one run, to show that it does now.

CPU per call: a run drafts n titles through one client and one concurrency limit,
as a batch does; the slope of process CPU over calls across n = 1, 2, 4, 8 is the
cost of one more call, free of the fixed cost of a run (loop, client, pool, a
collection of the old generation) that a plain CPU / calls spreads over 8 calls.
Two slopes: one title drafted n times (its facts indexed once: the cost of a call)
and n new titles (copies of the facts: a title's indexing shared by its calls).
The bare SDK gets the same regression over the same numbers of calls, sending
the same requests.

The server runs in its own process so that its CPU is not counted.

    python bench/draft_bench.py [--latency 0.2] [--runs 5] [--concurrency 16] [--block-ms 0,50] [--titles 1,2,4,8]
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from authoring import pipeline, prompting  # noqa: E402
from authoring.cache import Cache  # noqa: E402
from authoring.sections import plan  # noqa: E402
from authoring.facts import load_facts  # noqa: E402
from authoring.llm import Settings, open_client  # noqa: E402
from authoring.pipeline import generate  # noqa: E402

# The fake server, out of process, answering after `latency` and logging each
# call's section (the schema's name) and its seconds as the server saw them.
SERVER = r"""
import sys, threading, time
from tests.fake_openai import FakeOpenAI, default_reply, serve_until_stopped
latency, log, lock = float(sys.argv[1]), open(sys.argv[2], "a", buffering=1), threading.Lock()
def answer(body):
    started = time.perf_counter()
    time.sleep(latency)
    reply = default_reply(body)
    fmt = (body.get("response_format") or {}).get("json_schema") or {}
    tool = ((body.get("tools") or [{}])[0].get("function") or {})
    with lock:
        log.write(f"{fmt.get('name') or tool.get('name')}\t{time.perf_counter() - started:.6f}\n")
    return reply
server = FakeOpenAI(answer)
print(f"fake openai serving {server.base_url}", flush=True)
serve_until_stopped(server, lambda: f"{server.calls} chat completions")
"""


def start_server(latency: float, log: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(latency), str(log)],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    url = next(word for word in line.split() if word.startswith("http://"))
    return proc, url


def server_seconds(log: Path) -> dict[str, float]:
    """Per section, the summed latency of its calls as the server saw them; empties the log."""
    sums: dict[str, float] = defaultdict(float)
    for line in log.read_text().splitlines():
        name, seconds = line.split("\t")
        sums[name] += float(seconds)
    log.write_text("")
    return sums


class _TimedTask(asyncio.tasks._PyTask):
    """A task that adds the wall time of each of its steps to its chain: the time
    it held the event loop, blocking work included. Tasks started by a chain (the
    SDK call under asyncio.wait_for) count for that chain."""
    chain: "_TimedTask"
    held: float = 0.0

    def _Task__step(self, exc=None):
        started = time.perf_counter()
        try:
            super()._Task__step(exc)
        finally:
            self.chain.held += time.perf_counter() - started


def timed_loop(chains: dict[str, _TimedTask]) -> asyncio.AbstractEventLoop:
    """A loop whose tasks are timed: the main task (generate) is "main", its children
    the chains, found by their section; their children count for them."""
    def factory(loop, coro, **kwargs):
        task = _TimedTask(coro, loop=loop, **kwargs)
        parent = asyncio.current_task(loop)
        if parent is None:                       # the main task, then the runner's own at closing
            task.chain = chains.setdefault("main", task)
        elif parent is chains["main"]:           # Generator.run gathers chain(section)
            task.chain = task
            frame = getattr(coro, "cr_frame", None)
            section = frame.f_locals.get("section") if frame else None
            chains[getattr(section, "id", f"task{len(chains)}")] = task
        else:
            task.chain = parent.chain
        return task
    loop = asyncio.new_event_loop()
    loop.set_task_factory(factory)
    return loop


def busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def critical_path_run(facts, settings, sections, log: Path, block: float) -> tuple[float, tuple, float]:
    """One draft: its wall time; its critical path as (the main task's own time, the slowest
    chain's calls, that chain's own time); its longest section's call seconds (the old measure)."""
    chains: dict[str, _TimedTask] = {}
    checked = pipeline.section_flags

    def blocking_check(*args):
        busy(block)
        return checked(*args)

    pipeline.section_flags = blocking_check if block else checked
    try:
        server_seconds(log)
        started = time.perf_counter()
        with asyncio.Runner(loop_factory=lambda: timed_loop(chains)) as runner:
            results = runner.run(generate(facts, settings, sections, Cache(None)))
        wall = time.perf_counter() - started
    finally:
        pipeline.section_flags = checked
    latency = server_seconds(log)
    main = chains.pop("main")   # its own steps (client, gather, close) come before and after every chain
    calls, own = max(((latency.get(sid, 0.0), chain.held) for sid, chain in chains.items()), key=sum)
    return wall, (main.held, calls, own), max(r.usage.seconds for r in results.values())


async def pipeline_titles(titles: list, settings, sections) -> int:
    limit = asyncio.Semaphore(settings.concurrency)
    async with open_client(settings) as client:
        runs = await asyncio.gather(*(generate(f, settings, sections, Cache(None), client=client, limit=limit)
                                      for f in titles))
    return sum(r.usage.calls for results in runs for r in results.values())


async def bare_calls(url: str, requests: list[dict], concurrency: int) -> None:
    import openai
    client = openai.AsyncOpenAI(base_url=url, api_key="bench", max_retries=0,
                                http_client=openai.DefaultAioHttpClient())  # as authoring's ModelClient
    limit = asyncio.Semaphore(concurrency)

    async def one(body):
        async with limit:
            return await client.chat.completions.create(model="fake-model", **body)

    await asyncio.gather(*(one(b) for b in requests))
    await client.close()


def cpu(run) -> float:
    gc.collect()  # each run starts with no garbage of the one before
    started = time.process_time()
    run()
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--block-ms", default="0", help="loop-blocking work added to each section's check, "
                                                        "comma-separated values each measured")
    parser.add_argument("--titles", default="1,2,4,8", help="titles per run for the CPU regression")
    parser.add_argument("--facts", default=str(ROOT / "examples" / "leaving-las-vegas.yaml"))
    args = parser.parse_args()

    facts = load_facts(args.facts).facts
    sections = [s for s in plan(facts)[0] if s.output]
    log = Path(tempfile.mkdtemp(prefix="draft-bench-")) / "calls.tsv"
    log.write_text("")
    proc, url = start_server(args.latency, log)
    try:
        settings = Settings(base_url=url, api_key="bench", model="fake-model", concurrency=args.concurrency)
        requests = [{"messages": prompting.messages(s, facts), **settings.sampling(pipeline.max_tokens(s, settings)),
                     **settings.backend.request(s.id, settings.backend.schema(s.output, s.sizes(facts)))}
                    for s in sections]   # what the pipeline sends
        asyncio.run(generate(facts, settings, sections, Cache(None)))  # warm-up: imports, compiled templates
        asyncio.run(bare_calls(url, requests, args.concurrency))
        # what the imports left is never garbage: as in the batch workers, keep the
        # collector from walking it, or a full collection (~50 ms) lands in a random run
        gc.collect()
        gc.freeze()
        print(f"sections={len(sections)} latency={args.latency}s concurrency={args.concurrency} runs={args.runs}")

        for block_ms in (float(b) for b in args.block_ms.split(",")):
            walls, ratios, old, parts = [], [], [], []
            for _ in range(args.runs):
                wall, critical, longest = critical_path_run(facts, settings, sections, log, block_ms / 1000)
                walls.append(wall)
                ratios.append(wall / sum(critical))
                parts.append(critical)
                old.append(wall / longest)
            setup, calls, own = (statistics.median(p) * 1000 for p in zip(*parts))
            print(f"block={block_ms:g}ms/section wall={statistics.median(walls):.3f}s "
                  f"critical=setup {setup:.0f}ms + slowest chain's calls {calls:.0f}ms + its own {own:.0f}ms\n"
                  f"  wall/critical={statistics.median(ratios):.3f} (target <= 1.15; runs {min(ratios):.3f}-{max(ratios):.3f}) "
                  f"[the old measure, wall/longest section's call seconds: {statistics.median(old):.3f}]")

        counts = [int(n) for n in args.titles.split(",")]
        if len(set(counts)) < 2:
            parser.error("--titles needs at least two different numbers of titles")
        # run -> [(calls, cpu)]: one title drafted n times (its facts index built once), n titles, the bare SDK
        points: dict[str, dict[int, list]] = {kind: defaultdict(list) for kind in ("same", "new", "bare")}
        for run in range(args.runs):
            for n in counts:
                title = facts.model_copy(update={"slug": "bench"})
                for kind, titles in (("same", [title] * n),
                                     ("new", [facts.model_copy(update={"slug": f"bench-{i}"}) for i in range(n)])):
                    calls = [0]
                    seconds = cpu(lambda: calls.__setitem__(0, asyncio.run(pipeline_titles(titles, settings, sections))))
                    points[kind][run].append((calls[0], seconds))
                del title, titles
                asked = requests * (calls[0] // len(requests))
                points["bare"][run].append((len(asked), cpu(lambda: asyncio.run(bare_calls(url, asked, args.concurrency)))))
        server_seconds(log)

        def fit(kind, run=None):
            """CPU over calls; with no run, over the least CPU each number of calls took
            (a busy machine only ever adds CPU: cache misses, a shared core)."""
            if run is None:
                least: dict[int, float] = {}
                for calls, seconds in (p for ps in points[kind].values() for p in ps):
                    least[calls] = min(seconds, least.get(calls, seconds))
                xy = sorted(least.items())
            else:
                xy = points[kind][run]
            return statistics.linear_regression([c for c, _ in xy], [s for _, s in xy])

        bare = fit("bare")
        print(f"calls per run={sorted({c for ps in points['same'].values() for c, _ in ps})}; "
              f"bare SDK: {bare.slope * 1000:.2f}ms a call, {bare.intercept * 1000:.0f}ms a run")
        for kind, what in (("same", "one title drafted n times"), ("new", "n titles, each one new")):
            pipe, per_run = fit(kind), sorted(fit(kind, r).slope / fit("bare", r).slope for r in range(args.runs))
            print(f"cpu per extra call, {what}: pipeline={pipe.slope * 1000:.2f}ms ({pipe.intercept * 1000:.0f}ms a run) "
                  f"ratio={pipe.slope / bare.slope:.2f}x (target <= 1.2x; fit per run: median "
                  f"{statistics.median(per_run):.2f}x, {per_run[0]:.2f}-{per_run[-1]:.2f}x)")
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
