"""page.html in a real browser: flagged excerpts highlighted, nothing hostile runs."""
import json
import shutil

from typer.testing import CliRunner

from authoring.cli import app
from tests import browser
from tests.conftest import EXAMPLE
from tests.fake_openai import json_content

SLUG = "leaving-las-vegas-1995"


def test_review_page_highlights_flags_in_place(model_env, tmp_path):
    model_env.handler = lambda body: json_content({"entries": [
        {"question": "How long is it?", "answer": "It runs 2h 11min."},
        {"question": "Who directed it?", "answer": "Nicolas Cage directed it."},
        {"question": "Where is it set?", "answer": "Las Vegas."}]}) \
        if body["response_format"]["json_schema"]["name"] == "faq" else None
    config = tmp_path / "authoring.toml"
    config.write_text('[policy]\n"*" = "flag"\n')
    result = CliRunner().invoke(app, ["draft", str(EXAMPLE), "--out", str(tmp_path / "out"), "--config", str(config)])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / SLUG
    flags = json.loads((folder / "flags.json").read_text())["flags"]
    runtime = next(f for f in flags if f["excerpt"] == "2h 11min")
    # waive one, so the page shows both kinds
    director = next(f for f in flags if f["section"] == "faq" and f["id"] != runtime["id"])
    assert CliRunner().invoke(app, ["review", str(folder), "--waive", director["id"], "--note", "ok"]).exit_code == 0
    dom = browser.dom(folder / "page.html")
    assert '<mark class="flag error" id="flag-' in dom and ">2h 11min</mark>" in dom
    assert 'class="flag waived"' in dom
    assert "Open flags" in dom and "runtime" in dom and runtime["id"] in dom
    png = browser.screenshot(folder / "page.html", tmp_path / "review-page.png")
    assert png.stat().st_size > 10_000
    shutil.copy(png, folder / "review-page.png")  # kept with the draft for a person to look at


def test_hostile_html_never_runs(model_env, tmp_path):
    payload = "<script>document.body.appendChild(Object.assign(document.createElement('div'),{id:'pwned'}))</script>"
    seed = tmp_path / "hostile.yaml"
    text = EXAMPLE.read_text().replace(
        "  - The opening credits do not appear until about fifteen minutes into the film.",
        f"  - \"{payload} <img src=x onerror=\\\"document.title='pwned'\\\"> [click](javascript:alert(1))\"")
    seed.write_text(text)
    model_env.handler = lambda body: json_content({"sentence": payload + " <iframe src='javascript:alert(1)'>"}) \
        if body["response_format"]["json_schema"]["name"] == "badly_explained" else None
    result = CliRunner().invoke(app, ["draft", str(seed), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / SLUG / "page.html").read_text()
    for live in ("<script", "<img", "<iframe", "onerror=", 'href="javascript:'):
        assert live not in html.lower()
    dom = browser.dom(tmp_path / "out" / SLUG / "page.html")
    assert 'id="pwned"' not in dom and "<title>pwned" not in dom
    assert "&lt;script&gt;" in dom  # shown as text, for the editor to see
