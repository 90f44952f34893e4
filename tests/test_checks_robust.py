"""The checker on pages nobody meant to write: a title that is a number, pages a
few megabytes long, pages that are not files, empty and non-UTF-8 pages, and
pages mutated at random (a seeded generator) that must never make it raise or
take more than time linear in their size."""
from __future__ import annotations

import contextlib
import json
import os
import random
import re
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from authoring.checks import Flag, check_page
from authoring.facts import load_facts, parse_facts
from tests.conftest import EXAMPLE, ROOT, SHARED

DEV = SHARED / "eval" / "dev"


def example_page() -> str:
    """The example film's page as `draft` writes it with the fake model's minimal answers."""
    from authoring.chunks import assemble
    from authoring.sections import plan
    from tests.fake_openai import example_for

    facts = load_facts(EXAMPLE).facts
    present, _ = plan(facts)
    bodies = {s.id: s.render(facts, s.validate(facts, json.dumps(example_for(s.schema(facts)))) if s.output else None)
              for s in present}
    return assemble(facts, bodies)


def cpu_seconds(fn) -> float:
    started = time.process_time()
    fn()
    return time.process_time() - started


@contextlib.contextmanager
def cpu_deadline(seconds: float):
    """Fail (not hang) when the block uses more than `seconds` of CPU time."""
    def expired(signum, frame):
        raise TimeoutError(f"more than {seconds:.1f} s of CPU time")
    old = signal.signal(signal.SIGVTALRM, expired)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, old)


# ---------------------------------------------------------------- 7: a title that is a number

SEED_300 = (EXAMPLE.read_text(encoding="utf-8")
            .replace("title: Leaving Las Vegas", 'title: "300"', 1)
            .replace("budget: 3600000", "budget: 1300", 1))


def test_a_title_made_of_digits_is_not_read_inside_a_figure():
    facts = parse_facts(SEED_300.encode("utf-8")).facts
    assert facts.title == "300" and facts.box_office.budget == 1300
    page = ("# 300 (1995)\n\n## Box Office\n- Budget: $1,300\n- Domestic gross: $32,030,000\n\n"
            "## Behind the Scenes\n300 was made for $1,300, about 1.300 thousand dollars.\n")
    money = [f for f in check_page(facts, page) if f.rule.startswith("numbers.")]
    assert money == [], money


def test_a_title_made_of_digits_still_lets_a_wrong_figure_be_caught_whole():
    facts = parse_facts(SEED_300.encode("utf-8")).facts
    page = "# 300 (1995)\n\n## Box Office\n- Budget: $2,300\n"
    flags = [f for f in check_page(facts, page) if f.rule == "numbers.money"]
    assert [(f.excerpt, f.expected) for f in flags] == [("$2,300", "$1,300")]


# ---------------------------------------------------------------- 9: linear time

def long_pages(page: str, size: int, seed: int) -> tuple[str, str]:
    """A single paragraph and a page of many lines, each about `size` characters, from
    the lines of `page` with two words of each changed at random: no two lines alike."""
    rng = random.Random(seed)
    lines = page.split("\n")
    vocab = sorted(set(re.findall(r"[A-Za-z][a-z]+", page)))
    out, n = [], 0
    while n < size:
        for line in lines[1:]:
            words = line.split(" ")
            if len(words) > 3 and not line.startswith("#"):
                for _ in range(2):
                    words[rng.randrange(1, len(words))] = rng.choice(vocab)
            out.append(" ".join(words))
            n += len(out[-1]) + 1
    many = lines[0] + "\n" + "\n".join(out)[:size] + "\n"
    prose = " ".join(re.sub(r"^\s*(?:[-*]|\d+[.)])\s+", "", x) for x in out if x.strip() and not x.startswith("#"))
    para = lines[0] + "\n\n## Detailed Plot Synopsis\n" + prose[:size] + "\n"
    return para, many


def test_check_takes_time_linear_in_a_long_paragraph_and_in_many_lines():
    facts = load_facts(EXAMPLE).facts
    page = example_page()
    small, big = long_pages(page, 100_000, 1), long_pages(page, 400_000, 2)
    for shape, (s, b) in zip(("one paragraph", "many lines"), zip(small, big)):
        t_small = cpu_seconds(lambda: check_page(facts, s))
        budget = max(2.5, 8 * t_small)   # four times the text: linear is about 4x the time, quadratic 16x
        try:
            with cpu_deadline(budget):
                t_big = cpu_seconds(lambda: check_page(facts, b))
        except TimeoutError as exc:
            pytest.fail(f"{shape}: {len(s):,} characters took {t_small:.2f} s, {len(b):,} took {exc}")
        assert t_big <= budget, (shape, t_small, t_big)


# ---------------------------------------------------------------- 10: pages that are not files

def run_check(*pages: str | Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """`authoring check --facts EXAMPLE PAGE...` in a process that may use 1 GB at most
    (reading /dev/zero to the end must fail, not take the machine's memory)."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    return subprocess.run([sys.executable, "-m", "authoring", "check", "--facts", str(EXAMPLE), *map(str, pages)],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT, preexec_fn=limit)


@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "/dev/urandom"])
def test_a_page_that_is_not_a_file_is_refused_at_once(tmp_path, kind):
    if kind == "fifo":
        path = tmp_path / "page.md"
        os.mkfifo(path)
    else:
        path = Path(kind)
    try:
        got = run_check(path, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail(f"authoring check on {kind} did not return")
    assert got.returncode == 2, got.stderr
    assert str(path) in got.stderr and "not a regular file" in got.stderr
    assert "Traceback" not in got.stderr


def test_a_draft_folder_whose_page_is_a_pipe_is_refused(tmp_path):
    os.mkfifo(tmp_path / "page.md")
    got = run_check(tmp_path, timeout=30)
    assert got.returncode == 2 and str(tmp_path / "page.md") in got.stderr, got.stderr


# ---------------------------------------------------------------- minor: empty and non-UTF-8 pages

@pytest.mark.parametrize("text", ["", "\n\n  \n", "\r\n"])
def test_an_empty_page_is_an_error_not_a_clean_page(text):
    flags = check_page(load_facts(EXAMPLE).facts, text)
    assert [(f.rule, f.severity, f.line) for f in flags] == [("page.empty", "error", 1)]


def test_an_empty_page_file_fails_check_and_a_non_utf8_one_is_named(tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    got = run_check(empty)
    assert got.returncode == 1 and "page.empty" in got.stdout, got.stdout + got.stderr
    latin = tmp_path / "latin1.md"
    latin.write_bytes("# Leaving Las Vegas (1995)\n\n## Quick Overview\n- Genres: Drama, Caf\u00e9\n".encode("latin-1"))
    got = run_check(latin)
    assert got.returncode == 2 and str(latin) in got.stderr and "UTF-8" in got.stderr, got.stderr
    assert "Traceback" not in got.stderr


# ---------------------------------------------------------------- random mutation

MARKUP = ["#", "## ", "### ", "## FAQ", "## Box Office", "### Is it sad?", "- ", "* ", "1. ", "```", "~~~", "> ",
          "|", "**", "_", "[", "](", ")", "(", '"', "'", "\u201c", "\u201d", "\u2018", "\u2019", "$", "%", "/", ":",
          "\t", "\r", "\r\n", "\x00", "\u200b", "\ufffd", "1995", "$1,300", "2h 5min", "Nicolas Cage", "Oscar"]


def mutate(page: str, rng: random.Random) -> str:
    """One to four random edits of the kinds an editor's slip or a broken tool makes."""
    lines = page.split("\n")
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(9)
        if op == 0:     # a heading repeated elsewhere
            heads = [ln for ln in lines if ln.startswith("#")] or ["## FAQ"]
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(heads))
        elif op == 1:   # two sections swapped
            starts = [i for i, ln in enumerate(lines) if ln.startswith("## ")]
            if len(starts) >= 3:
                a, b = sorted(rng.sample(range(len(starts) - 1), 2))
                sa, sb = lines[starts[a]:starts[a + 1]], lines[starts[b]:starts[b + 1]]
                lines = lines[:starts[a]] + sb + lines[starts[a + 1]:starts[b]] + sa + lines[starts[b + 1]:]
        elif op == 2:   # a fence opened and never closed
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(["```", "```python", "~~~"]))
        elif op == 3:   # bytes that were not UTF-8, read with replacement characters
            raw = bytearray("\n".join(lines).encode("utf-8"))
            for _ in range(rng.randint(1, 20)):
                raw.insert(rng.randrange(len(raw) + 1), rng.choice([0xff, 0xfe, 0xc3, 0x80, 0xe2, 0x9d]))
            lines = raw.decode("utf-8", errors="replace").split("\n")
        elif op == 4:   # a huge line: a stretch of the page run together and repeated, words changed
            i = rng.randrange(len(lines))
            words = " ".join(lines[i:i + 30]).split(" ")
            out = []
            while sum(map(len, out)) < rng.choice([5_000, 20_000, 60_000]):
                w = list(words)
                w[rng.randrange(len(w))] = rng.choice(MARKUP)
                out.append(" ".join(w))
            lines[i] = " ".join(out)
        elif op == 5:   # a stretch deleted
            text = "\n".join(lines)
            a = rng.randrange(len(text) + 1)
            lines = (text[:a] + text[a + rng.randint(1, 400):]).split("\n")
        elif op == 6:   # Markdown syntax inserted here and there
            text = "\n".join(lines)
            for _ in range(rng.randint(1, 15)):
                a = rng.randrange(len(text) + 1)
                text = text[:a] + rng.choice(MARKUP) + text[a:]
            lines = text.split("\n")
        elif op == 7:   # CR/LF mixed: CRLF, lone CR, CR in the middle of a line
            text = "\n".join(lines)
            text = "".join(ch if ch != "\n" else rng.choice(["\n", "\r\n", "\r", "\n\r"]) for ch in text)
            lines = text.split("\n")
        else:           # single characters dropped
            text = "\n".join(lines)
            for _ in range(rng.randint(1, 30)):
                if text:
                    a = rng.randrange(len(text))
                    text = text[:a] + text[a + 1:]
            lines = text.split("\n")
    return "\n".join(lines)


def base_pages() -> list[tuple[object, str]]:
    cases = [(load_facts(EXAMPLE).facts, example_page())]
    for case in sorted(DEV.iterdir()) if DEV.is_dir() else []:
        if (case / "page.md").is_file():
            cases.append((load_facts(case / "facts.yaml").facts, (case / "page.md").read_text(encoding="utf-8")))
    return cases


def test_mutated_pages_never_make_the_checker_raise_or_take_more_than_linear_time():
    rng = random.Random(20240612)
    cases = base_pages()
    per_char = max(cpu_seconds(lambda: check_page(f, p)) / len(p) for f, p in cases)   # warm, clean pages
    checked = 0
    started = time.monotonic()
    while checked < 400 and time.monotonic() - started < 15:
        facts, page = cases[checked % len(cases)]
        text = mutate(page, rng)
        budget = 0.5 + 20 * per_char * len(text)
        try:
            with cpu_deadline(budget):
                flags = check_page(facts, text)
        except TimeoutError as exc:
            pytest.fail(f"mutant {checked} ({len(text):,} characters) took {exc}; budget {budget:.2f} s\n{text[:2000]!r}")
        lines = text.split("\n")
        for flag in flags:
            assert isinstance(flag, Flag) and 1 <= flag.line <= len(lines) + 1, (checked, flag)
            assert flag.excerpt in lines[flag.line - 1] if flag.line <= len(lines) else not flag.excerpt, (checked, flag)
        checked += 1
    assert checked >= 100
