"""The `authoring` command: parse arguments, call the pipeline, report. Thin on purpose."""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(help="Draft film pages from a facts seed, and check every fact on them.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
facts_app = typer.Typer(help="Validate facts seeds.", no_args_is_help=True)
app.add_typer(facts_app, name="facts")


def _err(message: str, code: int = 2) -> typer.Exit:
    from rich.console import Console
    Console(stderr=True, highlight=False).print(f"[bold red]error:[/] {message}", markup=True, soft_wrap=True)
    return typer.Exit(code)


def _load(path: Path):
    from .facts import FactsError, load_facts
    try:
        return load_facts(path)
    except FactsError as exc:
        raise _err(str(exc)) from None


@facts_app.command("check")
def facts_check(files: Annotated[list[Path], typer.Argument(help="Facts seed YAML files.")]) -> None:
    """Validate seeds: exit 0 when all are valid, 2 with every problem listed otherwise."""
    from rich.console import Console
    from .facts import FactsError, load_facts
    console, failed = Console(stderr=True, highlight=False), 0
    for path in files:
        try:
            loaded = load_facts(path)
        except FactsError as exc:
            failed += 1
            console.print(f"[red]✗[/] {exc}", markup=True, soft_wrap=True)
            continue
        console.print(f"[green]✓[/] {path}: {loaded.facts.title} ({loaded.facts.year}) is a valid seed", soft_wrap=True)
        for w in loaded.warnings:
            console.print(f"  [yellow]warning[/] {path}:{w.line or '?'}: {w.path}: {w.message}", soft_wrap=True)
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
    facts: Annotated[Path, typer.Option("--facts", help="The facts seed the pages must agree with.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print the flags as JSON (see spec/page.md).")] = False,
) -> None:
    """Check pages against the facts: exit 0 clean, 1 when a page has an error flag, 2 on bad input."""
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
    from rich.console import Console
    from .draft import DraftError, make_draft
    from .llm import FatalModelError

    loaded = _load(facts)
    console = Console(stderr=True, highlight=False)
    for w in loaded.warnings:
        console.print(f"[yellow]warning[/] {facts}:{w.line or '?'}: {w.path}: {w.message}", soft_wrap=True)
    settings = _settings(config, base_url=base_url, model=model, mode=mode, concurrency=concurrency)
    started = time.perf_counter()
    console.print(f"Drafting {loaded.facts.title} ({loaded.facts.year}) with "
                  f"{settings.endpoint if not settings.embedded else 'the embedded model (SmolLM2-135M)'} …")

    def progress(sid: str, message: str) -> None:
        if message != "started":
            console.print(f"  {sid:<18} {message}", soft_wrap=True)

    try:
        result = make_draft(loaded.facts, str(facts), out, settings, use_cache=not no_cache, force=force,
                            progress=progress)
    except (DraftError, FatalModelError) as exc:
        raise _err(str(exc), 1) from None
    except KeyboardInterrupt:
        raise _err("interrupted; nothing was written", 130) from None
    _summary(console, result, time.perf_counter() - started)
    raise typer.Exit(0)


def _settings(config: Path | None, **overrides):
    from . import policy
    from .llm import Settings
    try:
        return Settings.from_env(policies=policy.load(config), **overrides)
    except ValueError as exc:  # PolicyError included
        raise _err(str(exc)) from None


def _summary(console, result, seconds: float) -> None:
    m = result.manifest
    for sid, s in m["sections"].items():
        if s["made_by"] == "model":
            note = "" if s["status"] == "ok" else f"  [red]{s['status']}[/]"
            console.print(f"  {sid:<18} {s['attempts']} attempt(s)  {s['prompt_tokens'] + s['completion_tokens']:>6} tokens"
                          f"  {s['seconds']:>6.1f}s{' (cached)' if s['cached'] and not s['calls'] else ''}{note}")
        else:
            console.print(f"  {sid:<18} from facts")
    errors = sum(1 for f in result.flags if f["severity"] == "error")
    warnings = len(result.flags) - errors
    model_made = sum(1 for s in m["sections"].values() if s["made_by"] == "model")
    t = m["totals"]
    cost = f", ${m['cost_usd']:.4f}" if m.get("cost_usd") is not None else ""
    console.print(f"[bold]{result.folder / 'page.md'}[/]: {len(m['sections'])} sections ({model_made} by the model), "
                  f"{len(m['left_out'])} left out; {errors} error and {warnings} warning flags; "
                  f"{t['prompt_tokens'] + t['completion_tokens']:,} tokens in {t['calls']} calls{cost}; {seconds:.1f}s")


def main() -> None:  # pragma: no cover - console script entry
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
