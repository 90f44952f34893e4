from .base import Section

SECTION = Section(
    id="soundtrack",
    heading="Soundtrack",
    order=130,
    bullets=True,
    needs=("soundtrack",),
    present=lambda f: bool(f.soundtrack),
    template="""
{% for t in facts.soundtrack %}
- {{ t.title }}{% if t.artist %} by {{ t.artist }}{% endif %}

{% endfor %}
""",
)
