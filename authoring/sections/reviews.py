from typing import Annotated

from pydantic import Field

from .base import Output, Section


class Reviews(Output):
    """The model writes the two opinion parts; what critics and audiences said
    is rendered from the facts, so no quote can be invented."""
    personal_review: Annotated[str, Field(min_length=20, max_length=900)]
    who_would_enjoy: Annotated[str, Field(min_length=10, max_length=400)]


SECTION = Section(
    id="reviews",
    heading="Reviews",
    order=80,
    needs=("reviews", "audience", "genres", "content_warnings", "cast", "plot"),
    output=Reviews,
    max_tokens=500,
    present=lambda f: bool(f.reviews or f.audience),
    template="""
### Personal Review
{{ out.personal_review|sentence }}

### Who Would Enjoy
{{ out.who_would_enjoy|sentence }}
{% if facts.content_warnings %}

### Content Warnings
{{ facts.content_warnings|join('; ')|sentence }}
{% endif %}
{% if facts.reviews %}

### Professional Reviews
{% for r in facts.reviews %}
- {{ r.critic }}{% if r.outlet %} ({{ r.outlet }}){% endif %}{% if r.rating %}, {{ r.rating }}{% endif %}:
{%- if r.excerpt %} "{{ r.excerpt|one_line }}"{% endif %}
{%- if r.summary %} {{ r.summary|sentence }}{% endif %}

{% endfor %}
{% endif %}
{% if facts.audience and facts.audience.reactions %}

### Audience Reactions
{% for a in facts.audience.reactions %}
- {{ a|sentence }}
{% endfor %}
{% endif %}
{% if facts.audience and facts.audience.consensus %}

### Overall Consensus
{{ facts.audience.consensus|sentence }}
{% endif %}
""",
)
