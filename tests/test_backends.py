"""The model boundary (llm/backends, llm/client): one body for a direct call and
a Batch API line, one schema adaptation per mode and output class."""
from __future__ import annotations

import asyncio
import json
import re

import pytest

from authoring.cache import Cache
from authoring.facts import load_facts
from authoring.llm import BACKENDS, Settings, request
from authoring.pipeline import generate, max_tokens
from authoring.sections import SECTIONS
from tests.conftest import EXAMPLE, SECRET

FACTS = load_facts(EXAMPLE).facts


@pytest.mark.parametrize("mode", sorted(BACKENDS))
def test_the_batch_api_writes_the_body_a_direct_call_sends(fake, mode):
    settings = Settings(base_url=fake.base_url, api_key=SECRET, model="test-model", mode=mode, timeout=5.0,
                        attempts=1)
    section = SECTIONS["faq"]
    asyncio.run(generate(FACTS, settings, [section], Cache(None)))
    sent = fake.chat_requests[0]
    schema = settings.backend.schema(section.output, section.sizes(FACTS))
    built = request(settings, section.id, sent["messages"], schema, max_tokens(section, settings))
    assert json.loads(json.dumps(built)) == sent


def _lengths(schema: dict) -> list[tuple[str, int]]:
    return re.findall(r'"(m..Length)": (\d+)', json.dumps(schema))


def test_a_schema_is_adapted_once_per_mode_and_output_class():
    output = SECTIONS["faq"].output
    for backend in BACKENDS.values():
        assert backend.schema(output) is backend.schema(output)
    own = _lengths(SECTIONS["faq"].schema())  # the section's own schema keeps its string bounds
    assert ("maxLength", "600") in own and ("minLength", "5") in own
    assert _lengths(BACKENDS["json_schema"].schema(output)) == []  # strict servers take none
    # a llama.cpp grammar keeps the short bounds and drops the long ones, which crash it
    assert _lengths(BACKENDS["json_object"].schema(output)) == [b for b in own if b != ("maxLength", "600")]
