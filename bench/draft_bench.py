"""Benchmark: draft the example against a local fake OpenAI-compatible server
with a fixed latency per call, and print

  wall / critical path   the page's wall time over its slowest section's chain
                         of calls (target <= 1.15 with concurrency >= sections)
  CPU per call           the pipeline's process CPU per model call over a bare
                         openai SDK call's to the same server (target <= 1.2x)

The server runs in its own process so that its CPU is not counted.

    python bench/draft_bench.py [--latency 0.2] [--runs 5] [--concurrency 16]
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from authoring import prompting  # noqa: E402
from authoring.cache import Cache  # noqa: E402
from authoring.draft import plan  # noqa: E402
from authoring.facts import load_facts  # noqa: E402
from authoring.llm import Settings, modes  # noqa: E402
from authoring.pipeline import generate  # noqa: E402


def start_server(latency: float) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "tests.fake_openai", "--port", "0", "--latency", str(latency)],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    url = next(word for word in line.split() if word.startswith("http://"))
    return proc, url


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--facts", default=str(ROOT / "examples" / "leaving-las-vegas.yaml"))
    args = parser.parse_args()

    facts = load_facts(args.facts).facts
    sections = [s for s in plan(facts)[0] if s.output]
    proc, url = start_server(args.latency)
    try:
        settings = Settings(base_url=url, api_key="bench", model="fake-model", concurrency=args.concurrency)
        requests = [{"messages": prompting.messages(s, facts), **modes.request("json_schema", s.id, s.schema(facts, "json_schema"))}
                    for s in sections]
        asyncio.run(generate(facts, settings, sections, Cache(None)))  # warm-up: imports, compiled templates
        asyncio.run(bare_calls(url, requests, args.concurrency))
        ratios, pipe_cpu, bare_cpu = [], [], []
        for _ in range(args.runs):
            wall0, cpu0 = time.perf_counter(), time.process_time()
            results = asyncio.run(generate(facts, settings, sections, Cache(None)))
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            calls = sum(r.usage.calls for r in results.values())
            critical = max(r.usage.seconds for r in results.values())
            ratios.append(wall / critical)
            pipe_cpu.append(cpu / calls)
            wall0, cpu0 = time.perf_counter(), time.process_time()
            asyncio.run(bare_calls(url, requests * (calls // len(requests) or 1), args.concurrency))
            bare_cpu.append((time.process_time() - cpu0) / (len(requests) * (calls // len(requests) or 1)))
        print(f"sections={len(sections)} calls_per_draft={calls} latency={args.latency}s concurrency={args.concurrency} runs={args.runs}")
        print(f"wall={wall:.3f}s critical_path={critical:.3f}s wall/critical={statistics.median(ratios):.3f} (target <= 1.15)")
        p, b = statistics.median(pipe_cpu), statistics.median(bare_cpu)
        print(f"cpu_per_call pipeline={p * 1000:.2f}ms bare_sdk={b * 1000:.2f}ms ratio={p / b:.2f}x (target <= 1.2x)")
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
