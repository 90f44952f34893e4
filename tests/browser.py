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


class Beacon:
    """A local HTTP server that records every request: a page that loads
    http://127.0.0.1:PORT/... from its content has called home, which the
    page's Content-Security-Policy must stop."""

    def __init__(self):
        import http.server
        import threading

        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the stdlib's name)
                hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "Beacon":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
