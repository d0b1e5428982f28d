"""RisingWave column types, as a declarative table.

Only types RisingWave accepts exist here: `VARCHAR(n)`, `NUMERIC(p,s)`, `CHAR`, `SERIAL` and
`JSON` are rejected with a hint naming the type to use instead.
"""

from __future__ import annotations

import enum

from ecomdsl.errors import did_you_mean


class Category(enum.Enum):
    INTEGER = "integer"
    NUMERIC = "numeric"
    FLOAT = "float"
    TEXT = "text"
    BOOLEAN = "boolean"
    TEMPORAL = "temporal"
    INTERVAL = "interval"
    JSON = "json"
    BINARY = "binary"
    UNKNOWN = "unknown"


class SqlType(enum.Enum):
    """A RisingWave type; ``.value`` is its canonical spelling in generated SQL."""

    SMALLINT = "smallint"
    INT = "int"
    BIGINT = "bigint"
    NUMERIC = "numeric"
    REAL = "real"
    DOUBLE = "double precision"
    VARCHAR = "varchar"
    BOOLEAN = "boolean"
    DATE = "date"
    TIME = "time"
    TIMESTAMP = "timestamp"
    TIMESTAMPTZ = "timestamptz"
    INTERVAL = "interval"
    JSONB = "jsonb"
    BYTEA = "bytea"
    # the type of an untyped NULL literal or a raw() fragment without a declared type
    UNKNOWN = "unknown"

    @property
    def category(self) -> Category:
        return _CATEGORY[self]

    @property
    def is_numeric(self) -> bool:
        return self.category in (Category.INTEGER, Category.NUMERIC, Category.FLOAT)

    @property
    def is_time(self) -> bool:
        """Types HOP, TUMBLE and watermarks accept as a time column."""
        return self in (SqlType.TIMESTAMP, SqlType.TIMESTAMPTZ, SqlType.DATE)

    def __str__(self) -> str:
        return self.value


_CATEGORY = {
    SqlType.SMALLINT: Category.INTEGER,
    SqlType.INT: Category.INTEGER,
    SqlType.BIGINT: Category.INTEGER,
    SqlType.NUMERIC: Category.NUMERIC,
    SqlType.REAL: Category.FLOAT,
    SqlType.DOUBLE: Category.FLOAT,
    SqlType.VARCHAR: Category.TEXT,
    SqlType.BOOLEAN: Category.BOOLEAN,
    SqlType.DATE: Category.TEMPORAL,
    SqlType.TIME: Category.TEMPORAL,
    SqlType.TIMESTAMP: Category.TEMPORAL,
    SqlType.TIMESTAMPTZ: Category.TEMPORAL,
    SqlType.INTERVAL: Category.INTERVAL,
    SqlType.JSONB: Category.JSON,
    SqlType.BYTEA: Category.BINARY,
    SqlType.UNKNOWN: Category.UNKNOWN,
}

# spellings users may write -> type (RisingWave's aliases, lower case)
ALIASES: dict[str, SqlType] = {
    "smallint": SqlType.SMALLINT,
    "int2": SqlType.SMALLINT,
    "int": SqlType.INT,
    "integer": SqlType.INT,
    "int4": SqlType.INT,
    "bigint": SqlType.BIGINT,
    "int8": SqlType.BIGINT,
    "numeric": SqlType.NUMERIC,
    "decimal": SqlType.NUMERIC,
    "real": SqlType.REAL,
    "float4": SqlType.REAL,
    "double precision": SqlType.DOUBLE,
    "double": SqlType.DOUBLE,
    "float8": SqlType.DOUBLE,
    "float": SqlType.DOUBLE,
    "varchar": SqlType.VARCHAR,
    "text": SqlType.VARCHAR,
    "string": SqlType.VARCHAR,
    "character varying": SqlType.VARCHAR,
    "boolean": SqlType.BOOLEAN,
    "bool": SqlType.BOOLEAN,
    "date": SqlType.DATE,
    "time": SqlType.TIME,
    "time without time zone": SqlType.TIME,
    "timestamp": SqlType.TIMESTAMP,
    "timestamp without time zone": SqlType.TIMESTAMP,
    "timestamptz": SqlType.TIMESTAMPTZ,
    "timestamp with time zone": SqlType.TIMESTAMPTZ,
    "interval": SqlType.INTERVAL,
    "jsonb": SqlType.JSONB,
    "bytea": SqlType.BYTEA,
}

# types RisingWave rejects, with what to write instead (notes, section 11)
REJECTED: dict[str, str] = {
    "json": "RisingWave has no JSON type; use 'jsonb'",
    "char": "RisingWave rejects CHAR; use 'varchar'",
    "character": "RisingWave rejects CHAR; use 'varchar'",
    "serial": "RisingWave rejects SERIAL; use 'int' (or 'bigint') and generate ids upstream",
    "bigserial": "RisingWave rejects BIGSERIAL; use 'bigint' and generate ids upstream",
    "uuid": "RisingWave has no UUID type; use 'varchar'",
    "timetz": "RisingWave rejects TIME WITH TIME ZONE; use 'time' or 'timestamptz'",
    "time with time zone": "RisingWave rejects TIME WITH TIME ZONE; use 'time' or 'timestamptz'",
}


class TypeSpecError(ValueError):
    """A type spelling that is not a RisingWave type; ``hint`` says what to write."""

    def __init__(self, message: str, hint: str | None = None, rejected: bool = False) -> None:
        super().__init__(message)
        self.hint = hint
        self.rejected = rejected  # a PostgreSQL type RisingWave refuses (rule RW007)


def parse_type(spec: str | SqlType) -> SqlType:
    """``"varchar"``, ``"double precision"``, ``SqlType.INT``... -> SqlType, or TypeSpecError."""
    if isinstance(spec, SqlType):
        return spec
    if not isinstance(spec, str):
        raise TypeSpecError(f"a column type must be a string or SqlType, not {type(spec).__name__}")
    text = " ".join(spec.strip().lower().split())
    base, _, params = text.partition("(")
    base = base.strip()
    if params:
        if base in ("varchar", "character varying", "text"):
            raise TypeSpecError(
                f"RisingWave rejects type parameters in {spec!r}",
                hint="write 'varchar' (no length)",
                rejected=True,
            )
        if base in ("numeric", "decimal"):
            raise TypeSpecError(
                f"RisingWave rejects type parameters in {spec!r}",
                hint="write 'numeric' (28 significant digits, no precision or scale)",
                rejected=True,
            )
        if base in ("char", "character"):
            raise TypeSpecError(
                f"RisingWave rejects {spec!r}", hint="write 'varchar'", rejected=True
            )
    if text in REJECTED or base in REJECTED:
        raise TypeSpecError(
            f"{spec!r} is not a RisingWave type",
            hint=REJECTED.get(text, REJECTED.get(base)),
            rejected=True,
        )
    if text in ALIASES:
        return ALIASES[text]
    raise TypeSpecError(
        f"unknown type {spec!r}", hint=did_you_mean(text, list(ALIASES), loose=False)
    )


INTEGER_WIDTH = {SqlType.SMALLINT: 1, SqlType.INT: 2, SqlType.BIGINT: 3}


def numeric_result(left: SqlType, right: SqlType) -> SqlType:
    """The type of ``left (+|-|*|/) right`` for numeric operands, as PostgreSQL promotes."""
    if SqlType.DOUBLE in (left, right) or (
        SqlType.REAL in (left, right) and SqlType.NUMERIC in (left, right)
    ):
        return SqlType.DOUBLE
    if SqlType.REAL in (left, right):
        return SqlType.REAL if {left, right} <= {SqlType.REAL, *INTEGER_WIDTH} else SqlType.DOUBLE
    if SqlType.NUMERIC in (left, right):
        return SqlType.NUMERIC
    return max(left, right, key=lambda t: INTEGER_WIDTH.get(t, 0))
