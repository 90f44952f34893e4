"""Benchmark `authoring batch`: N titles (seed variants of the example) against a
fake OpenAI-compatible server in its own process, with a fixed latency per call.

Prints
  server       bare openai SDK calls at the same concurrency against the server,
               as a share of the ideal: can the server keep up? (both the stock
               tests.fake_openai and tests.fake_batch, which is the same server
               with a 1024 listen backlog and TCP_NODELAY)
  throughput   the batch's calls x latency / concurrency over its wall time
               (the share of the ideal; target >= 85%)
  cpu          the CPU of the batch and its worker processes per model call (and
               per title), next to a bare SDK call's
  memory       ru_maxrss (peak RSS) after N/10 and after N titles, and with
               --tracemalloc the traced Python heap's peak (flat: the N-title
               figures stay close to the N/10 ones); the largest worker's peak RSS

    python bench/batch_bench.py [--titles 1000] [--latency 0.2] [--concurrency 64] [--workers N] [--tracemalloc]

Each measured batch runs in a fresh child process (its own ru_maxrss) with a
fresh output folder, so nothing is skipped or cached.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "examples" / "leaving-las-vegas.yaml"


# ---------------------------------------------------------------- helpers

def start_server(module: str, latency: float) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", module, "--port", "0", "--latency", str(latency)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    url = next(word for word in line.split() if word.startswith("http://"))
    return proc, url


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def make_seeds(folder: Path, n: int) -> list[Path]:
    text = EXAMPLE.read_text(encoding="utf-8")
    head, sep, rest = text.partition("\n")
    assert head.startswith("title:"), "the example's first line is its title"
    paths = []
    for i in range(n):
        path = folder / f"seed-{i:05d}.yaml"
        path.write_text(f"title: Bench Film {i}{sep}{rest}", encoding="utf-8")
        paths.append(path)
    return paths


async def bare_calls(url: str, n: int, concurrency: int) -> tuple[float, float, int]:
    """n plain SDK calls with a section-sized prompt: (wall, cpu per call, errors)."""
    import openai
    from authoring import prompting
    from authoring.sections import plan
    from authoring.facts import load_facts
    from authoring.llm import BACKENDS

    facts = load_facts(EXAMPLE).facts
    bodies = [{"messages": prompting.messages(s, facts), **BACKENDS["json_schema"].request(s.id, s.schema(facts))}
              for s in plan(facts)[0] if s.output]
    client = openai.AsyncOpenAI(base_url=url, api_key="bench", max_retries=0,
                                http_client=openai.DefaultAioHttpClient())  # as authoring's ModelClient
    limit = asyncio.Semaphore(concurrency)
    errors = 0

    async def one(i: int) -> None:
        nonlocal errors
        async with limit:
            try:
                await client.chat.completions.create(model="fake-model", **bodies[i % len(bodies)])
            except Exception:  # noqa: BLE001 - counted
                errors += 1

    await asyncio.gather(*(one(i) for i in range(min(n, 64))))  # warm-up: imports, connections
    wall0, cpu0 = time.perf_counter(), time.process_time()
    await asyncio.gather(*(one(i) for i in range(n)))
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    await client.close()
    return wall, cpu / n, errors


def server_probe(module: str, latency: float, concurrency: int, n: int) -> dict:
    proc, url = start_server(module, latency)
    try:
        wall, cpu, errors = asyncio.run(bare_calls(url, n, concurrency))
    finally:
        stop(proc)
    ideal = n * latency / concurrency
    return {"module": module, "calls": n, "wall": wall, "share": ideal / wall, "cpu_per_call": cpu, "errors": errors}


# ---------------------------------------------------------------- the measured batch (child process)

def child(args) -> None:
    """Run one batch in this process and print its figures as JSON on stdout."""
    from rich.console import Console

    from authoring import batch as batch_mod
    from authoring.llm import Settings

    seeds = sorted(Path(args.seeds).glob("*.yaml"))[: args.child]
    out = Path(args.out)
    settings = Settings(base_url=args.url, api_key="bench", model="fake-model", concurrency=args.concurrency,
                        mode="json_schema")
    console = Console(file=open(os.devnull, "w"), stderr=False)
    if args.tracemalloc:
        import tracemalloc
        tracemalloc.start()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    result = batch_mod.run_batch(seeds, settings, batch_mod.Options(out=out, workers=args.workers), console)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    peak = None
    if args.tracemalloc:
        import tracemalloc
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    t = result.report["totals"]
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the worker processes, all joined by now
    print(json.dumps({"titles": len(seeds), "drafted": t["drafted"], "calls": t["this_run"]["calls"],
                      "retries": t["this_run"]["retries"], "wall": wall, "cpu": cpu,
                      "workers": result.report["workers"], "workers_cpu": workers.ru_utime + workers.ru_stime,
                      "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                      "workers_maxrss_kb": workers.ru_maxrss, "tracemalloc_peak": peak}))


def run_child(args, n: int, url: str, work: Path, tracemalloc_on: bool) -> dict:
    out = Path(tempfile.mkdtemp(prefix="out-", dir=work))
    cmd = [sys.executable, __file__, "--child", str(n), "--seeds", str(work / "seeds"), "--out", str(out),
           "--url", url, "--concurrency", str(args.concurrency)]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    if tracemalloc_on:
        cmd.append("--child-tracemalloc")
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- main

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--tracemalloc", dest="with_tracemalloc", action="store_true",
                        help="also measure the tracemalloc peak at N/10 and N titles (two more runs, about 3x "
                             "slower each: tracing costs CPU)")
    parser.add_argument("--server", default="tests.fake_batch", help="server module for the batch runs")
    parser.add_argument("--workers", type=int, help="worker processes (default: what `authoring batch` picks)")
    # internal: one measured batch in a child process
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--seeds", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--child-tracemalloc", dest="tracemalloc", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    n, small = args.titles, max(1, args.titles // 10)
    lat, conc = args.latency, args.concurrency
    probe_calls = max(640, conc * 20)
    print(f"titles={n} latency={lat}s concurrency={conc} cpus={os.cpu_count()}", flush=True)
    for module in ("tests.fake_openai", "tests.fake_batch"):
        p = server_probe(module, lat, conc, probe_calls)
        print(f"server {module:<17} bare SDK: {p['calls']} calls in {p['wall']:.2f}s = {p['share']:.0%} of ideal, "
              f"{p['errors']} connection errors, client cpu/call {p['cpu_per_call'] * 1000:.2f}ms", flush=True)
    bare_cpu = p["cpu_per_call"]

    with tempfile.TemporaryDirectory(prefix="batch-bench-") as tmp:
        work = Path(tmp)
        (work / "seeds").mkdir()
        make_seeds(work / "seeds", n)
        proc, url = start_server(args.server, lat)
        try:
            runs = {}
            for size in (small, n):
                r = run_child(args, size, url, work, tracemalloc_on=False)
                runs[size] = r
                ideal = r["calls"] * lat / conc
                print(f"batch {size:>5} titles: {r['drafted']} drafted, {r['calls']} calls ({r['retries']} retries) "
                      f"in {r['wall']:.1f}s with {r['workers']} worker process(es); ideal {ideal:.1f}s; "
                      f"throughput {ideal / r['wall']:.0%} of ideal (target >= 85%)", flush=True)
            big = runs[n]
            total_cpu = big["cpu"] + big["workers_cpu"]
            print(f"cpu    {total_cpu / max(1, big['calls']) * 1000:.2f}ms per call, {total_cpu / n * 1000:.1f}ms per "
                  f"title (bare SDK {bare_cpu * 1000:.2f}ms per call): the batch process "
                  f"{big['cpu'] / n * 1000:.1f}ms, its workers {big['workers_cpu'] / n * 1000:.1f}ms a title; "
                  f"{total_cpu / big['wall'] / (os.cpu_count() or 1):.0%} of the machine's CPUs over the run",
                  flush=True)
            line = (f"memory ru_maxrss {runs[small]['maxrss_kb'] / 1024:.1f} MB at {small} titles, "
                    f"{big['maxrss_kb'] / 1024:.1f} MB at {n} titles (largest worker "
                    f"{runs[small]['workers_maxrss_kb'] / 1024:.1f} MB, {big['workers_maxrss_kb'] / 1024:.1f} MB)")
            if args.with_tracemalloc:
                peaks = {size: run_child(args, size, url, work, tracemalloc_on=True)["tracemalloc_peak"]
                         for size in (small, n)}
                line += (f"; tracemalloc peak {peaks[small] / 2**20:.1f} MB at {small} titles, "
                         f"{peaks[n] / 2**20:.1f} MB at {n} titles")
            print(line, flush=True)
        finally:
            stop(proc)


if __name__ == "__main__":
    main()
