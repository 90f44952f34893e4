"""Structured output, one Mode per kind of server enforcement. The server
constrains the output to the schema; we never scrape JSON out of prose."""
from __future__ import annotations

import copy

# llama.cpp turns maxLength into one nested optional per character; past a few
# hundred the grammar crashes the server (segfault), so longer bounds are left
# to validation after the reply
GRAMMAR_MAX_LENGTH = 300


def adapt(mode: str, schema: dict) -> dict:
    """The schema as this kind of server can enforce it. Validation afterwards
    always uses the full pydantic model, so nothing is lost by dropping a keyword."""
    schema = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if mode == "json_object":
                if node.get("maxLength", 0) > GRAMMAR_MAX_LENGTH:
                    del node["maxLength"]
            else:  # OpenAI-style strict schemas take no string-length keywords
                node.pop("minLength", None)
                node.pop("maxLength", None)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return schema


def request(mode: str, name: str, schema: dict) -> dict:
    """The chat.completions.create arguments that ask for schema-shaped output;
    `schema` already adapted to the mode (Section.schema(facts, mode))."""
    if mode == "json_schema":
        return {"response_format": {"type": "json_schema",
                                    "json_schema": {"name": name, "schema": schema, "strict": True}}}
    if mode == "json_object":
        return {"response_format": {"type": "json_object", "schema": schema}}
    if mode == "tools":
        return {"tools": [{"type": "function", "function": {
                    "name": name, "description": f"Return the {name} section.", "parameters": schema, "strict": True}}],
                "tool_choice": {"type": "function", "function": {"name": name}}}
    raise ValueError(f"unknown mode {mode!r}")


def payload(mode: str, message) -> str | None:
    """The JSON text the server produced for the schema, or None if there is none."""
    if mode == "tools":
        calls = getattr(message, "tool_calls", None) or []
        return calls[0].function.arguments if calls else None
    return message.content
