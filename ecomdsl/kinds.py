"""The closed vocabularies of the model: operators, join kinds, frames, formats, emit modes.

Each is a ``StrEnum`` whose value is the spelling users and SQL see, so a member prints as
itself in messages and compares equal to its text; code that handles "every operator" matches
on the members and ends with ``typing.assert_never``, so mypy reports a member that a visitor
forgets. Builders (``ecomdsl.dsl``) take the user-facing strings; the model holds these.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)


class BinaryOperator(StrEnum):
    """A binary operator of an expression. ``INT_DIV`` is ``//`` (integer division on purpose:
    RisingWave's ``/`` on two integers); ``DIV`` on two integers is refused by the type check."""

    EQ = "="
    NE = "<>"
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    ADD = "+"
    SUB = "-"
    MUL = "*"
    DIV = "/"
    INT_DIV = "//"
    MOD = "%"
    AND = "AND"
    OR = "OR"

    @property
    def is_comparison(self) -> bool:
        return self in _COMPARISONS

    @property
    def is_logical(self) -> bool:
        return self in (BinaryOperator.AND, BinaryOperator.OR)


_COMPARISONS = frozenset(
    {
        BinaryOperator.EQ,
        BinaryOperator.NE,
        BinaryOperator.LT,
        BinaryOperator.LE,
        BinaryOperator.GT,
        BinaryOperator.GE,
    }
)


class UnaryOperator(StrEnum):
    NOT = "NOT"
    NEG = "NEG"
    IS_NULL = "IS NULL"
    IS_NOT_NULL = "IS NOT NULL"


class JoinKind(StrEnum):
    INNER = "inner"
    LEFT = "left"
    RIGHT = "right"
    FULL = "full"


class FrameKind(StrEnum):
    """``ROWS`` or ``RANGE`` frame of a window function."""

    ROWS = "ROWS"
    RANGE = "RANGE"


class WindowTableFunction(StrEnum):
    """The time-window table functions of RisingWave."""

    HOP = "HOP"
    TUMBLE = "TUMBLE"


class KafkaFormat(StrEnum):
    PLAIN = "PLAIN"
    UPSERT = "UPSERT"
    DEBEZIUM = "DEBEZIUM"


class KafkaEncode(StrEnum):
    JSON = "JSON"
    AVRO = "AVRO"
    PROTOBUF = "PROTOBUF"
    CSV = "CSV"
    BYTES = "BYTES"


class ConflictAction(StrEnum):
    """``ON CONFLICT ...`` of a table with a primary key."""

    DO_NOTHING = "DO NOTHING"
    DO_UPDATE_FULL = "DO UPDATE FULL"
    DO_UPDATE_IF_NOT_NULL = "DO UPDATE IF NOT NULL"


class TableKind(StrEnum):
    """The builder a table definition came from (for headers and messages)."""

    TABLE = "table"
    STREAM = "stream"


class EmitMode(StrEnum):
    """When a materialized view emits its rows."""

    ON_UPDATE = "on update"
    ON_WINDOW_CLOSE = "on window close"
    NONE = "-"  # a plain view: nothing is stored or emitted


def member_or(kind: type[E], text: str, default: E) -> E:
    """The member spelled ``text``, or ``default`` (for placeholders after a reported error)."""
    try:
        return kind(text)
    except ValueError:
        return default
