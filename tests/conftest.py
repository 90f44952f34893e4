"""Shared fixtures: the scripted fake model server and an environment pointing at it."""
from __future__ import annotations

from pathlib import Path

import shutil

import pytest
from typer.testing import CliRunner

from tests.fake_openai import FakeOpenAI

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "leaving-las-vegas.yaml"
SHARED = ROOT.parent / "shared"
SECRET = "sk-test-SECRET-0123456789abcdef"
SLUG = "leaving-las-vegas-1995"
FAQ_REPLY = {"entries": [
    {"question": "Who directed it?", "answer": "Mike Figgis directed it."},
    {"question": "Where is it set?", "answer": "It is set in Las Vegas."},
    {"question": "Is it based on a book?", "answer": "Yes, a novel by John O'Brien."}]}


def cli(*args):
    """The real command line, run in this process."""
    from authoring.cli import app
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def fake():
    with FakeOpenAI(models=("test-model",)) as server:
        yield server


@pytest.fixture
def model_env(fake, monkeypatch):
    """The standard variables aimed at the fake server, with a key that must never leak."""
    monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("AUTHORING_MODEL", "test-model")
    for var in ("AUTHORING_MODE", "AUTHORING_CONCURRENCY", "AUTHORING_ATTEMPTS"):
        monkeypatch.delenv(var, raising=False)
    return fake


@pytest.fixture
def drafted(model_env, tmp_path):
    """The example drafted against the fake server: (draft folder, the seed it was drafted from)."""
    seed = tmp_path / "seed.yaml"
    shutil.copy(EXAMPLE, seed)
    result = cli("draft", seed, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    return tmp_path / "out" / SLUG, seed
