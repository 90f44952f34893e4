"""Lookups over the spans found on a line (mentions, phrases, quotes, sentences,
figures) by binary search: a line may be a whole page long, and a scan of every
span for every word made checking quadratic in the line's length."""
from __future__ import annotations

from bisect import bisect_left, bisect_right


class Spans:
    """Disjoint (start, end) spans, sorted: which one holds a position or a range,
    whether any overlaps a range. Each span may carry a value."""

    __slots__ = ("starts", "ends", "values")

    def __init__(self, spans, values=None):
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]
        self.values = list(values) if values is not None else list(spans)

    def __len__(self) -> int:
        return len(self.starts)

    def _last_starting_by(self, pos: int) -> int:
        """Index of the last span starting at or before pos, -1 if none."""
        return bisect_right(self.starts, pos) - 1

    def containing(self, s: int, e: int):
        """The value of the span holding [s, e), or None."""
        i = self._last_starting_by(s)
        if i >= 0 and e <= self.ends[i]:
            return self.values[i]
        return None

    def at(self, pos: int):
        """The value of the span holding position pos (start <= pos < end), or None."""
        i = self._last_starting_by(pos)
        if i >= 0 and pos < self.ends[i]:
            return self.values[i]
        return None

    def overlaps(self, s: int, e: int) -> bool:
        """Some span shares a character with [s, e)."""
        i = bisect_left(self.ends, s + 1)     # the first span ending after s
        return i < len(self.starts) and self.starts[i] < e

    def between(self, lo: int, hi: int) -> list:
        """The values of the spans starting in [lo, hi)."""
        return self.values[bisect_left(self.starts, lo):bisect_left(self.starts, hi)]


class Marks:
    """Positions added in any order, asked for the nearest one in a short window:
    kept in buckets of a fixed width, so an addition and a look-up cost O(1) each
    (for windows a few buckets wide)."""

    __slots__ = ("buckets",)
    WIDTH = 64

    def __init__(self):
        self.buckets: dict[int, list[int]] = {}

    def add(self, pos: int) -> None:
        self.buckets.setdefault(pos // self.WIDTH, []).append(pos)

    def last_in(self, lo: int, hi: int) -> int | None:
        """The greatest position in [lo, hi], or None."""
        best = None
        for b in range(hi // self.WIDTH, lo // self.WIDTH - 1, -1):
            for p in self.buckets.get(b, ()):
                if lo <= p <= hi and (best is None or p > best):
                    best = p
            if best is not None:
                return best
        return None

    def first_in(self, lo: int, hi: int) -> int | None:
        """The least position in [lo, hi], or None."""
        best = None
        for b in range(lo // self.WIDTH, hi // self.WIDTH + 1):
            for p in self.buckets.get(b, ()):
                if lo <= p <= hi and (best is None or p < best):
                    best = p
            if best is not None:
                return best
        return None
