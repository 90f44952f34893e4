from typing import Annotated

from pydantic import Field

from .base import Output, Section


class BehindTheScenes(Output):
    """Each trivia fact retold as one item, in the facts' order."""
    items: list[Annotated[str, Field(min_length=10, max_length=400)]]


SECTION = Section(
    id="behind_the_scenes",
    heading="Behind the Scenes",
    order=100,
    needs=("trivia", "directors", "crew", "based_on", "filming_locations"),
    output=BehindTheScenes,
    max_tokens=600,
    present=lambda f: bool(f.trivia),
    array_sizes=lambda f: {"items": len(f.trivia)},
    template="""
{% for item in out.items %}
- {{ item|sentence }}
{% endfor %}
""",
)
