"""`response_format: json_schema`, strict: what OpenAI, vLLM and llama-server enforce."""
from .base import Backend


class JsonSchema(Backend):
    name = "json_schema"

    def request(self, name: str, schema: dict) -> dict:
        return {"response_format": {"type": "json_schema",
                                    "json_schema": {"name": name, "schema": schema, "strict": True}}}


BACKEND = JsonSchema()
