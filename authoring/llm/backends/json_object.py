"""`response_format: json_object` with a schema: what the llama-cpp-python server
enforces (it answers json_schema with a 500), through a grammar built from the schema."""
from .base import Backend

# llama.cpp turns maxLength into one nested optional per character; past a few
# hundred the grammar crashes the server (segfault), so longer bounds are left
# to validation after the reply
GRAMMAR_MAX_LENGTH = 300


class JsonObject(Backend):
    name = "json_object"

    def adapt_node(self, node: dict) -> None:
        if node.get("maxLength", 0) > GRAMMAR_MAX_LENGTH:
            del node["maxLength"]

    def request(self, name: str, schema: dict) -> dict:
        return {"response_format": {"type": "json_object", "schema": schema}}


BACKEND = JsonObject()
