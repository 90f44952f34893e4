"""Model access through the openai SDK: settings, one backend per structured-output
mode, the client with its retries, and the embedded llama.cpp server."""
from .backends import BACKENDS, Backend
from .client import FatalModelError, Model, ModelClient, describe_transient, is_transient, open_client, request
from .config import Settings
from .reply import Reply, Usage

__all__ = ["BACKENDS", "Backend", "FatalModelError", "Model", "ModelClient", "Reply", "Settings", "Usage",
           "describe_transient", "is_transient", "open_client", "request"]
