"""The structured-output modes by name. Each module beside this one defines one
mode as `BACKEND`; a new mode is one new module, found here without a list."""
import importlib
import pkgutil

from .base import Backend

BACKENDS: dict[str, Backend] = {}
for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        _backend = importlib.import_module(f"{__name__}.{_module.name}").BACKEND
        BACKENDS[_backend.name] = _backend

__all__ = ["BACKENDS", "Backend"]
