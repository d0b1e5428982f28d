"""SQL generation: the ecomdsl sqlglot dialect and the model -> sqlglot emitter."""
