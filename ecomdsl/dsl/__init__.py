"""The builders users write pipelines with; they import nothing of sqlglot or databases."""
