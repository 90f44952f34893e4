"""What every structured-output mode shares: the schema adapted once per output
class, and the one judgement of a reply, whether it came from a direct call or
from a Batch API output file."""
from __future__ import annotations

import copy

from openai.types.chat import ChatCompletion

from ...sections.base import Output, sized, strict_schema
from ..reply import Reply, Usage


class Backend:
    """One way of asking an OpenAI-compatible server for schema-shaped output.
    The server constrains the output to the schema; we never scrape JSON out of prose."""

    name: str = ""

    def __init__(self) -> None:
        self._schemas: dict[type[Output], dict] = {}

    def schema(self, output: type[Output], sizes: dict[str, int] | None = None) -> dict:
        """The output's schema as this server enforces it, arrays sized; adapted once
        per output class, not per call. Shared: do not mutate."""
        adapted = self._schemas.get(output)
        if adapted is None:
            adapted = self._schemas[output] = self.adapt(strict_schema(output))
        return sized(adapted, sizes or {})

    def adapt(self, schema: dict) -> dict:
        """The schema as this kind of server can enforce it. Validation afterwards
        always uses the full pydantic model, so nothing is lost by dropping a keyword."""
        schema = copy.deepcopy(schema)

        def walk(node):
            if isinstance(node, dict):
                self.adapt_node(node)
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(schema)
        return schema

    def adapt_node(self, node: dict) -> None:
        # OpenAI-style strict schemas take no string-length keywords
        node.pop("minLength", None)
        node.pop("maxLength", None)

    def request(self, name: str, schema: dict) -> dict:
        """The chat.completions.create arguments that ask for schema-shaped output;
        `schema` already adapted (self.schema)."""
        raise NotImplementedError

    def payload(self, message) -> str | None:
        """The JSON text the server produced for the schema, or None if there is none."""
        return message.content

    def reply(self, completion: ChatCompletion, usage: Usage, tokens_field: str, max_tokens: int) -> Reply:
        """The completion judged: cut off, filtered, refused or empty is a problem,
        named with the request's own bound on the reply."""
        if completion.usage:
            usage.prompt_tokens = completion.usage.prompt_tokens or 0
            usage.completion_tokens = completion.usage.completion_tokens or 0
        if not completion.choices:
            return Reply(None, usage, "the server returned no choices")
        choice = completion.choices[0]
        message = choice.message
        text = self.payload(message)
        if getattr(message, "refusal", None):
            return Reply(text, usage, f"the model refused: {message.refusal}")
        if choice.finish_reason == "length":
            return Reply(text, usage, f"the output was cut off at {tokens_field}={max_tokens}")
        if choice.finish_reason == "content_filter":
            return Reply(text, usage, "the output was stopped by the server's content filter")
        if not text or not text.strip():
            return Reply(None, usage, "the model returned empty output")
        return Reply(text, usage)
