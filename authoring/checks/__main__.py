"""python -m authoring.checks --facts FACTS.yaml PAGE.md [PAGE.md ...] [--json]"""
from __future__ import annotations

import argparse
import sys

from .run import main as run_main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m authoring.checks",
                                     description="Check film pages against their facts seed.")
    parser.add_argument("--facts", required=True, help="the facts seed (YAML)")
    parser.add_argument("pages", nargs="+", help="page Markdown files, or draft folders holding page.md")
    parser.add_argument("--json", action="store_true", help="print the JSON report of the spec")
    args = parser.parse_args(argv)
    return run_main(args.facts, args.pages, args.json)


if __name__ == "__main__":
    sys.exit(main())
