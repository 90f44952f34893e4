"""On-disk cache of model replies, keyed by everything that shapes a reply:
model, backend, the rendered prompt, the output schema and the sampling.

One JSON-lines file per title (<root>/<group>.jsonl, the group being the
title's slug), appended to as replies come in: a batch drafting thousands of
titles creates one file a title rather than one a reply (creating a file costs
more CPU than the JSON in it). A title is drafted by one process at a time
(its draft lock), so appends never interleave; a line cut short by a crash is
skipped when read, and its request is asked again.

Reading is last-wins, which is how a reply is withdrawn: a chain that ends
without a usable answer appends a tombstone (value null) for each request it
asked, so "run again to retry" asks the model again instead of replaying the
replies that failed."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .files import UnreadableFile, read_bytes


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
                data = read_bytes(self.root / f"{group}.jsonl", "", missing_ok=True) or b""
            except UnreadableFile:
                data = b""  # a cache that cannot be read is empty: every request is asked
            for line in data.splitlines():
                try:
                    record = json.loads(line.decode("utf-8"))
                    entries[record["key"]] = record["value"]
                except (ValueError, TypeError, KeyError, RecursionError):
                    continue  # cut short or damaged (a bad byte included): a miss
            if len(self._loaded) >= 64:  # one Cache may serve a whole batch (the Batch API pass)
                del self._loaded[next(iter(self._loaded))]
            self._loaded[group] = entries
        return self._loaded[group]

    def get(self, key: str, group: str) -> dict | None:
        if self.root is None or not self.read:
            return None
        value = self._entries(group).get(key)
        # a reply is a dict holding its text; anything else (a tombstone, a damaged line) is a miss
        return value if isinstance(value, dict) and isinstance(value.get("text"), str) else None

    def forget(self, keys, group: str) -> None:
        """Withdraw replies that led to no usable answer: they are never served again."""
        for key in dict.fromkeys(keys):
            self.put(key, None, group)

    def put(self, key: str, value: dict | None, group: str) -> None:
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
