"""What the runner needs of a batch engine: run a statement, fetch rows, close.

`DuckDBEngine` and `PostgresEngine` satisfy it structurally; the runner and the file loader
(`ecomdsl.engines.files`) depend on this protocol only, never on a concrete engine.
"""

from __future__ import annotations

from typing import Any, Protocol

from ecomdsl.targets import Target


class Engine(Protocol):
    target: Target

    def execute(self, sql: str) -> None: ...

    def fetch(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]: ...

    def close(self) -> None: ...
