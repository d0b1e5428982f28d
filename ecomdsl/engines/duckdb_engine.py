"""DuckDB, in-process: the zero-setup engine behind `ecomdsl run`.

DuckDB is imported only when this engine is created, so compiling never pays for it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ecomdsl.engines.runner import RunResult, run
from ecomdsl.errors import EcomdslError
from ecomdsl.model import ir
from ecomdsl.targets import Target


@contextlib.contextmanager
def _interruptible() -> Iterator[None]:
    """Ctrl-C during a statement as Python's KeyboardInterrupt: DuckDB's client stops the
    query on SIGINT and raises its own error instead (a RuntimeError "Query interrupted",
    or its InterruptException)."""
    import duckdb

    try:
        yield
    except (RuntimeError, duckdb.InterruptException) as err:
        if isinstance(err, RuntimeError) and "interrupted" not in str(err).lower():
            raise
        raise KeyboardInterrupt from None


class DuckDBEngine:
    target: Target = "duckdb"

    def __init__(self, database: str = ":memory:", threads: int | None = None) -> None:
        try:
            import duckdb
        except ImportError as err:  # pragma: no cover - duckdb is a dependency
            raise EcomdslError("DuckDB is not installed: pip install duckdb") from err
        self.connection = duckdb.connect(database)
        if threads is not None:
            self.connection.execute(f"SET threads = {int(threads)}")

    def execute(self, sql: str) -> None:
        with _interruptible():
            self.connection.execute(sql)

    def fetch(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        with _interruptible():
            cursor = self.connection.execute(sql)
            columns = [d[0] for d in cursor.description or []]
            return columns, [tuple(r) for r in cursor.fetchall()]

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> DuckDBEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def preview(
    pipelines: Sequence[ir.ResolvedPipeline],
    *,
    data_dir: Path | None = None,
    views: Sequence[str] | None = None,
    limit: int | None = None,
) -> list[RunResult]:
    """`ecomdsl run`: each pipeline on a fresh in-memory DuckDB (see `runner.run`)."""
    results = []
    for p in pipelines:
        with DuckDBEngine() as engine:
            results.append(run(p, engine, data_dir=data_dir, views=views, limit=limit))
    return results
