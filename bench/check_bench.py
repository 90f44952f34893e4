"""Benchmark: the fact checker's time per page, as the pipeline calls it.

  section pages   section_flags (check_page on a one-section page) on the
                  example film's sections as the fake model writes them
                  (target: average <= 0.3 ms)
  dev sections    the same on each `## ` section of the Leaving Las Vegas dev
                  page, as a mini page `# Title (Year)` + that section
  full pages      check_page on each dev page against its facts.yaml

Each figure is the best of --repeat batches of --reps calls (after a warm-up
call), in milliseconds per call.

    python bench/check_bench.py [--reps 200] [--repeat 5] [--profile]
"""
from __future__ import annotations

import argparse
import json
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=200, help="calls per batch (full pages: a tenth)")
    ap.add_argument("--repeat", type=int, default=5, help="batches; the best is reported")
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
    for case in sorted(p for p in DEV.iterdir() if (p / "page.md").exists()) if DEV.exists() else []:
        f = load_facts(case / "facts.yaml").facts
        text = (case / "page.md").read_text(encoding="utf-8")
        ms = per_call_ms(lambda: check_page(f, text), max(1, args.reps // 10), args.repeat)
        print(f"  {case.name:<32} {ms:7.3f}")


if __name__ == "__main__":
    main()
