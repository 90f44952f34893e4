"""On-disk cache of model replies, keyed by everything that shapes a reply:
model, backend, the rendered prompt, the output schema and the sampling."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .files import write_atomic


class Cache:
    def __init__(self, root: Path | None, read: bool = True):
        self.root = root  # None: no cache
        self.read = read  # False: always ask anew (regen), but keep the replies

    @staticmethod
    def key(**parts) -> str:
        return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict | None:
        if self.root is None or not self.read:
            return None
        try:
            return json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # absent or unreadable: ask the model again

    def put(self, key: str, value: dict) -> None:
        if self.root is not None:
            # no fsync: an entry lost to a power cut is read as a miss and asked again
            write_atomic(self._path(key), json.dumps(value, ensure_ascii=False), durable=False)
