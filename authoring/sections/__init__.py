"""Every section of the page, in page order (see headings.SECTIONS)."""
from . import (awards, badly_explained, behind_the_scenes, box_office, cast, ending, faq, how_to_watch,
               overview, quotes, reviews, similar, soundtrack, synopsis)
from .base import Output, Section

SECTIONS: dict[str, Section] = {m.SECTION.id: m.SECTION for m in (
    overview, badly_explained, synopsis, ending, cast, quotes, box_office, reviews, awards,
    behind_the_scenes, how_to_watch, similar, soundtrack, faq)}

__all__ = ["SECTIONS", "Section", "Output"]
