"""`authoring batch`: draft many titles under one limit on model calls.

    seeds.py    what to draft: the seed files and the options (folder.up_to_date says which are done)
    workers.py  drafting titles in this process or in forked worker processes
    display.py  the progress while it runs
    report.py   a row per title, batch-report.json's totals, the printed table
    run.py      one batch run, from the inputs to the report
"""
from .report import print_report
from .run import run_batch
from .seeds import BatchInputError, Options

__all__ = ["BatchInputError", "Options", "print_report", "run_batch"]
