from .base import Section

SECTION = Section(
    id="cast",
    heading="Cast & Characters",
    order=50,
    bullets=True,
    needs=("cast",),
    present=lambda f: bool(f.cast),
    template="""
{% for c in facts.cast %}
- {{ c.character }} ({{ c.actor }}){% if c.description %}: {{ c.description|sentence }}{% endif %}

{% endfor %}
""",
)
