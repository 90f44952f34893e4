"""Writing files so that a crash never leaves one half-written, and reading the
files an editor may have touched so that a damaged one gets a message, not a traceback."""
from __future__ import annotations

import fcntl
import itertools
import json
import os
import stat
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from pydantic import BaseModel, ConfigDict, ValidationError

MAX_READ = 64_000_000  # far above any page or manifest; bounds memory for a mistaken file


_TMP = itertools.count()
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)


def write_atomic(path: Path, text: str | bytes, durable: bool = True) -> None:
    """Temporary file, then rename: readers see the old file or the new one, never
    half of one. durable=False skips the fsync, for files that may be lost or
    remade. The temporary name is unique per process and write (tempfile.mkstemp
    cost a batch more CPU than the JSON it wrote); one left by a killed process
    whose pid came back is simply overwritten. A file replaced keeps its mode (an
    editor's read-only page.md stays read-only)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    tmp = path.parent / f".{path.name}.{os.getpid()}-{next(_TMP)}.tmp"
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = None
    try:
        fd = os.open(tmp, _FLAGS, 0o644)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, _FLAGS, 0o644)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if mode is not None:
                os.fchmod(f.fileno(), mode)
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


class DraftError(Exception):
    """A problem the user can fix; the message says what and how."""


class BadInput(DraftError):
    """What the command was given cannot be used (an unknown section or flag id, a file
    where a draft folder belongs, an unusable seed or option): exit 2, not 1, because
    nothing was tried."""


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


class UnreadableFile(ValueError):
    """A file the tool reads but an editor (or a crash) may have changed, unusable as it
    is; the message names the file, says what is wrong and how to fix it."""


def read_bytes(path: Path, fix: str, *, missing_ok: bool = False, limit: int = MAX_READ) -> bytes | None:
    """The raw bytes of a regular file (None when it is missing and missing_ok). A
    folder, pipe or device is refused without opening it: reading a FIFO would block."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(f"{path} is not a regular file: {fix}")
        if info.st_size > limit:
            raise UnreadableFile(f"{path} is {info.st_size:,} bytes, more than the {limit:,} it may have: {fix}")
        return Path(path).read_bytes()
    except FileNotFoundError:
        if missing_ok:
            return None
        raise UnreadableFile(f"{path} is missing: {fix}") from None
    except OSError as exc:
        raise UnreadableFile(f"{path} cannot be read ({exc.strerror or exc}): {fix}") from None


def read_text(path: Path, fix: str, *, missing_ok: bool = False) -> str | None:
    """The file as UTF-8 text. Every file the tool did not write in this run (page.md,
    manifest.json, review.json, sections.json) is read through here or read_json."""
    data = read_bytes(path, fix, missing_ok=missing_ok)
    if data is None:
        return None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise UnreadableFile(f"{path} is binary, not text (a NUL byte at offset {nul}): {fix}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"{path} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}): "
                             f"{fix}") from None


def read_json(path: Path, fix: str, *, missing_ok: bool = False, shape: Any = None) -> Any:
    """The file as JSON; with `shape` (a pydantic model), checked against it and
    returned as that model."""
    text = read_text(path, fix, missing_ok=missing_ok)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested thousands deep
        where = f" at line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc) or "nested too deep"
        raise UnreadableFile(f"{path} is not valid JSON ({reason}{where}): {fix}") from None
    if shape is not None:
        try:
            return shape.model_validate(data)
        except ValidationError as exc:
            parts = []
            for e in exc.errors(include_url=False)[:3]:
                loc = ".".join(str(p) for p in e["loc"]) or "the top level"
                parts.append(f"{loc}: {e['msg']}")
            raise UnreadableFile(f"{path} does not have the expected shape ({'; '.join(parts)}): {fix}") from None
    return data


class Record(BaseModel):
    """A file the tool writes and an editor may change: the keys the commands read, with
    their types. Keys it does not know are kept, so older files still load."""
    model_config = ConfigDict(extra="allow", strict=True)

    def text(self) -> str:
        """The file's text: only the keys that were read or set, in declaration order."""
        return json.dumps(self.model_dump(mode="json", exclude_unset=True), indent=2, ensure_ascii=False) + "\n"
