from .base import Section

SECTION = Section(
    id="soundtrack",
    needs=("soundtrack",),
    present=lambda f: bool(f.soundtrack),
    template="""
{% for t in facts.soundtrack %}
- {{ t.title }}{% if t.artist %} by {{ t.artist }}{% endif %}

{% endfor %}
""",
)
