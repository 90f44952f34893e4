"""People as the facts name them: a person's kinds and role families, and the other
ways a page may write the same name (initials spaced or not, a surname, a given
name). Its own room: how a name may be written is a question apart from the index
that holds every name, and the index and the people rules both use it."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import HONORIFICS, norm_words


ROLE_FAMILIES = ("director", "writer", "composer", "designer", "editor", "cinematographer", "producer")


def role_families(role: str) -> set[str]:
    r = role.lower()
    fams = set()
    if "photograph" in r or "cinematograph" in r or r.strip() in ("dop", "dp"):
        fams.add("cinematographer")
    elif "art direct" in r:
        fams.add("designer")
    elif "direct" in r and not any(w in r for w in ("casting", "music", "assistant", "second unit")):
        fams.add("director")
    if "compos" in r or "music" in r or "score" in r:
        fams.add("composer")
    if "design" in r:
        fams.add("designer")
    if "edit" in r:
        fams.add("editor")
    if "produc" in r:
        fams.add("producer")
    if "writ" in r or "screenplay" in r or "script" in r:
        fams.add("writer")
    if not fams:
        fams.add(norm_words(role))
    return fams


# ---------------------------------------------------------------- people

@dataclass
class Person:
    id: int
    name: str
    kinds: set[str] = field(default_factory=set)      # actor character director writer crew critic author recipient artist
    families: set[str] = field(default_factory=set)   # director writer composer designer ... actor critic author
    cast: set[int] = field(default_factory=set)       # cast entries this person is the actor or character of
    outlets: set[str] = field(default_factory=set)    # normalised outlets, for critics
    roles: list[str] = field(default_factory=list)    # as written in the facts, for messages

    @property
    def is_real(self) -> bool:
        return bool(self.kinds - {"character"})

    @property
    def only_character(self) -> bool:
        return self.kinds == {"character"}


_PARTICLES = {"de", "del", "della", "der", "den", "van", "von", "da", "di", "du", "la", "le", "st", "bin", "al", "ten", "ter", "dos", "das"}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


def name_variants(name: str) -> set[str]:
    """Ways a page may write the same full name: initials spaced or not."""
    out = {name}
    toks = name.split()
    if any(re.fullmatch(r"[A-Z]\.?", t) for t in toks):
        initials = []
        rest = []
        for t in toks:
            if re.fullmatch(r"[A-Z]\.?", t) and not rest:
                initials.append(t.rstrip("."))
            else:
                rest.append(t)
        if initials and rest:
            tail = " ".join(rest)
            out |= {" ".join(i + "." for i in initials) + " " + tail,
                    "".join(i + "." for i in initials) + " " + tail,
                    "".join(initials) + " " + tail,
                    " ".join(initials) + " " + tail}
    return out


def short_aliases(name: str) -> set[str]:
    """Surname and given name of a multi-word name ("Cage", "Nicolas")."""
    toks = [t for t in name.split() if t.lower().rstrip(".") not in _SUFFIXES]
    toks = [t for t in toks if t.lower().rstrip(".") not in HONORIFICS] or toks
    if len(toks) < 2:
        return set(toks) if toks and len(name.split()) > len(toks) else set()
    out = set()
    # surname: from the first particle, or the last token
    for i, t in enumerate(toks[1:], 1):
        if t.lower() in _PARTICLES:
            out.add(" ".join(toks[i:]))
            out.add(" ".join(toks[i:])[0].upper() + " ".join(toks[i:])[1:])
            break
    else:
        out.add(toks[-1])
    first = toks[0]
    if not re.fullmatch(r"[A-Z]\.?", first):
        out.add(first)
    return {a for a in out if len(a) >= 2 and not re.fullmatch(r"[A-Z]\.?", a)}
