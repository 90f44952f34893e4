"""authoring: facts seed -> sections (prompt + schema + renderer) -> model -> checks -> draft."""
__version__ = "0.1.0"
