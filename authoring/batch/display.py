"""The progress of a batch while it runs: a rich bar on a terminal, one plain
line per title in a log (with a heartbeat line when titles are slow to finish)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from .report import OK_STATUSES, Row


@dataclass
class Live:
    """What the progress display shows; updated as calls and titles finish."""
    total: int
    done: int = 0
    drafted: int = 0
    skipped: int = 0
    failed: int = 0
    sections: int = 0
    calls: int = 0
    tokens: int = 0
    retries: int = 0
    error_flags: int = 0
    started: float = field(default_factory=time.perf_counter)
    work_started: float | None = None  # first title that needed drafting
    worked: int = 0                    # titles that were drafted (or failed trying), not skipped

    def usage(self, calls: int, tokens: int, retries: int) -> None:
        if self.work_started is None:
            self.work_started = time.perf_counter()
        self.calls += calls
        self.tokens += tokens
        self.retries += retries

    def title_done(self, row: Row) -> None:
        self.done += 1
        if row.status == "skipped":
            self.skipped += 1
        elif row.status == "drafted":
            self.drafted += 1
        else:
            self.failed += 1
        if row.status not in ("skipped", "invalid"):
            self.worked += 1
        self.sections += row.sections
        self.error_flags += row.error_flags

    def eta(self) -> str:
        remaining = self.total - self.done
        if not remaining:
            return "0:00"
        if not self.worked or self.work_started is None:
            return "-:--"
        seconds = (time.perf_counter() - self.work_started) / self.worked * remaining
        minutes, secs = divmod(int(seconds), 60)
        hours, minutes = divmod(minutes, 60)
        return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"

    def summary(self) -> str:
        return (f"{self.sections} sections · {self.calls} calls · {self.tokens:,} tokens · "
                f"{self.retries} retries · {self.failed} failed · {self.error_flags} error flags")


class Display:
    """A rich progress bar on a terminal; plain lines (one per title) otherwise."""

    HEARTBEAT = 15.0

    def __init__(self, console, live: Live):
        self.console, self.live = console, live
        self.fancy = bool(console.is_terminal)
        self.progress = None
        self.task = None
        self.last_line = time.monotonic()

    def __enter__(self) -> "Display":
        if self.fancy:
            self.progress = Progress(SpinnerColumn(), TextColumn("[bold]titles"), BarColumn(bar_width=24),
                                     MofNCompleteColumn(), TextColumn("{task.fields[stats]}"), TimeElapsedColumn(),
                                     TextColumn("ETA {task.fields[eta]}"), console=self.console,
                                     refresh_per_second=4, transient=False)
            self.progress.__enter__()
            self.task = self.progress.add_task("batch", total=self.live.total, stats=self.live.summary(), eta="-:--")
        return self

    def __exit__(self, *exc) -> None:
        if self.progress is not None:
            self.refresh()
            self.progress.__exit__(*exc)
            self.progress = None

    def note(self, message: str) -> None:
        (self.progress.console if self.progress else self.console).print(message, soft_wrap=True, markup=False,
                                                                          highlight=False)
        self.last_line = time.monotonic()

    def refresh(self) -> None:
        live = self.live
        if self.progress is not None:
            self.progress.update(self.task, completed=live.done, stats=live.summary(), eta=live.eta())
        elif time.monotonic() - self.last_line > self.HEARTBEAT and live.done < live.total:
            self.note(f"… {live.done}/{live.total} titles; {live.summary()}; ETA {live.eta()}")

    def title_done(self, row: Row) -> None:
        live = self.live
        if self.progress is not None:
            if row.status not in OK_STATUSES:
                self.note(f"{row.status}: {row.seed}: {row.message}")
            self.refresh()
            return
        width = len(str(live.total))
        text = f"[{live.done:>{width}}/{live.total}] {row.status:<10} {row.slug or row.seed}"
        if row.status in OK_STATUSES or row.status == "incomplete":
            text += (f"  {row.sections} sections, {row.calls} calls, {row.tokens:,} tokens, "
                     f"{row.error_flags} error flags")
        if row.message:
            text += f"  ({row.message})"
        self.note(text + f"  ETA {live.eta()}")
