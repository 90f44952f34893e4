from typing import Annotated

from pydantic import Field

from .base import Output, Section

Context = Annotated[str, Field(min_length=5, max_length=200)]


class Quotes(Output):
    """One line of context per quote, in the facts' order; the quotes themselves
    are copied from the facts, never written by the model."""
    contexts: list[Context]


SECTION = Section(
    id="quotes",
    heading="Memorable Quotes",
    order=60,
    bullets=True,
    needs=("quotes", "cast", "plot"),
    output=Quotes,
    max_tokens=500,
    present=lambda f: bool(f.quotes),
    array_sizes=lambda f: {"contexts": len(f.quotes)},
    template="""
{% for q in facts.quotes %}
- {{ q.speaker }}: "{{ q.text|one_line }}" {{ out.contexts[loop.index0]|sentence }}

{% endfor %}
""",
)
