"""The batch engines a pipeline's SQL runs on, and what each one can do.

RisingWave is where pipelines deploy; DuckDB and PostgreSQL run the same views in batch
(`ecomdsl run`, the testing API, the differential tests) after `ecomdsl.sql.lower` rewrites
the streaming SQL. Where the engines differ, code asks a capability below, never the
engine's name, so a new engine is one more row here rather than a hunt for ``== "duckdb"``.
A target's name is also its sqlglot dialect name.
"""

from __future__ import annotations

from typing import Literal, assert_never, get_args

import attrs

Target = Literal["duckdb", "postgres"]
TARGETS: tuple[Target, ...] = get_args(Target)


@attrs.frozen
class Capabilities:
    """What a batch engine does differently from RisingWave's SQL, one flag per difference."""

    # names that differ only in case are one name, even quoted (DuckDB); PostgreSQL, like
    # RisingWave, tells quoted "Amount" and amount apart
    names_fold_case: bool
    # a bare DECIMAL is exact (PostgreSQL); DuckDB's defaults to DECIMAL(18, 3)
    exact_bare_decimal: bool
    # JSONB exists (PostgreSQL); DuckDB calls its JSON type JSON
    has_jsonb: bool
    # `/` on two integers truncates, as RisingWave's does (PostgreSQL); DuckDB's `/` returns
    # a float and integer division is `//`
    slash_truncates_integers: bool
    # the function that aligns a timestamp to a window: DATE_BIN (PostgreSQL), TIME_BUCKET
    window_bucket_function: str
    # a set-returning function in a SELECT list gives one row per value (PostgreSQL); DuckDB's
    # GENERATE_SERIES returns a list there, to be UNNESTed
    select_list_expands_series: bool
    # a server to connect to (a DSN); DuckDB runs in-process
    needs_server: bool
    # NUMERIC holds NaN and +-Infinity, as RisingWave's does (PostgreSQL); DuckDB's DECIMAL
    # has neither, its DOUBLE has all three
    decimal_has_nan: bool
    # text '\x00ff' casts to bytea as hex, as in RisingWave (PostgreSQL); DuckDB reads
    # '\x00' as one escaped byte and the rest as characters, so it takes UNHEX('00ff')
    bytea_hex_text: bool


DUCKDB = Capabilities(
    names_fold_case=True,
    exact_bare_decimal=False,
    has_jsonb=False,
    slash_truncates_integers=False,
    window_bucket_function="TIME_BUCKET",
    select_list_expands_series=False,
    needs_server=False,
    decimal_has_nan=False,
    bytea_hex_text=False,
)

POSTGRES = Capabilities(
    names_fold_case=False,
    exact_bare_decimal=True,
    has_jsonb=True,
    slash_truncates_integers=True,
    window_bucket_function="DATE_BIN",
    select_list_expands_series=True,
    needs_server=True,
    decimal_has_nan=True,
    bytea_hex_text=True,
)


def capabilities(target: Target) -> Capabilities:
    match target:
        case "duckdb":
            return DUCKDB
        case "postgres":
            return POSTGRES
        case _:
            assert_never(target)
