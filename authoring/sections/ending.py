from typing import Annotated

from pydantic import Field

from .base import Output, Section


class Ending(Output):
    """What happens at the end and what it means: the one place spoilers go."""
    explanation: Annotated[str, Field(min_length=20, max_length=1500)]


SECTION = Section(
    id="ending",
    heading="Spoilers and Ending Explained",
    order=40,
    needs=("plot", "cast"),
    output=Ending,
    max_tokens=500,
    spoilers=True,
    present=lambda f: bool(f.plot and f.plot.ending),
    template="{{ out.explanation|sentence }}",
)
