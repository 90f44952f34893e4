"""The `authoring` command: parse arguments, call the pipeline, report. Thin on purpose."""
from __future__ import annotations

import errno
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer
from typer.core import TyperGroup


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is so that it unwinds as Ctrl-C does: locks
    released, a folder made only for the lock removed, the embedded server stopped."""


_MAIN_PID = os.getpid()
_signalled: list[int] = []  # SIGTERM came: a batch that handled the interruption itself exits 143 too


def _on_sigterm(signum, frame):
    if os.getpid() != _MAIN_PID:  # a forked batch worker: die of SIGTERM as before
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        return
    _signalled.append(signum)
    raise Terminated()


class _Commands(TyperGroup):
    """Where every command runs: SIGTERM unwinds it as Ctrl-C does (exit 143, or 130 for
    Ctrl-C), so `with` blocks close (locks, the embedded server) whichever command it is."""

    def invoke(self, ctx):
        global _MAIN_PID
        main = threading.current_thread() is threading.main_thread()
        _signalled.clear()
        if main:
            _MAIN_PID = os.getpid()
            previous = signal.signal(signal.SIGTERM, _on_sigterm)
        try:
            return super().invoke(ctx)
        except Terminated:
            raise _err("terminated (SIGTERM); nothing was written", 143) from None
        except KeyboardInterrupt:
            raise _err("interrupted; nothing was written", 130) from None
        finally:
            if main:
                signal.signal(signal.SIGTERM, previous)


app = typer.Typer(cls=_Commands, help="Draft film pages from a facts seed, and check every fact on them.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
facts_app = typer.Typer(help="Validate facts seeds.", no_args_is_help=True)
app.add_typer(facts_app, name="facts")


def _console(stderr: bool = False, **options):
    """Rich output in which only the tool's own [style] tags are markup: every piece of
    user text (a title, page text, a file name, a model's message) goes through _lit."""
    from rich.console import Console
    return Console(stderr=stderr, highlight=False, emoji=False, **options)


def _lit(value: object) -> str:
    """Text from the user's data, escaped so that rich prints it literally."""
    from rich.markup import escape
    return escape(str(value))


def _err(message: str, code: int = 2) -> typer.Exit:
    _console(stderr=True).print(f"[bold red]error:[/] {_lit(message)}", soft_wrap=True)
    return typer.Exit(code)


OUT_HINT = "check the folder exists and is writable (--out)"


@contextmanager
def _user_errors(*also: type[Exception], folder: Path | None = None, hint: str = OUT_HINT,
                 failed: int = 1) -> Iterator[None]:
    """What a command may meet that is the user's to fix: a message and an exit, never a traceback.
    Bad input (BadInput, a broken prompt template) exits 2; anything else that went wrong `failed`.

    `folder` is where the command writes: only a file error there is called a write failure."""
    from .files import BadInput, DraftError, UnreadableFile
    from .llm import FatalModelError
    from .prompting import PromptError
    try:
        yield
    except (BadInput, PromptError) as exc:  # PromptError: the installation or AUTHORING_PROMPTS, not --out
        raise _err(str(exc), 2) from None
    except (DraftError, FatalModelError, UnreadableFile, *also) as exc:
        raise _err(str(exc), failed) from None
    except OSError as exc:
        raise _err(_os_message(exc, folder, hint), failed) from None


_WRITE_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EFBIG}


def _os_message(exc: OSError, folder: Path | None = None, hint: str = OUT_HINT) -> str:
    """The file and what went wrong; blamed on the output folder only when the file is in it
    (or, with no file named, when the failure can only be a write: a full or read-only disk)."""
    reason = exc.strerror or str(exc)
    named = exc.filename2 if exc.filename2 is not None else exc.filename  # a rename: its destination
    name = os.fsdecode(named) if named is not None else None
    if folder is not None:
        ours = exc.errno in _WRITE_ERRNOS if name is None else _inside(Path(name), folder)
        if ours:
            return f"cannot write{f' {name}' if name else ''}: {reason}; {hint}"
    return f"{name}: {reason}" if name else reason


def _inside(path: Path, folder: Path) -> bool:
    try:
        path, folder = path.resolve(), folder.resolve()
    except (OSError, RuntimeError):
        return False
    return path == folder or folder in path.parents


def _check_out(out: Path) -> None:
    """--out naming a file is a bad option (exit 2); a folder that cannot be made is a
    write failure, reported when it happens (exit 1)."""
    if out.exists() and not out.is_dir():
        raise _err(f"--out {out} is a file, not a folder; name a folder for the drafts")


def _warnings(console, path: Path, warnings) -> None:
    for w in warnings:
        where = f"{path}:{w.line or '?'}: {w.path}: {w.message}"
        console.print(f"  [yellow]warning[/] {_lit(where)}", soft_wrap=True)


def _load(path: Path):
    from .facts import FactsError, load_facts
    try:
        return load_facts(path)
    except FactsError as exc:
        raise _err(str(exc)) from None


@facts_app.command("check")
def facts_check(files: Annotated[list[Path], typer.Argument(help="Facts seed YAML files.")]) -> None:
    """Validate seeds: exit 0 when all are valid, 2 with every problem listed otherwise."""
    from .facts import FactsError, load_facts
    console, failed = _console(stderr=True), 0
    for path in files:
        try:
            loaded = load_facts(path)
        except FactsError as exc:
            failed += 1
            console.print(f"[red]✗[/] {_lit(exc)}", soft_wrap=True)
            continue
        console.print(f"[green]✓[/] {_lit(f'{path}: {loaded.facts.title} ({loaded.facts.year}) is a valid seed')}",
                      soft_wrap=True)
        _warnings(console, path, loaded.warnings)
    raise typer.Exit(2 if failed else 0)


@facts_app.command("schema")
def facts_schema() -> None:
    """Print the JSON schema of a facts seed (for editors' autocompletion)."""
    import json
    from .facts import export_schema
    print(json.dumps(export_schema(), indent=2, ensure_ascii=False))


@app.command()
def check(
    pages: Annotated[list[str], typer.Argument(help="Page Markdown files or draft folders.")],
    facts: Annotated[Optional[Path], typer.Option("--facts", help="The facts seed the pages must agree with "
                                                  "(default for draft folders: the draft's own seed).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the flags as JSON (see spec/page.md).")] = False,
    judge: Annotated[bool, typer.Option("--judge", help="Also ask the model whether each remaining sentence holds "
                                        "against the facts (judge.* flags; cost on stderr).")] = False,
    base_url: Annotated[Optional[str], typer.Option("--base-url", help="With --judge: endpoint [OPENAI_BASE_URL].")] = None,
    model: Annotated[Optional[str], typer.Option("--model", help="With --judge: model [AUTHORING_MODEL].")] = None,
    mode: Annotated[Optional[str], typer.Option("--mode", help="With --judge: structured-output mode.")] = None,
) -> None:
    """Check pages against the facts: exit 0 clean, 1 when a page has an error flag, 2 on bad input.

    Draft folders without --facts are checked against their own seed, and their
    flags.json and page.html are refreshed (re-checking after hand edits)."""
    if facts is None:
        for given in pages:
            if not Path(given).is_dir():
                what = "is not a folder" if Path(given).exists() else "does not exist"
                raise _err(f"{given} {what}: give --facts FACTS.yaml to check a page file, or the draft folder "
                           "(checked against the draft's own seed)")
    if judge:
        from .judge import main as judged
        settings = _settings(None, base_url=base_url, model=model, mode=mode)
        with _user_errors(failed=2, folder=None):
            raise typer.Exit(judged(facts and str(facts), pages, json_out, settings))
    if facts is None:
        from .workflows import check_drafts
        # exit 1 means an error flag here: a draft that cannot be checked or written is 2
        with _user_errors(failed=2, folder=Path(pages[0]) if len(pages) == 1 else None,
                          hint="check the draft folder is writable"):
            raise typer.Exit(check_drafts(pages, json_out))
    from .checks.run import main
    raise typer.Exit(main(str(facts), pages, json_out))


@app.command()
def draft(
    facts: Annotated[Path, typer.Argument(help="The facts seed (YAML).")],
    out: Annotated[Path, typer.Option("--out", help="Folder the draft goes under.")] = Path("drafts"),
    base_url: Annotated[Optional[str], typer.Option("--base-url", help="OpenAI-compatible endpoint [OPENAI_BASE_URL]; "
                                                    "none: the embedded model.")] = None,
    model: Annotated[Optional[str], typer.Option("--model", help="Model name [AUTHORING_MODEL].")] = None,
    mode: Annotated[Optional[str], typer.Option("--mode", help="Structured output: json_schema, json_object, "
                                                "tools or auto [AUTHORING_MODE].")] = None,
    concurrency: Annotated[Optional[int], typer.Option("--concurrency", min=1, help="Model calls in flight.")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Ask the model even when a reply is cached.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Redraft over a hand-edited page (kept in history/).")] = False,
    config: Annotated[Optional[Path], typer.Option("--config", help="Rule policies (TOML); default ./authoring.toml "
                                                   "when present.")] = None,
) -> None:
    """Draft a page for the seed into OUT/<slug>/ (page.md, page.html, flags.json, manifest.json)."""
    from .workflows import make_draft

    _check_out(out)
    loaded = _load(facts)
    console = _console(stderr=True)
    _warnings(console, facts, loaded.warnings)
    settings = _settings(config, base_url=base_url, model=model, mode=mode, concurrency=concurrency)
    started = time.perf_counter()
    console.print(_lit(f"Drafting {loaded.facts.title} ({loaded.facts.year}) with "
                       f"{settings.endpoint if not settings.embedded else 'the embedded model (SmolLM2-135M)'} …"))

    def progress(sid: str, message: str) -> None:
        if message != "started":
            console.print(_lit(f"  {sid:<18} {message}"), soft_wrap=True)

    with _user_errors(folder=out):
        result = make_draft(loaded.facts, str(facts), out, settings, use_cache=not no_cache, force=force,
                            progress=progress)
    raise typer.Exit(_summary(console, result, time.perf_counter() - started))


@app.command()
def regen(
    draft: Annotated[Path, typer.Argument(help="The draft folder (e.g. drafts/leaving-las-vegas-1995).")],
    sections: Annotated[Optional[list[str]], typer.Argument(help="Section ids to regenerate (e.g. faq synopsis).")] = None,
    stale: Annotated[bool, typer.Option("--stale", help="Also regenerate every section whose facts or prompt changed.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace hand-edited sections (old text kept in history/).")] = False,
    facts: Annotated[Optional[Path], typer.Option("--facts", help="Use this seed instead of the draft's own.")] = None,
    base_url: Annotated[Optional[str], typer.Option("--base-url", help="OpenAI-compatible endpoint [OPENAI_BASE_URL].")] = None,
    model: Annotated[Optional[str], typer.Option("--model", help="Model name [AUTHORING_MODEL].")] = None,
    mode: Annotated[Optional[str], typer.Option("--mode", help="json_schema, json_object, tools or auto.")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", help="Rule policies (TOML).")] = None,
) -> None:
    """Regenerate only the named sections; every other section stays byte for byte as it is."""
    from .workflows import regenerate
    console = _console(stderr=True)
    settings = _settings(config, base_url=base_url, model=model, mode=mode)
    started = time.perf_counter()
    with _user_errors(folder=draft, hint="check the draft folder is writable"):
        result, done = regenerate(draft, list(sections or []), settings, stale=stale, force=force, facts_file=facts,
                                  progress=lambda sid, msg: msg != "started" and console.print(
                                      _lit(f"  {sid:<18} {msg}"), soft_wrap=True))
    if result is None:
        console.print("nothing is stale; nothing was changed")
        raise typer.Exit(0)
    console.print(_lit(f"regenerated {', '.join(done) or 'nothing'}"))
    raise typer.Exit(_summary(console, result, time.perf_counter() - started))


@app.command()
def review(
    draft: Annotated[Path, typer.Argument(help="The draft folder.")],
    resolve: Annotated[Optional[list[str]], typer.Option("--resolve", help="Mark the flag with this id resolved "
                                                         "(may be given several times).")] = None,
    waive: Annotated[Optional[list[str]], typer.Option("--waive", help="Waive the flag with this id (it stays "
                                                       "waived; may be given several times).")] = None,
    note: Annotated[str, typer.Option("--note", help="Why (kept in review.json).")] = "",
    all_: Annotated[bool, typer.Option("--all", help="List decided flags too.")] = False,
    facts: Annotated[Optional[Path], typer.Option("--facts", help="Check against this seed instead of the "
                                                  "draft's own.")] = None,
) -> None:
    """List a draft's open flags (re-checked now), or record a decision on each flag named."""
    from .workflows import decide, find_flag, recheck
    console = _console()
    ids = [("resolved", fid) for fid in resolve or []] + [("waived", fid) for fid in waive or []]
    if resolve and waive:
        raise _err("give --resolve or --waive, not both")
    if any(not fid.strip() for _, fid in ids):
        raise _err("an empty flag id: give the id `authoring review DRAFT` lists (or its first letters)")
    if ids and not note.strip():
        raise _err("say why with --note TEXT (it is kept in review.json)")
    if note and not ids:
        raise _err("--note goes with --resolve ID or --waive ID: name the flag it is about")
    with _user_errors(ValueError, folder=draft, hint="check the draft folder is writable"):
        _, flags = recheck(draft.resolve(), facts)
        if ids:
            chosen = [(status, find_flag(flags, fid)) for status, fid in ids]  # every id, before any is recorded
            if len({flag["id"] for _, flag in chosen}) != len(chosen):
                raise _err("a flag is named twice: name each flag once")
            for status, flag in chosen:
                decide(draft.resolve(), flags, flag["id"], status, note)
                console.print(_lit(f"{flag['id']} {status}: {flag['rule']} {flag['excerpt']!r} "
                                   f"({flag['section']}, line {flag['line']})"), soft_wrap=True)
            recheck(draft.resolve(), facts)  # flags.json and page.html show the decisions
            return
    shown = [f for f in flags if all_ or f["status"] == "open"]
    if not shown:
        console.print(_lit(f"{draft}: no open flags" + (f" ({len(flags)} decided)" if flags else "")))
        return
    from rich.table import Table
    table = Table("id", "severity", "section", "line", "excerpt", "message", "status", show_lines=False)
    for f in shown:
        table.add_row(*map(_lit, (f["id"], f["severity"], f["section"] or "-", f["line"], f["excerpt"],
                                  f["message"] + (f" (facts: {f['expected']})" if f.get("expected") else ""),
                                  f["status"])))
    console.print(table)
    open_ = [f for f in flags if f["status"] == "open"]
    console.print(f"{len(open_)} open ({sum(f['severity'] == 'error' for f in open_)} errors); "
                  f"decide with --resolve ID or --waive ID and --note TEXT")


@app.command()
def status(
    draft: Annotated[Path, typer.Argument(help="The draft folder.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
    facts: Annotated[Optional[Path], typer.Option("--facts", help="Compare with this seed instead of the "
                                                  "draft's own.")] = None,
) -> None:
    """Per section: generated / edited / stale, attempts, open flags; the draft's model and cost."""
    from rich.table import Table
    from .workflows import draft_status
    with _user_errors(ValueError):
        info = draft_status(draft.resolve(), facts)
    if json_out:
        import json
        print(json.dumps(info, indent=2))
        return
    console = _console()
    table = Table("section", "made by", "state", "attempts", "errors", "warnings", "tokens")
    for row in info["sections"]:
        table.add_row(*map(_lit, (row["id"], row["made_by"], row["state"], row["attempts"] or "-", row["errors"],
                                  row["warnings"], row["tokens"] or "-")))
    console.print(table)
    cost = f"${info['cost_usd']:.4f}" if info["cost_usd"] is not None else "not priced"
    console.print(_lit(f"model: {info['model'] or '-'}; tokens: {info['tokens']:,}; cost: {cost}; "
                       f"open flags: {info['open_errors']} errors, {info['open_warnings']} warnings"))


def _settings(config: Path | None, **overrides):
    from . import policy
    from .llm import Settings
    if overrides.get("model") is not None and not overrides["model"].strip():
        raise _err("--model names no model: give a model name, or leave --model out")
    try:
        return Settings.from_env(policies=policy.load(config), **overrides)
    except ValueError as exc:  # PolicyError included
        raise _err(str(exc)) from None


def _summary(console, result, seconds: float) -> int:
    """Print what was drafted; the exit status: 1 when a section got no usable answer."""
    m = result.manifest
    for sid, s in m.sections.items():
        if s.made_by == "model":  # an older entry kept by a regen may lack some keys
            note = "" if (s.status or "ok") == "ok" else f"  [red]{_lit(s.status)}[/]"
            tokens = s.prompt_tokens + s.completion_tokens
            console.print(_lit(f"  {sid:<18} {s.attempts or 0} attempt(s)  {tokens:>6} tokens  "
                               f"{s.seconds:>6.1f}s{' (cached)' if s.cached and not s.calls else ''}") + note)
        else:
            console.print(_lit(f"  {sid:<18} from facts"))
    errors = sum(1 for f in result.flags if f["severity"] == "error")
    warnings = len(result.flags) - errors
    model_made = sum(1 for s in m.sections.values() if s.made_by == "model")
    t = m.totals
    cost = f", ${m.cost_usd:.4f}" if m.cost_usd is not None else ""
    console.print(f"[bold]{_lit(result.folder / 'page.md')}[/]: {len(m.sections)} sections ({model_made} by the "
                  f"model), {len(m.left_out)} left out; {errors} error and {warnings} warning flags; "
                  f"{t['prompt_tokens'] + t['completion_tokens']:,} tokens in {t['calls']} calls{cost}; {seconds:.1f}s")
    failed = {sid: s.problems[-1] if s.problems else "no usable answer"
              for sid, s in m.sections.items() if s.status == "failed"}
    for sid, why in failed.items():
        console.print(f"[red]failed[/] {_lit(f'{sid}: {why}')}", soft_wrap=True)
    if failed:
        console.print(f"the page is incomplete: {len(failed)} section(s) left out; run again to retry them "
                      "(answered sections come from the cache)")
    return 1 if failed else 0


@app.command()
def batch(
    seeds: Annotated[list[Path], typer.Argument(help="Seed files, or folders searched for *.yaml / *.yml.")],
    out: Annotated[Path, typer.Option("--out", help="Folder the drafts go under.")] = Path("drafts"),
    concurrency: Annotated[Optional[int], typer.Option("--concurrency", min=1, help="Model calls in flight, "
                                                       "across all titles [AUTHORING_CONCURRENCY].")] = None,
    base_url: Annotated[Optional[str], typer.Option("--base-url", help="OpenAI-compatible endpoint [OPENAI_BASE_URL]; "
                                                    "none: the embedded model.")] = None,
    model: Annotated[Optional[str], typer.Option("--model", help="Model name [AUTHORING_MODEL].")] = None,
    mode: Annotated[Optional[str], typer.Option("--mode", help="Structured output: json_schema, json_object, "
                                                "tools or auto [AUTHORING_MODE].")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Ask the model again; redraft up-to-date titles.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Redraft hand-edited pages too (kept in history/).")] = False,
    batch_api: Annotated[bool, typer.Option("--batch-api", help="First attempts through the provider's Batch API "
                                            "(OpenAI-style; slower, cheaper).")] = False,
    reask_via: Annotated[str, typer.Option("--reask-via", help="With --batch-api: re-asks as direct calls, or as "
                                           "further batch rounds.")] = "direct",
    workers: Annotated[Optional[int], typer.Option("--workers", min=1, help="Processes drafting titles, sharing "
                                                   "the concurrency (default: one per CPU for a wide endpoint and "
                                                   "8+ seeds).")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", help="Rule policies (TOML); default ./authoring.toml "
                                                   "when present.")] = None,
) -> None:
    """Draft every seed under one limit on model calls; skip titles already done; report per title
    (table, and OUT/batch-report.json). Exit 0 all drafted, 1 any failed, 2 no seed readable."""
    from .batch import BatchInputError, Options, print_report, run_batch
    from .files import BadInput, DraftError

    if reask_via not in ("direct", "batch"):
        raise _err(f"--reask-via {reask_via!r}: use direct or batch")
    if reask_via == "batch" and not batch_api:
        raise _err("--reask-via batch sends re-asks through the Batch API: it needs --batch-api")
    if batch_api and no_cache:
        raise _err("--batch-api puts the batch replies into the cache; it cannot run with --no-cache")
    settings = _settings(config, base_url=base_url, model=model, mode=mode, concurrency=concurrency)
    console = _console(stderr=True)
    options = Options(out=out, use_cache=not no_cache, force=force, batch_api=batch_api, reask_via=reask_via,
                      workers=workers)
    try:
        result = run_batch(seeds, settings, options, console)
    except (BatchInputError, BadInput) as exc:
        raise _err(str(exc), 2) from None
    except DraftError as exc:
        raise _err(str(exc), 1) from None
    print_report(_console(width=None if sys.stdout.isatty() else 160), result)
    if result.stopped:
        raise _err(f"the batch stopped: {result.stopped}\nTitles finished so far are kept; fix the cause and "
                   "run the same command again to finish the rest.", 1)
    if result.interrupted:
        raise _err("interrupted; finished titles are kept: run the same command again to finish the rest",
                   143 if _signalled else 130)
    raise typer.Exit(result.exit_code)


@facts_app.command("import")
def facts_import(
    file: Annotated[Path, typer.Argument(help="The dataset: CSV rows or a JSON list of records.")],
    fmt: Annotated[Optional[str], typer.Option("--format", help="csv or json (default: from the file name).")] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder the seeds are written to.")] = Path("seeds"),
    mapping: Annotated[Optional[list[str]], typer.Option("--map", help="COLUMN=FIELD (a dotted path such as "
                                                         "box_office.budget), or COLUMN=- to leave it out.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite seeds that exist with other content.")] = False,
) -> None:
    """One validated facts seed per row, OUT/<slug>.yaml. Exit 0 all imported, 1 rows rejected, 2 unreadable input."""
    from .importer import ImportInputError, import_dataset

    console = _console(stderr=True)
    try:
        report = import_dataset(file, fmt, out, mapping or [], force)
    except ImportInputError as exc:
        raise _err(str(exc), 2) from None
    for label, path in report.written:
        console.print(f"[green]✓[/] {_lit(label)}: {_lit(path)}", soft_wrap=True)
    for r in report.rejected:
        title = f" ({r.title})" if r.title else ""
        console.print(f"[red]✗[/] {_lit(r.label + title)}: {_lit(r.reason)}", soft_wrap=True)
    for note in report.notes:
        console.print(f"[yellow]note[/] {_lit(note)}", soft_wrap=True)
    console.print(_lit(f"{report.rows} rows: {len(report.written)} written, {len(report.unchanged)} unchanged, "
                         f"{len(report.rejected)} rejected → {out}"), soft_wrap=True)
    raise typer.Exit(report.exit_code)


def main() -> None:  # pragma: no cover - console script entry
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
