"""page.html: the page as an editor reads it, flagged excerpts highlighted in
place and listed in a panel. Markdown by markdown-it-py with raw HTML off,
the result sanitised by nh3, so nothing in facts or model output runs."""
from __future__ import annotations

import html

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

CSS = """
body{font:16px/1.55 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.9rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}
mark.flag{background:#ffe08a;border-bottom:2px solid #d9a400}mark.flag.error{background:#ffc9c9;border-color:#d33}
mark.flag.waived,mark.flag.resolved{background:#e6e6e6;border-color:#999}
.flags li.waived,.flags li.resolved{color:#777}.flags .id{font-family:monospace;color:#555}
.flags{border:1px solid #d33;border-radius:6px;padding:.5rem 1rem;background:#fff7f7}
.flags li{margin:.3rem 0}.flags .sev{font-weight:600;text-transform:uppercase;font-size:.8rem}
.note{color:#555;font-size:.9rem}
"""

ALLOWED_ATTRS = {"mark": {"class", "id", "title"}, "a": {"href", "title"}, "span": {"class"},
                 "li": {"id", "class"}, "section": {"class"}, "div": {"class"}}


def _mark_inline(inline: Token, flags: list[tuple[int, dict]]) -> None:
    """Split the inline token's text children around each flag's excerpt."""
    for number, flag in flags:
        excerpt = flag.get("excerpt") or ""
        if not excerpt:
            continue
        children = []
        done = False
        for child in inline.children or []:
            if done or child.type != "text" or excerpt not in child.content:
                children.append(child)
                continue
            before, _, after = child.content.partition(excerpt)
            closed = flag.get("status") in ("waived", "resolved")
            cls = "flag " + (flag["status"] if closed else flag.get("severity", "warning"))
            title = html.escape(flag.get("message", ""), quote=True)
            for text, kind in ((before, "text"), (f'<mark class="{cls}" id="flag-{number}" title="{title}">', "html_inline"),
                               (excerpt, "text"), ("</mark>", "html_inline"), (after, "text")):
                if text:
                    token = Token(kind, "", 0)
                    token.content = text
                    children.append(token)
            done = True
        inline.children = children


def _panel(flags: list[tuple[int, dict]]) -> str:
    """The list of flags, open ones first, each linking to its highlight."""
    def item(n: int, f: dict) -> str:
        status = f.get("status", "open")
        held = f" The facts hold: {html.escape(f['expected'])}." if f.get("expected") else ""
        note = f" Note: {html.escape(f['note'])}" if f.get("note") else ""
        return (f'<li class="{status}"><a href="#flag-{n}"><span class="sev">{html.escape(f.get("severity", ""))}'
                f'</span></a> <span class="id">{html.escape(f.get("id", ""))}</span> '
                f'{html.escape(f.get("section") or "page")}, line {f.get("line")}: '
                f'<q>{html.escape(f.get("excerpt") or "")}</q>: {html.escape(f.get("message", ""))}.{held}'
                f'{" (" + status + ")" if status != "open" else ""}{note}</li>')
    open_ = [(n, f) for n, f in flags if f.get("status", "open") == "open"]
    closed = [(n, f) for n, f in flags if f.get("status", "open") != "open"]
    out = f'<section class="flags"><h2>Open flags ({len(open_)})</h2><ol>{"".join(item(n, f) for n, f in open_)}</ol>'
    if closed:
        out += f'<h3>Decided ({len(closed)})</h3><ul>{"".join(item(n, f) for n, f in closed)}</ul>'
    return out + "</section>"


def render(markdown_text: str, title: str, flags: list[dict] | None = None) -> str:
    flags = list(enumerate(flags or [], start=1))
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    tokens = md.parse(markdown_text)
    for token in tokens:
        if token.type == "inline" and token.map:
            first, last = token.map[0] + 1, token.map[1]
            here = [(n, f) for n, f in flags if f.get("line") and first <= f["line"] <= last]
            if here:
                _mark_inline(token, here)
    body = md.renderer.render(tokens, md.options, {})
    panel = _panel(flags) if flags else ""
    safe = nh3.clean(panel + body, tags=nh3.ALLOWED_TAGS | {"section", "mark"},
                     attributes=ALLOWED_ATTRS | nh3.ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
            f'base-uri \'none\'; form-action \'none\'">'
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head>\n<body>\n{safe}\n</body></html>\n")
