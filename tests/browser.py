"""Headless Chromium (Debian's chromium package) for tests that look at page.html as an editor would."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise RuntimeError("headless Chromium is needed for this test: apt-get install chromium (see README)")


def _run(*args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=120)


def dom(page: Path) -> str:
    """The DOM after the page loaded (and ran whatever it could run)."""
    result = _run("--virtual-time-budget=2000", "--dump-dom", page.resolve().as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def screenshot(page: Path, png: Path, size: str = "1200,2400") -> Path:
    result = _run(f"--window-size={size}", f"--screenshot={png}", page.resolve().as_uri())
    assert result.returncode == 0 and png.exists(), result.stderr[-2000:]
    return png
