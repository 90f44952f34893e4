"""The readable report: grouped by page, then section; file:line, excerpt and
what the facts hold. Uses rich when it is installed, plain text otherwise."""
from __future__ import annotations

import sys

from ..headings import SECTIONS
from .flags import Flag


def _groups(flags: list[Flag]) -> list[tuple[str, list[Flag]]]:
    groups: dict[str, list[Flag]] = {}
    for f in flags:
        name = SECTIONS.get(f.section, "(outside a known section)") if f.section else "(outside a known section)"
        groups.setdefault(name, []).append(f)
    return list(groups.items())


def render_plain(results: list[tuple[str, list[Flag]]]) -> str:
    out = []
    total_e = total_w = 0
    for path, flags in results:
        errors = sum(f.is_error for f in flags)
        total_e += errors
        total_w += len(flags) - errors
        out.append(f"{path}: {errors} error(s), {len(flags) - errors} warning(s)")
        for name, items in _groups(flags):
            out.append(f"  [{name}]")
            for f in items:
                excerpt = f" \u201c{f.excerpt}\u201d" if f.excerpt else ""
                out.append(f"    {path}:{f.line}: {f.severity} {f.rule}:{excerpt} {f.message}")
        out.append("")
    out.append(f"{len(results)} page(s): {total_e} error(s), {total_w} warning(s)")
    return "\n".join(out)


def print_report(results: list[tuple[str, list[Flag]]], file=None) -> None:
    file = file or sys.stdout
    try:
        from rich.console import Console
        from rich.markup import escape
    except ImportError:
        print(render_plain(results), file=file)
        return
    console = Console(file=file, highlight=False, soft_wrap=True)
    total_e = total_w = 0
    for path, flags in results:
        errors = sum(f.is_error for f in flags)
        total_e += errors
        total_w += len(flags) - errors
        colour = "red" if errors else ("yellow" if flags else "green")
        console.print(f"[bold {colour}]{escape(path)}[/]: {errors} error(s), {len(flags) - errors} warning(s)")
        for name, items in _groups(flags):
            console.print(f"  [bold]{escape(name)}[/]")
            for f in items:
                sev = "[red]error[/]" if f.is_error else "[yellow]warning[/]"
                excerpt = f" [cyan]\u201c{escape(f.excerpt)}\u201d[/]" if f.excerpt else ""
                console.print(f"    [dim]{escape(path)}:{f.line}[/] {sev} [magenta]{f.rule}[/]{excerpt} "
                              f"{escape(f.message)}")
        console.print()
    console.print(f"{len(results)} page(s): {total_e} error(s), {total_w} warning(s)")
