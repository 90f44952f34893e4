"""On-disk cache of model replies, keyed by everything that shapes a reply:
model, backend, the rendered prompt, the output schema and the sampling.

One JSON-lines file per title (<root>/<group>.jsonl, the group being the
title's slug), appended to as replies come in: a batch drafting thousands of
titles creates one file a title rather than one a reply (creating a file costs
more CPU than the JSON in it). A title is drafted by one process at a time
(its draft lock), so appends never interleave; a line cut short by a crash is
skipped when read, and its request is asked again."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path


class Cache:
    def __init__(self, root: Path | None, read: bool = True):
        self.root = root  # None: no cache
        self.read = read  # False: always ask anew (regen), but keep the replies
        self._loaded: dict[str, dict[str, dict]] = {}

    @staticmethod
    def key(**parts) -> str:
        return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def _entries(self, group: str) -> dict[str, dict]:
        if group not in self._loaded:
            entries: dict[str, dict] = {}
            try:
                lines = (self.root / f"{group}.jsonl").read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                lines = []
            for line in lines:
                try:
                    record = json.loads(line)
                    entries[record["key"]] = record["value"]
                except (ValueError, TypeError, KeyError):
                    continue  # cut short or damaged: a miss
            if len(self._loaded) >= 64:  # one Cache may serve a whole batch (the Batch API pass)
                del self._loaded[next(iter(self._loaded))]
            self._loaded[group] = entries
        return self._loaded[group]

    def get(self, key: str, group: str) -> dict | None:
        if self.root is None or not self.read:
            return None
        value = self._entries(group).get(key)
        return value if isinstance(value, dict) else None

    def put(self, key: str, value: dict, group: str) -> None:
        if self.root is None:
            return
        line = json.dumps({"key": key, "value": value}, ensure_ascii=False) + "\n"
        path = self.root / f"{group}.jsonl"
        try:  # no fsync: an entry lost to a power cut is read as a miss and asked again
            f = open(path, "a", encoding="utf-8")
        except FileNotFoundError:  # the first reply under this root
            self.root.mkdir(parents=True, exist_ok=True)
            f = open(path, "a", encoding="utf-8")
        with f:
            f.write(line)
        if group in self._loaded:
            self._loaded[group][key] = value
