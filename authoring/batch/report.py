"""What a batch tells its user: one typed row per title (the same fields in the
progress lines, the table and batch-report.json), the totals, and the printed table.

A row is made where the title is drafted, possibly in a worker process, and
crosses to the batch process whole: one message a title."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from rich.table import Table
from rich.text import Text

from ..facts import Facts
from ..folder import Manifest

REPORT_NAME = "batch-report.json"
OK_STATUSES = ("drafted", "skipped")
STATUS_STYLE = {"drafted": "green", "skipped": "cyan", "incomplete": "yellow", "failed": "red", "invalid": "red"}
# summed into the report's totals
COUNTED = ("sections", "calls", "attempts", "retries", "prompt_tokens", "completion_tokens", "tokens",
           "batch_api_requests", "error_flags", "warning_flags")


@dataclass(slots=True, kw_only=True)
class Row:
    """One title of the batch. `index` is its place among the seeds (negative for
    inputs that are not seeds, reported first); the JSON row is every other field."""
    index: int
    seed: str
    slug: str | None = None
    title: str | None = None
    year: int | None = None
    status: str                       # drafted, skipped, incomplete, failed, invalid
    message: str = ""
    folder: str | None = None
    sections: int = 0
    model_sections: int = 0
    left_out: int = 0
    failed_sections: list[str] = field(default_factory=list)
    error_flags: int = 0
    warning_flags: int = 0
    attempts: int = 0
    calls: int = 0
    cached: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    tokens: int = 0
    batch_api_requests: int = 0
    cost_usd: float | None = None
    seconds: float = 0.0

    @classmethod
    def of(cls, index: int, seed: Path, status: str, message: str = "", facts: Facts | None = None) -> "Row":
        if facts is None:
            return cls(index=index, seed=str(seed), status=status, message=message)
        return cls(index=index, seed=str(seed), slug=facts.slug_or_default, title=facts.title, year=facts.year,
                   status=status, message=message)

    def fill(self, folder: Path, manifest: Manifest, flags: list[dict]) -> "Row":
        """The figures of the draft in `folder`, from its manifest and flags."""
        model = {sid: e for sid, e in manifest.sections.items() if e.made_by == "model"}
        totals = manifest.totals
        errors = sum(1 for f in flags if f.get("severity") == "error")
        self.folder = str(folder)
        self.sections, self.model_sections = len(manifest.sections), len(model)
        self.left_out = len(manifest.left_out)
        self.failed_sections = sorted(sid for sid, e in model.items() if e.status == "failed")
        self.error_flags, self.warning_flags = errors, len(flags) - errors
        self.attempts, self.calls = int(totals.get("attempts", 0)), int(totals.get("calls", 0))
        self.cached = sum(e.cached for e in model.values())
        self.retries = int(totals.get("retries", 0))
        self.prompt_tokens = int(totals.get("prompt_tokens", 0))
        self.completion_tokens = int(totals.get("completion_tokens", 0))
        self.tokens = self.prompt_tokens + self.completion_tokens
        self.cost_usd = manifest.cost_usd
        return self

    def add_batch_api(self, prompt: int, completion: int, requests: int, cost: float | None) -> None:
        """The title's share of the Batch API pass, which ran before it was drafted."""
        self.batch_api_requests = requests
        self.prompt_tokens += prompt
        self.completion_tokens += completion
        self.tokens = self.prompt_tokens + self.completion_tokens
        if cost is not None:
            self.cost_usd = round((self.cost_usd or 0) + cost, 6)

    def as_json(self) -> dict:
        return {name: getattr(self, name) for name in JSON_KEYS}


JSON_KEYS = tuple(f.name for f in fields(Row) if f.name != "index")


def totals(rows: list[Row], seeds: int) -> dict:
    """The report's totals over its rows; `seeds` titles were to be drafted."""
    counts = {k: 0 for k in ("titles", "drafted", "skipped", "incomplete", "failed", "invalid", "not_started",
                             *COUNTED)}
    costs = []
    for r in rows:
        counts["titles"] += 1
        counts[r.status] += 1
        for k in COUNTED:
            counts[k] += getattr(r, k)
        if r.cost_usd is not None:
            costs.append(r.cost_usd)
    counts["not_started"] = max(0, seeds - sum(1 for r in rows if r.index >= 0))
    counts["cost_usd"] = round(sum(costs), 6) if costs else None
    return counts


@dataclass
class BatchResult:
    rows: list[Row]                       # in the report's order
    report: dict                          # as in batch-report.json
    report_path: Path | None
    stopped: str | None = None            # why the batch stopped early (fatal model error)
    interrupted: bool = False

    @property
    def exit_code(self) -> int:
        if self.stopped or self.interrupted:
            return 1
        if self.rows and all(r.status == "invalid" for r in self.rows):
            return 2
        return 0 if all(r.status in OK_STATUSES for r in self.rows) else 1


def print_report(console, result: BatchResult, limit: int = 200) -> None:
    """The per-title table (the first `limit` rows, then the ones not OK) and the totals."""
    rows = result.rows
    if len(rows) > limit:
        shown = rows[:limit] + [r for r in rows[limit:] if r.status not in OK_STATUSES]
    else:
        shown = rows
    table = Table(title="batch report", show_lines=False, header_style="bold")
    for name, justify in (("title", "left"), ("status", "left"), ("sections", "right"), ("err", "right"),
                          ("warn", "right"), ("attempts", "right"), ("tokens", "right"), ("cost $", "right"),
                          ("note", "left")):
        table.add_column(name, justify=justify, overflow="fold")
    for r in shown:
        cost = f"{r.cost_usd:.4f}" if r.cost_usd is not None else "-"
        table.add_row(Text(r.slug or r.seed), Text(r.status, style=STATUS_STYLE.get(r.status, "")),
                      str(r.sections), str(r.error_flags), str(r.warning_flags), str(r.attempts),
                      f"{r.tokens:,}", cost, Text(r.message[:300]))
    console.print(table)
    if len(shown) < len(rows):
        console.print(f"({len(rows) - len(shown)} more OK titles in the JSON report)")
    t = result.report["totals"]
    cost = f", ${t['cost_usd']:.4f}" if t["cost_usd"] is not None else ""
    console.print(Text(f"{t['titles']} titles: {t['drafted']} drafted, {t['skipped']} up to date, "
                  f"{t['incomplete']} incomplete, {t['failed']} failed, {t['invalid']} invalid seeds"
                  + (f", {t['not_started']} not started" if t["not_started"] else "")
                  + f"; this run {t['this_run']['calls']} calls, {t['this_run']['tokens']:,} tokens, "
                  f"{t['this_run']['retries']} retries; drafts total {t['tokens']:,} tokens{cost}; "
                  f"{t['error_flags']} error and {t['warning_flags']} warning flags; {t['seconds']:.1f}s"), soft_wrap=True)
    for note in result.report["notes"]:
        console.print(f"note: {note}", soft_wrap=True, markup=False)
    if result.report_path:
        console.print(f"report: {result.report_path}", soft_wrap=True, markup=False)
