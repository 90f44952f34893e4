"""The facts seed: the models every section, check and workflow reads, and the
loader that turns a YAML file into them or says, line by line, why not."""
from .loader import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, FactsError, Loaded, Problem, load_facts, parse_facts
from .models import Facts, core_type, export_schema, slugify

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "MAX_NODES", "Facts", "FactsError", "Loaded", "Problem",
           "core_type", "export_schema", "load_facts", "parse_facts", "slugify"]
