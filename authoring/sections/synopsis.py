from typing import Annotated

from pydantic import Field

from .base import Output, Section


class Part(Output):
    heading: Annotated[str, Field(min_length=3, max_length=80)]
    paragraph: Annotated[str, Field(min_length=20, max_length=1200)]


class Synopsis(Output):
    """The story up to (not including) the ending, in headed parts."""
    parts: Annotated[list[Part], Field(min_length=3, max_length=6)]


SECTION = Section(
    id="synopsis",
    heading="Detailed Plot Synopsis",
    order=30,
    parts="parts",
    needs=("plot", "cast"),
    output=Synopsis,
    max_tokens=1200,
    present=lambda f: bool(f.plot and (f.plot.premise or f.plot.beats)),
    template="""
{% for p in out.parts %}
### {{ p.heading|one_line }}
{{ p.paragraph|sentence }}
{% if not loop.last %}

{% endif %}
{% endfor %}
""",
)
