"""Mutated draft folders through every editor command (issue M): whatever an editor
or a crash did to the folder, no command ends in a traceback, every exit status is
one README documents, and every byte the editor wrote into page.md is still in
page.md or was kept in history/.

A seeded generator rather than hypothesis: each case is a whole drafted folder and
eight CLI runs, so the cases are few and chosen to cover each mutation kind; the
seed makes a failure reproducible (the case number is in the assertion)."""
from __future__ import annotations

import json
import random
import shutil

import pytest
from typer.testing import CliRunner

from authoring.cli import app
from tests.conftest import EXAMPLE

SLUG = "leaving-las-vegas-1995"
CASES = 36
DOCUMENTED = {0, 1, 2}


def cli(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """One drafted folder (and its cache), copied for every case."""
    from tests.fake_openai import FakeOpenAI
    root = tmp_path_factory.mktemp("pristine")
    seed = root / "seed.yaml"
    shutil.copy(EXAMPLE, seed)
    with FakeOpenAI(models=("test-model",)) as server, pytest.MonkeyPatch.context() as mp:
        mp.setenv("OPENAI_BASE_URL", server.base_url)
        mp.setenv("OPENAI_API_KEY", "sk-test")
        mp.setenv("AUTHORING_MODEL", "test-model")
        result = cli("draft", seed, "--out", root / "out")
        assert result.exit_code == 0, result.output
    return root


# --- what an editor (or a crash) does to page.md -------------------------------------------------

def _headings(lines):
    return [i for i, line in enumerate(lines) if line.startswith("## ")]


def dup_heading(rng, page, mark):
    lines = page.split("\n")
    at = rng.choice(_headings(lines))
    heading = rng.choice([lines[i] for i in _headings(lines)])
    lines[at:at] = [heading, f"{mark} the editor's own copy of this section.", ""]
    return "\n".join(lines)


def reorder(rng, page, mark):
    head, *chunks = page.split("\n## ")
    rng.shuffle(chunks)
    chunks[0] = chunks[0].rstrip("\n") + f"\n{mark} moved here by the editor.\n"
    return "\n## ".join([head, *chunks])


def fence(rng, page, mark):
    lines = page.split("\n")
    at = rng.choice(_headings(lines)[1:]) + 2
    block = ["```", "## FAQ", f"### {mark} Is it sad?", "Very."]
    if rng.random() < 0.7:
        block.append("```")  # else: a fence the editor never closed
    lines[at:at] = block
    return "\n".join(lines)


def preamble(rng, page, mark):
    title, rest = page.split("\n", 1)
    return f"{title}\n\n{mark} an editor's introduction.\n{rest}"


def unknown_section(rng, page, mark):
    lines = page.split("\n")
    at = rng.choice(_headings(lines))
    lines[at:at] = ["## Editor Notes", f"{mark} remember to check the runtime.", ""]
    return "\n".join(lines)


def edit_body(rng, page, mark):
    lines = page.split("\n")
    at = rng.choice([i for i, line in enumerate(lines) if line and not line.startswith("#")])
    lines[at] = f"{lines[at]} {mark} rewritten by hand."
    return "\n".join(lines)


def crlf(rng, page, mark):
    return edit_body(rng, page, mark).replace("\n", "\r\n")


def truncate(rng, page, mark):
    cut = rng.randrange(len(page) // 4, len(page))
    return page[:cut] + f"\n{mark}"


PAGE_EDITS = [dup_heading, reorder, fence, preamble, unknown_section, edit_body, crlf, truncate]


def to_bytes(rng, text, mark):
    """Most pages stay UTF-8; some are saved as Windows-1252 or get binary junk."""
    roll = rng.random()
    if roll < 0.15:
        return text.encode("cp1252", errors="replace") + f"\n\u201c{mark}\u201d saved by Word.\n".encode("cp1252")
    if roll < 0.22:
        return text.encode() + b"\x00\xff\xfe" + mark.encode() + b"\x80\n"
    return text.encode()


# --- what a crash or a careless hand does to the other files -------------------------------------

def _broken_json(rng, data: bytes) -> bytes:
    return rng.choice([b"", data[: rng.randrange(1, max(2, len(data)))], b"[1, 2, 3]", b"{}", b'{"sections": []}',
                       b'{"sections": {"faq": "generated"}}', b"\xff\xfe\x00junk", b"null"])


def damage_manifest(rng, folder):
    path = folder / "manifest.json"
    path.write_bytes(_broken_json(rng, path.read_bytes()))


def damage_section_entry(rng, folder):
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    sid = rng.choice(list(manifest["sections"]))
    manifest["sections"][sid] = rng.choice(["faq", 3, None, [], {"made_by": 7}, {"body_hash": {"a": 1}}])
    path.write_text(json.dumps(manifest))


def damage_cache(rng, folder):
    path = folder.parent / ".cache" / f"{SLUG}.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    at = rng.randrange(len(lines))
    lines[at] = rng.choice([lines[at][: len(lines[at]) // 2], b'{"key": "x", "value": {}}\n', b"\xff\n",
                            json.dumps({"key": json.loads(lines[at])["key"], "value": {"usage": 1}}).encode() + b"\n"])
    path.write_bytes(b"".join(lines))


def damage_review(rng, folder):
    (folder / "review.json").write_bytes(_broken_json(rng, b'{"decisions": {}}'))


def damage_derived(rng, folder):
    name = rng.choice(["flags.json", "sections.json", "page.html", "manifest.prev.json"])
    path = folder / name
    if path.exists() and rng.random() < 0.5:
        path.unlink()
    else:
        path.write_bytes(_broken_json(rng, b"{}"))


FILE_DAMAGE = [damage_manifest, damage_section_entry, damage_cache, damage_review, damage_derived]


def kept(folder, needle: bytes) -> bool:
    """The editor's bytes are still in page.md or in a file under history/."""
    places = [folder / "page.md", *sorted((folder / "history").glob("*"))] if folder.exists() else []
    return any(p.is_file() and needle in p.read_bytes() for p in places)


COMMANDS = [
    ("status", "{d}"), ("status", "{d}", "--json"), ("review", "{d}"), ("check", "{d}"),
    ("regen", "{d}", "faq"), ("regen", "{d}", "--stale"), ("draft", "{seed}", "--out", "{out}"),
    ("regen", "{d}", "faq", "--force"), ("draft", "{seed}", "--out", "{out}", "--force"),
]


@pytest.mark.parametrize("case", range(CASES))
def test_mutated_folder_through_every_command(case, pristine, model_env, tmp_path):
    rng = random.Random(case)
    root = tmp_path / "w"
    shutil.copytree(pristine, root)
    folder, seed, out = root / "out" / SLUG, root / "seed.yaml", root / "out"
    mark = f"EDITOR-{case:03d}-{rng.randrange(16 ** 6):06x}"
    page = (folder / "page.md").read_text(encoding="utf-8")
    for edit in rng.sample(PAGE_EDITS, rng.randint(1, 2)):
        page = edit(rng, page, mark)
    raw = to_bytes(rng, page, mark)
    (folder / "page.md").write_bytes(raw)
    if rng.random() < 0.5:
        rng.choice(FILE_DAMAGE)(rng, folder)
    needle = mark.encode()
    assert kept(folder, needle)
    for command in COMMANDS:
        args = [a.format(d=folder, seed=seed, out=out) for a in command]
        result = cli(*args)
        where = f"case {case}: {' '.join(command)}"
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            (where, repr(result.exception), result.output)
        assert "Traceback" not in result.output, (where, result.output)
        assert result.exit_code in DOCUMENTED, (where, result.exit_code, result.output)
        assert kept(folder, needle), (where, "the editor's words are gone", result.output)
