from .base import Section

SECTION = Section(
    id="box_office",
    heading="Box Office",
    order=70,
    needs=("box_office",),
    present=lambda f: bool(f.box_office and (f.box_office.budget is not None or f.box_office.domestic_gross is not None
                                             or f.box_office.worldwide_gross is not None)),
    template="""
{% set b = facts.box_office %}
{% if b.budget is not none %}- Budget: {{ b.budget|money(b.currency) }}
{% endif %}
{% if b.domestic_gross is not none %}- Domestic gross: {{ b.domestic_gross|money(b.currency) }}
{% endif %}
{% if b.worldwide_gross is not none %}- Worldwide gross: {{ b.worldwide_gross|money(b.currency) }}
{% endif %}
""",
)
