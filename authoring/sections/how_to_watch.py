from .base import Section

SECTION = Section(
    id="how_to_watch",
    heading="How to Watch",
    order=110,
    needs=("where_to_watch",),
    present=lambda f: bool(f.where_to_watch),
    template="""
{{ facts.title }} is available on {{ facts.where_to_watch|join_and }}.
""",
)
