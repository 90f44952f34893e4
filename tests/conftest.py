"""Shared fixtures: the scripted fake model server and an environment pointing at it."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.fake_openai import FakeOpenAI

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "leaving-las-vegas.yaml"
SHARED = ROOT.parent / "shared"
SECRET = "sk-test-SECRET-0123456789abcdef"


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
