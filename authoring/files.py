"""Writing files so that a crash never leaves one half-written."""
from __future__ import annotations

import fcntl
import itertools
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


_TMP = itertools.count()
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)


def write_atomic(path: Path, text: str | bytes, durable: bool = True) -> None:
    """Temporary file, then rename: readers see the old file or the new one, never
    half of one. durable=False skips the fsync, for files that may be lost or
    remade. The temporary name is unique per process and write (tempfile.mkstemp
    cost a batch more CPU than the JSON it wrote); one left by a killed process
    whose pid came back is simply overwritten."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    tmp = path.parent / f".{path.name}.{os.getpid()}-{next(_TMP)}.tmp"
    try:
        fd = os.open(tmp, _FLAGS, 0o644)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, _FLAGS, 0o644)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


class LockError(Exception):
    pass


@contextmanager
def locked(folder: Path, wait: float = 10.0) -> Iterator[None]:
    """One command at a time on a draft: an exclusive lock on <folder>/.lock.
    A folder made only to hold the lock is removed again when the command fails."""
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with open(folder / ".lock", "a+") as handle:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise LockError(f"another authoring command is working on {folder}; "
                                        "try again when it is done") from None
                    time.sleep(0.1)
            yield  # the lock goes with the file handle
    except BaseException:
        if created and [p.name for p in folder.iterdir()] == [".lock"]:
            (folder / ".lock").unlink()
            folder.rmdir()
        raise
