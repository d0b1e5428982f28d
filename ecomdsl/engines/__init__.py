"""Run compiled pipelines on batch engines (DuckDB in-process, PostgreSQL over psycopg)."""
