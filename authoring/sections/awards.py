from .base import Section

SECTION = Section(
    id="awards",
    heading="Awards",
    order=90,
    bullets=True,
    needs=("awards",),
    present=lambda f: bool(f.awards),
    template="""
{% for a in facts.awards %}
- {{ a.award }}, {{ a.category }} ({{ a.year }}): {{ a.result }}{% if a.recipient %} ({{ a.recipient }}){% endif %}

{% endfor %}
""",
)
