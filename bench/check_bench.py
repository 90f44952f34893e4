"""Benchmark: the fact checker's time per page, as the pipeline calls it.

  section pages   section_flags (check_page on a one-section page) on the
                  example film's sections as the fake model writes them
                  (target: average <= 0.3 ms)
  dev sections    the same on each `## ` section of the Leaving Las Vegas dev
                  page, as a mini page `# Title (Year)` + that section
  full pages      check_page on each dev page against its facts.yaml
  long pages      check_page on pages of --long-mb megabytes (default 5) made from
                  the Leaving Las Vegas dev page (or the example page): one single
                  paragraph and one of many lines, each as the page repeated
                  (the shape of the issue's probe, and of a model stuck in a loop)
                  and with two words of every line changed at random (no two
                  lines alike: what the checker costs per distinct line); seconds
                  per page, wall clock and CPU (target: at most 5 s)

Each per-page figure is the best of --repeat batches of --reps calls (after a
warm-up call), in milliseconds per call; the long pages are checked once each.

    python bench/check_bench.py [--reps 200] [--repeat 5] [--long-mb 5] [--profile]
"""
from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from authoring.checks import check_page  # noqa: E402
from authoring.facts import load_facts  # noqa: E402
from authoring.pipeline import section_flags  # noqa: E402
from authoring.sections import SECTIONS  # noqa: E402
from tests.fake_openai import example_for  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "dev"


def per_call_ms(fn, reps: int, repeat: int) -> float:
    fn()  # warm-up: builds the facts index, fills caches
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        best = min(best, (time.perf_counter() - t0) / reps)
    return best * 1000


def section_bodies(facts) -> dict[str, str]:
    return {s.id: s.render(facts, s.validate(facts, json.dumps(example_for(s.schema(facts)))))
            for s in SECTIONS.values() if s.output}


def dev_sections(facts, page: str) -> list[tuple[str, str]]:
    """Each `## ` section of a page as a mini page of its own."""
    out, heading, body = [], None, []
    for line in page.split("\n"):
        if line.startswith("## "):
            if heading is not None:
                out.append((heading, body))
            heading, body = line[3:], []
        elif heading is not None:
            body.append(line)
    if heading is not None:
        out.append((heading, body))
    return [(h, f"# {facts.title} ({facts.year})\n\n## {h}\n" + "\n".join(b).strip("\n") + "\n") for h, b in out]


def long_pages(page: str, size: int, vary: bool, seed: int = 0) -> tuple[str, str]:
    """A single-paragraph page and a many-line page of `size` characters from the lines
    of `page` (title line kept), repeated; with vary, two words of every line replaced
    by other words of the page at random."""
    rng = random.Random(seed)
    lines = page.split("\n")
    vocab = sorted(set(re.findall(r"[A-Za-z][a-z]+", page)))
    out, n = [], 0
    while n < size * 1.3:   # the paragraph loses the headings and list marks
        for line in lines[1:]:
            words = line.split(" ")
            if vary and len(words) > 3 and not line.startswith("#"):
                for _ in range(2):
                    words[rng.randrange(1, len(words))] = rng.choice(vocab)
            out.append(" ".join(words))
            n += len(out[-1]) + 1
    many = (lines[0] + "\n" + "\n".join(out))[:size - 1] + "\n"
    prose = " ".join(re.sub(r"^\s*(?:[-*]|\d+[.)])\s+", "", x) for x in out if x.strip() and not x.startswith("#"))
    head = lines[0] + "\n\n## Detailed Plot Synopsis\n"
    para = head + prose[:size - len(head) - 1] + "\n"
    return para, many


def long_page_seconds(facts, page: str, mb: float) -> None:
    size = int(mb * 1_000_000)
    print(f"long pages ({mb:g} MB, check_page once each), seconds per page:")
    for vary in (False, True):
        para, many = long_pages(page, size, vary)
        for shape, text in (("single paragraph", para), ("many lines", many)):
            wall, cpu = time.perf_counter(), time.process_time()
            flags = check_page(facts, text)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            what = f"{shape}, {'no two lines alike' if vary else 'repeated'}"
            print(f"  {what:<36} {wall:6.2f} s wall {cpu:6.2f} s CPU  ({len(text):,} chars, {len(flags)} flags)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=200, help="calls per batch (full pages: a tenth)")
    ap.add_argument("--repeat", type=int, default=5, help="batches; the best is reported")
    ap.add_argument("--long-mb", type=float, default=5.0, help="size of the long pages in MB (0: skip them)")
    ap.add_argument("--profile", action="store_true", help="print a cProfile of the section pages instead")
    args = ap.parse_args()

    facts = load_facts(ROOT / "examples" / "leaving-las-vegas.yaml").facts
    bodies = section_bodies(facts)

    if args.profile:
        import cProfile
        import pstats
        for sid, body in bodies.items():
            section_flags(facts, SECTIONS[sid], body)
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(100):
            for sid, body in bodies.items():
                section_flags(facts, SECTIONS[sid], body)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        return

    print("section pages (section_flags, example film), ms per call:")
    times = []
    for sid, body in bodies.items():
        ms = per_call_ms(lambda: section_flags(facts, SECTIONS[sid], body), args.reps, args.repeat)
        times.append(ms)
        print(f"  {sid:<20} {ms:7.3f}")
    print(f"  {'average':<20} {statistics.mean(times):7.3f}")

    llv = DEV / "leaving-las-vegas-1995"
    if llv.exists():
        dev_facts = load_facts(llv / "facts.yaml").facts
        print("dev page sections (Leaving Las Vegas, mini pages), ms per call:")
        times = []
        for heading, page in dev_sections(dev_facts, (llv / "page.md").read_text(encoding="utf-8")):
            ms = per_call_ms(lambda: check_page(dev_facts, page), args.reps, args.repeat)
            times.append(ms)
            print(f"  {heading[:32]:<32} {ms:7.3f}")
        print(f"  {'average':<32} {statistics.mean(times):7.3f}")

    print("full dev pages (check_page), ms per page:")
    times = []
    for case in sorted(p for p in DEV.iterdir() if (p / "page.md").exists()) if DEV.exists() else []:
        f = load_facts(case / "facts.yaml").facts
        text = (case / "page.md").read_text(encoding="utf-8")
        ms = per_call_ms(lambda: check_page(f, text), max(1, args.reps // 10), args.repeat)
        times.append(ms)
        print(f"  {case.name:<32} {ms:7.3f}")
    if times:
        print(f"  {'average':<32} {statistics.mean(times):7.3f}")

    if args.long_mb > 0:
        if llv.exists():
            long_page_seconds(dev_facts, (llv / "page.md").read_text(encoding="utf-8"), args.long_mb)
        else:
            from authoring.chunks import assemble
            from authoring.sections import plan
            present, _ = plan(facts)
            page = assemble(facts, {s.id: bodies.get(s.id) or s.render(facts) for s in present})
            long_page_seconds(facts, page, args.long_mb)


if __name__ == "__main__":
    main()
