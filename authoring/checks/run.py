"""`authoring check`: load the facts once, check every page, print the JSON of
the spec or a readable report; exit 0 (no error flag), 1 (an error flag) or 2
(bad input)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .flags import Flag

RULES = {"checker.internal_error": "the checker failed on the page: its flags are incomplete"}


_FIX = "give a page's Markdown file, or a draft folder holding page.md"


def read_pages(pages: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """Each page's text, and a message for each that cannot be checked: missing, a folder
    without page.md, not a regular file (a named pipe or a device would block the read
    or never end), not UTF-8. Every message names the file."""
    from ..files import UnreadableFile, read_bytes

    out, problems = [], []
    for given in pages:
        path = Path(given)
        shown = given
        if path.is_dir():
            path = path / "page.md"
            shown = str(path)
            if not path.exists():
                problems.append(f"{given}: a folder without page.md")
                continue
        try:
            raw = read_bytes(path, _FIX)
        except UnreadableFile as exc:
            problems.append(str(exc))
            continue
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            problems.append(f"{shown}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                            "save it as UTF-8")
            continue
        out.append((shown, text))
    return out, problems


def check_files(facts, pages: list[tuple[str, str]]) -> list[tuple[str, list[Flag]]]:
    from . import check_page

    results = []
    for shown, text in pages:
        try:
            flags = check_page(facts, text)
        except Exception as exc:  # a checker bug must not hide the other pages' results
            print(f"authoring check: internal error while checking {shown}: {type(exc).__name__}: {exc}",
                  file=sys.stderr)
            flags = [Flag("checker.internal_error", "warning", None, 1, "",
                          f"the checker failed on this page ({type(exc).__name__}); its flags are incomplete")]
        results.append((shown, flags))
    return results


def main(facts_path: str, pages: list[str], as_json: bool) -> int:
    """Check pages against a facts seed; print the report; return the exit status."""
    from ..facts import FactsError, load_facts

    try:
        facts = load_facts(facts_path).facts
    except FactsError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if not pages:
        print("authoring check: no page given", file=sys.stderr)
        return 2
    texts, problems = read_pages(pages)
    if problems:
        for p in problems:
            print(f"authoring check: {p}", file=sys.stderr)
        return 2
    return emit(check_files(facts, texts), as_json)


def emit(results: list[tuple[str, list[Flag]]], as_json: bool) -> int:
    """Print the results (the spec's JSON or the readable report); the exit status they call for."""
    if as_json:
        doc = {"pages": [{"path": shown, "flags": [f.to_dict() for f in flags]} for shown, flags in results]}
        sys.stdout.write(json.dumps(doc, ensure_ascii=False) + "\n")
    else:
        from .report import print_report
        print_report(results)
    return 1 if any(f.is_error for _, flags in results for f in flags) else 0
