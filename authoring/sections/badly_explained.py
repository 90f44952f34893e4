from typing import Annotated

from pydantic import Field

from .base import Output, Section


class BadlyExplained(Output):
    """One deliberately wrong-headed, funny sentence: no names, no spoilers."""
    sentence: Annotated[str, Field(min_length=15, max_length=300)]


SECTION = Section(
    id="badly_explained",
    heading="Plot Summary – Badly Explained",
    order=20,
    needs=("plot", "genres"),
    output=BadlyExplained,
    max_tokens=150,
    present=lambda f: bool(f.plot and (f.plot.premise or f.plot.beats)),
    template="{{ out.sentence|sentence }}",
)
