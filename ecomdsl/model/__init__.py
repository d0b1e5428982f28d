"""The resolved, checked model of a pipeline (schemas, types, source locations)."""
