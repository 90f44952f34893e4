from typing import Annotated

from pydantic import Field

from .base import Output, Section


class Similar(Output):
    """Why each similar title (from the facts, in order) fits; titles and years are the facts'."""
    reasons: list[Annotated[str, Field(min_length=10, max_length=300)]]


SECTION = Section(
    id="similar",
    heading="Similar Movies",
    order=120,
    bullets=True,
    needs=("similar", "genres", "plot"),
    output=Similar,
    max_tokens=500,
    present=lambda f: bool(f.similar),
    array_sizes=lambda f: {"reasons": len(f.similar)},
    template="""
{% for s in facts.similar %}
- {{ s.title }}{% if s.year %} ({{ s.year }}){% endif %}: {{ out.reasons[loop.index0]|sentence }}
{% endfor %}
""",
)
