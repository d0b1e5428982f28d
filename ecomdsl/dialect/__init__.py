"""The `ecomdsl` sqlglot dialect: RisingWave plus the syntax sqlglot 30 does not model.

Importing this package registers the dialect under the name ``"ecomdsl"`` (sqlglot's dialect
metaclass keys every subclass by its lower-cased class name), so reviewers can run
``sqlglot.parse(sql, read="ecomdsl")`` on the files in ``generated/``.

What it adds to sqlglot's ``risingwave`` dialect, each as a real expression that parses and
regenerates (the stock dialect falls back to an opaque ``exp.Command`` or misprints them):

- ``CREATE TABLE ... APPEND ONLY`` and ``ON CONFLICT DO NOTHING | DO UPDATE FULL | ...``
- ``CREATE MATERIALIZED VIEW ... AS <query> EMIT ON WINDOW CLOSE``
- ``ALTER MATERIALIZED VIEW a SWAP WITH b`` / ``RENAME TO b``
- ``FLUSH`` as a statement (the stock parser reads it as a column)
- ``FOR SYSTEM_TIME AS OF PROCTIME()`` printed as RisingWave spells it
- ``HOP(...)``/``TUMBLE(...)`` as typed nodes, and integer division (written ``/``) as a
  node of its own, so the batch lowering reads these facts from the tree (`as_written`
  drops what the text does not spell, for round-trip checks)
- type parameters RisingWave rejects (``VARCHAR(20)``, ``NUMERIC(10,2)``) are reported

Nothing in sqlglot is patched: every table is a new dict built from the parent's, so the
``risingwave`` and ``postgres`` dialects behave exactly as before. The package is split by
job: `nodes` (the added expressions), `parser`, `generator`, and `quoting` (when an
identifier needs double quotes); this module wires them into one dialect class.
"""

from __future__ import annotations

from ecomdsl.dialect.base import DIALECT, RisingWave
from ecomdsl.dialect.generator import EcomdslGenerator
from ecomdsl.dialect.nodes import (
    AlterWatermark,
    AppendOnlyProperty,
    EmitOnWindowCloseProperty,
    Flush,
    Hop,
    IntegerDivision,
    OnConflictProperty,
    TimeWindow,
    Tumble,
    Wait,
    WatermarkTtlConstraint,
    as_written,
)
from ecomdsl.dialect.parser import EcomdslParser, EcomdslTokenizer
from ecomdsl.dialect.quoting import RESERVED_KEYWORDS, identifier, needs_quotes

__all__ = [
    "DIALECT",
    "RESERVED_KEYWORDS",
    "AlterWatermark",
    "AppendOnlyProperty",
    "Ecomdsl",
    "EcomdslGenerator",
    "EcomdslParser",
    "EcomdslTokenizer",
    "EmitOnWindowCloseProperty",
    "Flush",
    "Hop",
    "IntegerDivision",
    "OnConflictProperty",
    "TimeWindow",
    "Tumble",
    "Wait",
    "WatermarkTtlConstraint",
    "as_written",
    "identifier",
    "needs_quotes",
]


class Ecomdsl(RisingWave):
    """The dialect ecomdsl writes: ``sqlglot.parse(sql, read="ecomdsl")``."""

    Tokenizer = EcomdslTokenizer
    Parser = EcomdslParser
    Generator = EcomdslGenerator
