"""The package as a user gets it: a wheel, installed (not editable) into a fresh virtual
environment outside the repository, drafts the example against the fake model server.

No network: the wheel is built without build isolation, installed with --no-deps, and
the new environment reaches this environment's dependencies through a .pth file (a
plain path line: the editable install's own .pth hook in there is not run)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, ROOT, SECRET

SLUG = "leaving-las-vegas-1995"
MODEL_SECTIONS = {"badly_explained", "synopsis", "ending", "quotes", "reviews", "behind_the_scenes", "similar", "faq"}
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "build", "drafts", "*.egg-info", "__pycache__", ".pytest_cache",
                                    "tests", "bench", "examples")


def _run(args, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


def _clean_env(**extra: str) -> dict[str, str]:
    """No PYTHONPATH, no settings of the calling shell: only what the test gives."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "AUTHORING_", "OPENAI_", "PIP_", "VIRTUAL_ENV"))}
    return {**env, **extra}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv (outside the repository) with the wheel built from this working tree installed."""
    try:  # the build backend, used without build isolation; bdist_wheel is in setuptools from 70.1
        from setuptools.command import bdist_wheel  # noqa: F401
    except ImportError:  # pragma: no cover
        pytest.fail("building the wheel offline needs setuptools>=70.1 here: pip install -e '.[test]'")
    base = tmp_path_factory.mktemp("wheel")
    assert ROOT not in base.parents
    source, dist, venv = base / "src", base / "dist", base / "venv"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)  # the build writes build/ and *.egg-info: not in the repo
    env = _clean_env()
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--disable-pip-version-check", "--no-deps",
          "--no-build-isolation", "--no-index", "-w", str(dist), str(source)], env=env, cwd=base)
    wheels = list(dist.glob("authoring-*.whl"))
    assert len(wheels) == 1, wheels
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], env=env, cwd=base)
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--disable-pip-version-check",
          "--no-deps", "--no-index", str(wheels[0])], env=env, cwd=base)
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     env=env, cwd=base).stdout.strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "zz_test_dependencies.pth").write_text("".join(f"{p}\n" for p in sorted(ours)))
    return base


def test_wheel_ships_the_prompts_and_schemas(installed):
    names = set(zipfile.ZipFile(next((installed / "dist").glob("*.whl"))).namelist())
    for folder, pattern in (("prompts", "*.md.j2"), ("schemas", "*.schema.json")):
        shipped = {Path(n).name for n in names if n.startswith(f"authoring/{folder}/")}
        expected = {p.name for p in (ROOT / "authoring" / folder).glob(pattern)}
        assert expected and shipped == expected, (folder, sorted(expected - shipped))


def test_installed_wheel_drafts_the_example(installed, fake, tmp_path):
    venv = installed / "venv"
    work = tmp_path / "work"
    work.mkdir()
    seed = work / EXAMPLE.name
    shutil.copyfile(EXAMPLE, seed)
    env = _clean_env(OPENAI_BASE_URL=fake.base_url, OPENAI_API_KEY=SECRET, AUTHORING_MODEL="test-model")
    where = json.loads(_run([str(venv / "bin" / "python"), "-c",
                             "import authoring, json, sys; from authoring import prompting, schemas; "
                             "print(json.dumps([authoring.__file__, sys.path, str(prompting.package_prompts()), "
                             "schemas.shipped().joinpath('facts.schema.json').is_file()]))"],
                            env=env, cwd=work).stdout)
    assert Path(where[0]).is_relative_to(venv), where[0]  # not the repository's copy
    assert str(ROOT) not in where[1] and "" not in where[1][1:], where[1]
    assert Path(where[2]).is_relative_to(venv) and where[3], where  # package data, from the installed copy

    done = subprocess.run([str(venv / "bin" / "authoring"), "draft", seed.name, "--out", "out"],
                          capture_output=True, text=True, timeout=300, env=env, cwd=work)
    assert done.returncode == 0, done.stdout + done.stderr
    folder = work / "out" / SLUG
    page = (folder / "page.md").read_text(encoding="utf-8")
    headings = [line[3:] for line in page.splitlines() if line.startswith("## ")]
    assert page.startswith("# Leaving Las Vegas (1995)\n\n## Quick Overview\n") and len(headings) == 13
    manifest = json.loads((folder / "manifest.json").read_text())
    made = {sid for sid, s in manifest["sections"].items() if s["made_by"] == "model"}
    assert made == MODEL_SECTIONS
    assert all(manifest["sections"][sid].get("status", "ok") == "ok" for sid in made)
    assert fake.count("/v1/chat/completions") == len(MODEL_SECTIONS)
    assert SECRET not in done.stdout + done.stderr
