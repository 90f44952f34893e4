"""A forced strict function call whose parameters are the schema: for servers
that enforce tool arguments but not response formats."""
from .base import Backend


class Tools(Backend):
    name = "tools"

    def request(self, name: str, schema: dict) -> dict:
        return {"tools": [{"type": "function", "function": {
                    "name": name, "description": f"Return the {name} section.", "parameters": schema, "strict": True}}],
                "tool_choice": {"type": "function", "function": {"name": name}}}

    def payload(self, message) -> str | None:
        calls = getattr(message, "tool_calls", None) or []
        return calls[0].function.arguments if calls else None


BACKEND = Tools()
