"""Structure: headings we know, no empty sections, list sections with items,
FAQ questions with answers, a one-sentence nameless badly explained plot,
the number of `### ` parts, and no section whose facts are missing. Which
sections are lists, how many parts, and when facts are missing: each Section says."""
from __future__ import annotations

import re

from ..headings import SECTIONS
from ..sections import SECTIONS as DECLARED
from .context import Ctx
from .page import Section
from .text import COMMON_WORDS, STOP_CAPS, norm_words, sentence_spans

RULES = {   # every rule id this family raises -> what it means
    "structure.no_facts": "a section whose facts are missing, which must be left out",
    "structure.empty_section": "a section with no text",
    "structure.empty_subsection": "a `### ` part with no text",
    "structure.list_items": "a list section without `- ` items",
    "structure.faq_question": "an FAQ answer without its question, or a question not ending with '?'",
    "structure.faq_answer": "an FAQ question with no answer",
    "structure.badly_explained_sentences": "a badly explained plot longer than one sentence",
    "structure.badly_explained_names": "a badly explained plot that names someone, or the title's proper names",
    **{f"structure.{s.id}_parts": f"a {s.id} with too few or too many `### ` parts"
       for s in DECLARED.values() if s.parts},
    "page.empty": "the page holds nothing: no title line, no sections",
    "page.title": "no `# Title (Year)` line, or a title the facts do not hold",
    "page.unknown_heading": "a `## ` heading that names no known section",
    "page.duplicate_section": "a section given twice",
    "page.section_order": "sections out of the page order of the spec",
    "page.unclosed_fence": "a code fence never closed: every line after it is code",
}


def check(ctx: Ctx) -> None:
    page = ctx.page
    if page.title_line is None:
        first = next((ln for ln in page.lines if ln.kind != "blank"), None)
        if first is None:   # a page is a title line and its sections (spec/page.md): nothing here is one
            ctx.add_line("page.empty", "error", 1, None, "",
                         "the page is empty: it needs a `# Title (Year)` line and its sections")
            return
        ctx.add_line("page.title", "warning", first.no, None, "", "the page has no `# Title (Year)` line")
    elif page.title and norm_words(page.title) not in (norm_words(ctx.facts.title),
                                                       norm_words(ctx.facts.original_title or "")):
        ln = page.title_line
        s = ln.body_start
        ctx.add("page.title", "error", ln, s, s + len(page.title), f"the title is {ctx.facts.title} in the facts",
                ctx.facts.title, page.title)
    seen = {}
    for sec in page.sections:
        ln = sec.line
        hs = ln.body_start
        if sec.id is None:
            ctx.add("page.unknown_heading", "warning", ln, hs, len(ln.text),
                    f"unknown section heading; known: {', '.join(SECTIONS.values())}", None, sec.heading)
        else:
            if sec.id in seen:
                ctx.add("page.duplicate_section", "warning", ln, hs, len(ln.text),
                        f"a second {SECTIONS[sec.id]} section (first at line {seen[sec.id]})", None, sec.heading)
            seen.setdefault(sec.id, ln.no)
            if not DECLARED[sec.id].present(ctx.facts):
                ctx.add("structure.no_facts", "error", ln, hs, len(ln.text),
                        f"the facts hold nothing for {SECTIONS[sec.id]}; the section must be left out", None,
                        sec.heading)
        _empty(ctx, sec)
        declared = DECLARED.get(sec.id)
        if declared and declared.bullets:
            _list_items(ctx, sec)
        if sec.id == "faq":
            _faq(ctx, sec)
        if declared and declared.parts:
            _parts(ctx, sec, *declared.part_count())
        if sec.id == "badly_explained":
            _badly_explained(ctx, sec)
    _order(ctx)
    if page.open_fence is not None:  # the rest of the page is code: no heading below it counts
        ln = page.open_fence
        ctx.add("page.unclosed_fence", "warning", ln, 0, len(ln.text),
                "a code fence that is never closed: every line after it, headings too, is code; "
                f"close it with a line of {ln.text.strip()[:3]}", None, ln.text.strip())


def _empty(ctx: Ctx, sec: Section) -> None:
    text = sec.text_lines()
    if not text:
        ln = sec.line
        nxt = ln.no + 1 if ln.no < ctx.page.lines[-1].no else ln.no
        ctx.add_line("structure.empty_section", "error", nxt, sec.id, "",
                     f"the section {sec.heading!r} (line {ln.no}) has no text")
        return
    for sub in sec.subsections:
        if not any(l.kind == "text" for l in sub.body):
            if sec.id == "faq":
                continue  # reported as an unanswered question
            ln = sub.line
            ctx.add("structure.empty_subsection", "error", ln, ln.body_start, len(ln.text),
                    f"the part {sub.heading!r} has no text", None, sub.heading)


def _list_items(ctx: Ctx, sec: Section) -> None:
    text = sec.text_lines()
    if not text or any(l.is_item for l in text):
        return
    ln = text[0]
    ctx.add("structure.list_items", "error", ln, ln.body_start, len(ln.text),
            f"{SECTIONS[sec.id]} is a list section: it needs `- ` items", None, ln.text.strip())


def _parts(ctx: Ctx, sec: Section, fewest: int, most: int) -> None:
    n = len(sec.subsections)
    if not fewest <= n <= most:
        ln = sec.line
        ctx.add(f"structure.{sec.id}_parts", "warning", ln, ln.body_start, len(ln.text),
                f"the {sec.id} has {n} ### parts; it should have {fewest} to {most}", f"{fewest}-{most}", str(n))


def _faq(ctx: Ctx, sec: Section) -> None:
    intro = [l for l in sec.intro if l.kind == "text"]
    for ln in intro:
        ctx.add("structure.faq_question", "error", ln, ln.body_start, len(ln.text),
                "an FAQ answer without its `### Question?`", None, ln.text.strip())
        break
    for sub in sec.subsections:
        ln = sub.line
        q = sub.heading.strip()
        if not q.endswith("?"):
            ctx.add("structure.faq_question", "warning", ln, ln.body_start, len(ln.text),
                    "an FAQ heading must be a question ending with '?'", None, q)
        if not any(l.kind == "text" for l in sub.body):
            ctx.add("structure.faq_answer", "error", ln, ln.body_start, len(ln.text),
                    "this FAQ question has no answer", None, q)


def _badly_explained(ctx: Ctx, sec: Section) -> None:
    text = [l for l in sec.body if l.kind == "text"]
    if not text:
        return
    n = sum(len(sentence_spans(l.folded)) for l in text)
    if n > 1 or len(text) > 1:
        ctx.add("structure.badly_explained_sentences", "warning", text[0], text[0].body_start, len(text[0].text),
                f"the badly explained plot must be one sentence; it has {n}", "1", str(n))
    title_words = {w for w in re.findall(r"[A-Z][A-Za-z'-]+", ctx.facts.title)
                   if w.lower() not in STOP_CAPS and w.lower() not in COMMON_WORDS}
    for ln in text:
        done = []
        for m in ctx.mentions(ln):
            ctx.add("structure.badly_explained_names", "error", ln, m.start, m.end,
                    "the badly explained plot must not name anyone (characters, cast or crew)", None,
                    ln.text[m.start:m.end])
            done.append((m.start, m.end))
        for m in re.finditer(r"(?<![A-Za-z])[A-Z][A-Za-z'-]+", ln.folded):
            if any(s <= m.start() < e for s, e in done):
                continue
            w = m.group().rstrip("'s") if m.group().endswith("'s") else m.group()
            if w in title_words and m.start() > ln.body_start and not re.search(r"[.!?:;]\s*$", ln.folded[:m.start()]):
                ctx.add("structure.badly_explained_names", "error", ln, m.start(), m.start() + len(w),
                        "the badly explained plot must not use the title's proper names", None, w)


def _order(ctx: Ctx) -> None:
    order = list(SECTIONS)
    last = -1
    for sec in ctx.page.sections:
        if sec.id is None:
            continue
        pos = order.index(sec.id)
        if pos < last:
            ln = sec.line
            ctx.add("page.section_order", "warning", ln, ln.body_start, len(ln.text),
                    "sections are out of the page order of the spec", None, sec.heading)
        last = max(last, pos)
