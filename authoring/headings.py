"""Section ids and headings of the page (../shared/spec/page.md), shared by the
generator, which writes them, and the checker, which reads them back."""
from __future__ import annotations

import re
import unicodedata

# id -> heading, in page order
SECTIONS: dict[str, str] = {
    "overview": "Quick Overview",
    "badly_explained": "Plot Summary – Badly Explained",
    "synopsis": "Detailed Plot Synopsis",
    "ending": "Spoilers and Ending Explained",
    "cast": "Cast & Characters",
    "quotes": "Memorable Quotes",
    "box_office": "Box Office",
    "reviews": "Reviews",
    "awards": "Awards",
    "behind_the_scenes": "Behind the Scenes",
    "how_to_watch": "How to Watch",
    "similar": "Similar Movies",
    "soundtrack": "Soundtrack",
    "faq": "FAQ",
}


def normalise_heading(text: str) -> str:
    """Case-folded letters and digits only: emoji, punctuation and dashes ignored."""
    text = unicodedata.normalize("NFKD", text)
    words = re.findall(r"[^\W_]+", text.casefold())
    return " ".join(w for w in words if not all(unicodedata.combining(c) for c in w))


_BY_NORMAL = {normalise_heading(h): sid for sid, h in SECTIONS.items()}


def section_id(heading: str, title: str | None = None) -> str | None:
    """The section id of a `## ` heading, or None when it is not one we know.

    Published pages put the title into some headings ("Leaving Las Vegas
    Reviews", "How to Watch Leaving Las Vegas?"), so the title is tried away too.
    """
    norm = normalise_heading(heading)
    if norm in _BY_NORMAL:
        return _BY_NORMAL[norm]
    if title:
        t = normalise_heading(title)
        stripped = " ".join(norm.replace(t, " ").split()) if t else norm
        if stripped in _BY_NORMAL:
            return _BY_NORMAL[stripped]
    return None
