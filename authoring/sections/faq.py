from typing import Annotated

from pydantic import Field

from .base import Output, Section


class Entry(Output):
    question: Annotated[str, Field(min_length=5, max_length=150)]
    answer: Annotated[str, Field(min_length=2, max_length=600)]


class Faq(Output):
    """Questions a viewer asks, each answered from the facts alone."""
    entries: Annotated[list[Entry], Field(min_length=3, max_length=6)]


SECTION = Section(
    id="faq",
    heading="FAQ",
    order=140,
    needs=("directors", "writers", "based_on", "awards", "runtime_minutes", "filming_locations", "plot", "cast"),
    output=Faq,
    max_tokens=800,
    present=lambda f: bool(f.directors or f.plot or f.based_on or f.awards or f.cast),
    template="""
{% for e in out.entries %}
### {{ e.question|one_line|trim('?. ') }}?
{{ e.answer|sentence }}
{% if not loop.last %}

{% endif %}
{% endfor %}
""",
)
