"""The Section is the one place a section is declared: every registered section has its
prompt and its exported schema, and a section added from outside the package (a module
in an AUTHORING_SECTIONS folder plus its prompt) is drafted, checked and exported with
no other file changed."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

from authoring import headings
from authoring.prompting import package_prompts
from authoring.schemas import all_schemas, shipped
from authoring.sections import SECTIONS, SECTIONS_ENV
from tests.conftest import EXAMPLE, ROOT

SLUG = "leaving-las-vegas-1995"

THEMES_MODULE = '''
from typing import Annotated

from pydantic import Field

from .base import Output, Section


class Themes(Output):
    """One theme of the film for each of its genres, in the facts' order."""
    themes: list[Annotated[str, Field(min_length=5, max_length=200)]]


SECTION = Section(
    id="themes",
    heading="Themes",
    order=35,
    needs=("genres", "plot"),
    output=Themes,
    max_tokens=300,
    present=lambda f: bool(f.genres),
    bullets=True,
    array_sizes=lambda f: {"themes": len(f.genres)},
    template="""
{% for t in out.themes %}
- {{ t|sentence }}
{% endfor %}
""",
)
'''

THEMES_PROMPT = '''{% extends "_base.md.j2" %}
{% block task -%}
Name one theme of the film for each of its {{ facts.genres|length }} genres, in the same order.
{%- endblock %}
'''


def test_every_section_has_its_prompt_and_its_exported_schema():
    for sid, section in SECTIONS.items():
        if section.output:
            assert (package_prompts() / f"{sid}.md.j2").is_file(), f"{sid}: no prompts/{sid}.md.j2"
            assert (shipped() / f"{sid}.schema.json").is_file(), f"{sid}: run `python -m authoring.schemas`"
    exported = {p.name for p in shipped().iterdir() if p.name.endswith(".schema.json")}
    assert exported == set(all_schemas()), "a schema without its section, or a section without its schema"


def test_headings_page_order_and_counts_come_from_the_sections():
    assert headings.SECTIONS == {sid: s.heading for sid, s in SECTIONS.items()}
    orders = [s.order for s in SECTIONS.values()]
    assert orders == sorted(orders)
    assert SECTIONS["synopsis"].part_count() == (3, 6)


def test_the_prompt_shape_is_rendered_from_the_output_model():
    for sid, section in SECTIONS.items():
        if section.output:
            assert "Return {" not in (package_prompts() / f"{sid}.md.j2").read_text(encoding="utf-8"), sid
    assert SECTIONS["synopsis"].shape() == 'Return {"parts": [{"heading": "...", "paragraph": "..."}, ...]}.'


def _cli(*args, env):
    return subprocess.run([sys.executable, "-m", "authoring", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)


def test_a_section_added_outside_the_package_is_drafted_checked_and_exported(model_env, tmp_path):
    modules, prompts = tmp_path / "sections", tmp_path / "prompts"
    modules.mkdir()
    prompts.mkdir()
    (modules / "themes.py").write_text(textwrap.dedent(THEMES_MODULE), encoding="utf-8")
    (prompts / "themes.md.j2").write_text(THEMES_PROMPT, encoding="utf-8")
    env = {**os.environ, SECTIONS_ENV: str(modules), "AUTHORING_PROMPTS": str(prompts)}

    # drafted: on the page, in its place, from a prompt whose JSON shape comes from the model
    drafted = _cli("draft", str(EXAMPLE), "--out", str(tmp_path / "out"), env=env)
    assert drafted.returncode == 0, drafted.stderr
    folder = tmp_path / "out" / SLUG
    page = (folder / "page.md").read_text(encoding="utf-8")
    titles = [line[3:] for line in page.splitlines() if line.startswith("## ")]
    assert titles[titles.index("Detailed Plot Synopsis") + 1] == "Themes"
    body = page.split("## Themes\n")[1].split("\n## ")[0]
    assert [line[:2] for line in body.splitlines() if line] == ["- "] * 4   # one item per genre
    asked = [b for b in model_env.chat_requests if b["response_format"]["json_schema"]["name"] == "themes"]
    assert len(asked) == 1
    prompt = asked[0]["messages"][-1]["content"]
    assert 'Return {"themes": ["...", ...]} with exactly 4 strings.' in prompt
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["sections"]["themes"]["made_by"] == "model"
    assert not any(f["rule"].startswith("structure.") for f in json.loads((folder / "flags.json").read_text())["flags"])

    # checked by the structure rules the Section declares: a list, present only with genres
    def structure_flags(page_text, facts):
        path = tmp_path / "check.md"
        path.write_text(page_text, encoding="utf-8")
        checked = _cli("check", "--facts", str(facts), str(path), "--json", env=env)
        assert checked.returncode in (0, 1), checked.stderr
        return {(f["rule"], f["section"]) for f in json.loads(checked.stdout)["pages"][0]["flags"]}

    prose = page.replace(body, "Love and loss run through it.\n")
    assert ("structure.list_items", "themes") in structure_flags(prose, EXAMPLE)
    no_genres = tmp_path / "no-genres.yaml"
    no_genres.write_text(re.sub(r"(?m)^genres:.*\n", "", EXAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    assert ("structure.no_facts", "themes") in structure_flags(page, no_genres)

    # exported: its schema is among the package's exported schemas
    exported = subprocess.run([sys.executable, "-c", "import json; from authoring.schemas import all_schemas; "
                               "print(json.dumps(all_schemas()))"], capture_output=True, text=True, env=env,
                              timeout=120)
    schema = json.loads(json.loads(exported.stdout)["themes.schema.json"])
    assert schema["title"] == "Themes" and "themes" in schema["required"]

    # and no file of the package was added or needed for it
    assert not [p for p in (ROOT / "authoring").rglob("themes*")]
    assert "themes" not in SECTIONS
