"""page.html in a real browser: flagged excerpts highlighted, nothing hostile runs."""
import json
import re
import shutil

import pytest
from typer.testing import CliRunner

from authoring.cli import app
from tests import browser
from tests.conftest import EXAMPLE
from tests.fake_openai import FakeOpenAI, json_content

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


# ---------------------------------------------------------------- each sanitising layer, one at a time
# Hostile text reaches page.html by two roads: sections rendered from the facts
# (cast, reviews, quotes) and the model's output (faq, badly_explained). Three
# layers stand in the way: markdown-it with raw HTML off (tags become text), nh3
# (only known tags, attributes and URL schemes), and the Content-Security-Policy
# (nothing loads or runs even if both fail).
# Each test below fails when its layer alone is taken away.

SERA = "    description: A prostitute in Las Vegas who forms a complex romantic relationship with Ben."
EBERT = "summary: Called Cage's performance the best of his career and praised Shue as his equal."
QUOTE = 'text: "I came here to die."'


def _hostile_seed(path, beacon_url):
    text = EXAMPLE.read_text()
    for old, new in ((SERA, "    description: 'A prostitute <b>bold</b> [help](ms-msdt:/id%20PCWDiagnostic) "
                            f"![poster]({beacon_url}/cast.png)'"),
                     (EBERT, "summary: '<img src=x onerror=document.body.id=document.URL> Called Cage great.'"),
                     (QUOTE, "text: 'I came <script>document.body.id=document.title</script> here to die.'")):
        assert old in text
        text = text.replace(old, new)
    path.write_text(text)
    return path


def _hostile_model(body):
    name = body["response_format"]["json_schema"]["name"]
    if name == "badly_explained":
        return json_content({"sentence": "<script>document.body.className=document.title</script> "
                                         "A man drinks a lot in the desert."})
    if name == "faq":
        return json_content({"entries": [
            {"question": "Where is it set?", "answer": "Las Vegas. <iframe src=javascript:alert(1)></iframe>"},
            {"question": "Is there more?", "answer": "See [more](search-ms:query=film) and <u>this</u>."},
            {"question": "Who directed it?", "answer": "Mike Figgis directed it."}]})
    return None


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """One draft whose facts and model output are full of HTML, links and a remote image."""
    tmp = tmp_path_factory.mktemp("hostile")
    config = tmp / "authoring.toml"
    config.write_text('[policy]\n"*" = "flag"\n')
    with browser.Beacon() as beacon:
        seed = _hostile_seed(tmp / "hostile.yaml", beacon.url)
        with FakeOpenAI(_hostile_model, models=("test-model",)) as server, pytest.MonkeyPatch.context() as env:
            env.setenv("OPENAI_BASE_URL", server.base_url)
            env.setenv("OPENAI_API_KEY", "sk-test-hostile")
            env.setenv("AUTHORING_MODEL", "test-model")
            for var in ("AUTHORING_MODE", "AUTHORING_CONCURRENCY", "AUTHORING_ATTEMPTS"):
                env.delenv(var, raising=False)
            result = CliRunner().invoke(app, ["draft", str(seed), "--out", str(tmp / "out"), "--config", str(config)])
        assert result.exit_code == 0, result.output
        folder = tmp / "out" / SLUG
        page = (folder / "page.md").read_text()
        for text in ("<b>bold</b>", "ms-msdt:", "<img src=x", "<script>document.body.id=", "<iframe",
                     "<script>document.body.className=", "search-ms:", "<u>this</u>", f"{beacon.url}/cast.png"):
            assert text in page, text  # every road reaches the page
        yield folder, browser.dom(folder / "page.html"), beacon


def test_hostile_html_from_facts_and_model_is_shown_as_text(hostile):
    """markdown-it's html=False: raw tags in facts or model output are text, not markup."""
    folder, dom, _ = hostile
    html = (folder / "page.html").read_text()
    for shown in ("&lt;b&gt;bold&lt;/b&gt;",                                              # cast
                  "&lt;img src=x onerror=document.body.id=document.URL&gt;",              # reviews
                  "&lt;script&gt;document.body.id=document.title&lt;/script&gt;",         # quotes
                  "&lt;script&gt;document.body.className=document.title&lt;/script&gt;",  # badly_explained
                  "&lt;iframe src=javascript:alert(1)&gt;&lt;/iframe&gt;", "&lt;u&gt;this&lt;/u&gt;"):  # faq
        assert shown in html and shown in dom, shown
    for live in ("<b>", "<u>", '<img src="x"', "<script", "<iframe"):
        assert live not in html.lower(), live
    assert not re.search(r"<[^>]*\son\w+=", html), "an event handler attribute"
    assert "<body id=" not in dom and "<body>" in dom  # no script of the page's ran


def test_links_keep_only_web_targets(hostile):
    """nh3's URL schemes: markdown-it lets `ms-msdt:` or `search-ms:` links through
    (it refuses only javascript:, vbscript:, file: and data:); nh3 drops their target."""
    folder, _, _ = hostile
    html = (folder / "page.html").read_text()
    hrefs = re.findall(r'\bhref="([^"]*)"', html)
    assert all(h.startswith(("#flag-", "http://", "https://", "mailto:")) for h in hrefs), hrefs
    assert ">help</a>" in html and ">more</a>" in html  # the link text stays, for the editor to see
    assert "ms-msdt" not in html and "search-ms" not in html


CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def test_the_content_security_policy_is_strict_and_comes_first(hostile):
    folder, _, _ = hostile
    html = (folder / "page.html").read_text()
    match = CSP.search(html)
    assert match, "page.html has no Content-Security-Policy"
    policy = {d.split()[0]: d.split()[1:] for d in (p.strip() for p in match.group(1).split(";")) if d}
    assert policy.pop("default-src") == ["'none'"]  # no script, image, frame, font or fetch from anywhere
    assert policy.pop("style-src") == ["'unsafe-inline'"]  # the page's own <style>; nh3 drops style attributes
    assert policy.pop("base-uri") == ["'none'"] and policy.pop("form-action") == ["'none'"]  # not under default-src
    assert policy == {}, policy
    # a meta policy covers only what comes after it: before <title>, <style> and the body
    assert match.start() < html.index("<title>") < html.index("<style>") < html.index("<body>")


def test_the_content_security_policy_blocks_what_gets_past_the_sanitiser(hostile, tmp_path):
    """The CSP alone: the remote image from the facts passes markdown-it and nh3 (an
    <img> with an http URL is allowed markup) and must not load; a script and a beacon
    planted in the file as if both sanitisers had failed must not run or load."""
    folder, dom, beacon = hostile
    assert f'src="{beacon.url}/cast.png"' in dom  # the image is in the page...
    assert beacon.hits == []                       # ...and the browser did not fetch it
    planted = tmp_path / "planted.html"
    planted.write_text((folder / "page.html").read_text().replace(
        "<body>", "<body><script>document.body.id='ran'</script>"
                  f"<img src=\"{beacon.url}/planted.png\"><iframe src=\"{beacon.url}/frame\"></iframe>", 1))
    assert "<body id=" not in browser.dom(planted)
    assert beacon.hits == []
