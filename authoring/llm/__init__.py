"""Model access through the openai SDK: settings, structured-output modes,
the client with its retries, and the embedded llama.cpp server."""
from .client import FatalModelError, ModelClient, Reply, Usage, describe_transient, is_transient
from .config import Settings

__all__ = ["FatalModelError", "ModelClient", "Reply", "Settings", "Usage", "describe_transient", "is_transient"]
