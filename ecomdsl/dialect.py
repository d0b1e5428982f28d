"""The `ecomdsl` sqlglot dialect: RisingWave plus the syntax sqlglot 30 does not model.

Importing this module registers the dialect under the name ``"ecomdsl"`` (sqlglot's dialect
metaclass keys every subclass by its lower-cased class name), so reviewers can run
``sqlglot.parse(sql, read="ecomdsl")`` on the files in ``generated/``.

What it adds to sqlglot's ``risingwave`` dialect, each as a real expression that parses and
regenerates (the stock dialect falls back to an opaque ``exp.Command`` or misprints them):

- ``CREATE TABLE ... APPEND ONLY`` and ``ON CONFLICT DO NOTHING | DO UPDATE FULL | ...``
- ``CREATE MATERIALIZED VIEW ... AS <query> EMIT ON WINDOW CLOSE``
- ``ALTER MATERIALIZED VIEW a SWAP WITH b`` / ``RENAME TO b``
- ``FLUSH`` as a statement (the stock parser reads it as a column)
- ``FOR SYSTEM_TIME AS OF PROCTIME()`` printed as RisingWave spells it
- type parameters RisingWave rejects (``VARCHAR(20)``, ``NUMERIC(10,2)``) are reported

Nothing in sqlglot is patched: every table below is a new dict built from the parent's, so
the ``risingwave`` and ``postgres`` dialects behave exactly as before.
"""

from __future__ import annotations

import functools
import re
from typing import Any, ClassVar

import sqlglot
import sqlglot.errors
from sqlglot import exp, tokens
from sqlglot.dialects.risingwave import RisingWave
from sqlglot.generators.risingwave import RisingWaveGenerator
from sqlglot.parsers.risingwave import RisingWaveParser
from sqlglot.tokenizer_core import TokenType

# sqlglot[c] overlays compiled Parser/Generator classes that refuse interpreted subclasses
# ("interpreted classes cannot inherit from compiled"): fail at import with the fix.
if tokens.SQLGLOTC_INSTALLED:  # pragma: no cover - depends on the environment
    raise ImportError("ecomdsl needs pure-Python sqlglot; run `pip uninstall sqlglotc`")


# Custom nodes live outside sqlglot.expressions, so the generator's automatic `<key>_sql`
# lookup never sees them: each is rendered through TRANSFORMS, and each property also needs
# a PROPERTIES_LOCATION entry.
class AppendOnlyProperty(exp.Property):
    """``CREATE TABLE ... APPEND ONLY``."""

    arg_types: ClassVar[dict[str, bool]] = {}


class OnConflictProperty(exp.Property):
    """``ON CONFLICT <action>``; ``this`` is ``exp.var("DO NOTHING")`` and the like."""

    arg_types: ClassVar[dict[str, bool]] = {"this": True}


class EmitOnWindowCloseProperty(exp.Property):
    """``CREATE MATERIALIZED VIEW ... EMIT ON WINDOW CLOSE``."""

    arg_types: ClassVar[dict[str, bool]] = {}


class WatermarkTtlConstraint(exp.WatermarkColumnConstraint):
    """``WATERMARK FOR col AS expr WITH TTL``: cleans the table's own state only."""


class Flush(exp.Expression):
    """``FLUSH``: force a checkpoint so that what was inserted becomes visible."""

    arg_types: ClassVar[dict[str, bool]] = {}


class Wait(exp.Expression):
    """``WAIT [TABLE | MATERIALIZED VIEW | SINK | INDEX] name`` (RisingWave >= 3.0): block
    until that streaming job has finished its backfill; a bare ``WAIT`` waits for every job
    (parser ``parse_wait`` in RisingWave's src/sqlparser/src/parser.rs)."""

    arg_types: ClassVar[dict[str, bool]] = {"this": False, "kind": False}


WAIT_KINDS = ("TABLE", "MATERIALIZED VIEW", "SINK", "INDEX")


class AlterWatermark(exp.Expression):
    """``ALTER TABLE t ALTER WATERMARK FOR col AS expr [WITH TTL]`` (RisingWave >= 3.0,
    risingwave#25651): a new expression for an existing watermark column; the column and the
    TTL flag cannot change (``alter_watermark.rs``)."""

    arg_types: ClassVar[dict[str, bool]] = {"this": True, "expression": True}


def _wait_sql(generator: Any, expression: Wait) -> str:
    target = generator.sql(expression, "this")
    if not target:
        return "WAIT"
    return f"WAIT {expression.args.get('kind') or 'MATERIALIZED VIEW'} {target}"


ON_CONFLICT_ACTIONS: dict[str, Any] = {
    "DO": (("NOTHING",), ("UPDATE", "FULL"), ("UPDATE", "IF", "NOT", "NULL")),
    "OVERWRITE": (),
    "IGNORE": (),
}

# RisingWave rejects (n) and (p, s) on these (notes, section 11): dropped and reported.
# FLOAT(p) is left alone: dropping FLOAT(24) would turn float4 into double precision.
UNPARAMETERIZED_TYPES = frozenset(
    {
        exp.DType.VARCHAR,
        exp.DType.NVARCHAR,
        exp.DType.CHAR,
        exp.DType.NCHAR,
        exp.DType.TEXT,
        exp.DType.DECIMAL,
    }
)

# PostgreSQL's reserved key words. sqlglot's Postgres and RisingWave generators ship an empty
# RESERVED_KEYWORDS, so a column named `order` would otherwise print bare.
RESERVED_KEYWORDS = frozenset(
    """
    all analyse analyze and any array as asc asymmetric authorization binary both case cast
    check collate collation column concurrently constraint create cross current_catalog
    current_date current_role current_schema current_time current_timestamp current_user
    default deferrable desc distinct do else emit end except false fetch for foreign freeze
    from full grant group having ilike in initially inner intersect into is isnull join
    lateral leading left like limit localtime localtimestamp natural not notnull null offset
    on only or order outer overlaps placing primary references returning right select
    session_user similar some symmetric system_user table tablesample then to trailing true
    union unique user using variadic verbose when where window with
""".split()  # noqa: SIM905
)

_PLAIN_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


def needs_quotes(name: str) -> bool:
    """True unless RisingWave reads ``name`` back unchanged without quotes.

    Unquoted identifiers are folded to lower case, so upper case, non-ASCII letters,
    punctuation, a leading digit and reserved words all need double quotes; so does any
    word the parser would read as syntax (``if``, ``filter``...), found by a probe parse.
    """
    return (
        not _PLAIN_IDENTIFIER.fullmatch(name)
        or name in RESERVED_KEYWORDS
        or (name.upper() in _syntax_words() and not _reads_back_unquoted(name))
    )


@functools.cache
def _syntax_words() -> frozenset[str]:
    """Every word sqlglot's tokenizer or parser treats specially; other plain lower-case
    words are ordinary VAR tokens and read back as identifiers, so only these are probed."""
    tables = (
        EcomdslTokenizer.KEYWORDS,
        EcomdslParser.FUNCTIONS,
        EcomdslParser.FUNCTION_PARSERS,
        EcomdslParser.NO_PAREN_FUNCTION_PARSERS,
        EcomdslParser.PROPERTY_PARSERS,
        EcomdslParser.CONSTRAINT_PARSERS,
    )
    return frozenset(k.upper() for table in tables for k in table if isinstance(k, str))


@functools.lru_cache(maxsize=4096)
def _reads_back_unquoted(name: str) -> bool:
    """Does ``name`` parse as the same identifier in every position ecomdsl writes one?"""
    template = (
        "SELECT {n}, {n}.{n}, a AS {n}, COUNT(*) FILTER (WHERE {n}) AS b "
        "FROM {n} AS {n} JOIN {n} ON {n} = {n}.{n} WHERE {n} = 1 AND NOT {n} GROUP BY {n}"
    )
    try:
        plain = sqlglot.parse_one(template.format(n=name), read=Ecomdsl)
        quoted = sqlglot.parse_one(template.format(n=f'"{name}"'), read=Ecomdsl)
    except sqlglot.errors.ParseError:
        return False

    def unquote(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Identifier):
            return exp.Identifier(this=node.this, quoted=False)
        return node

    return bool(plain.transform(unquote) == quoted.transform(unquote))


def identifier(name: str) -> exp.Identifier:
    """An identifier node that is quoted exactly when ``name`` needs it."""
    return exp.Identifier(this=name, quoted=needs_quotes(name))


_STATEMENT_END = frozenset({TokenType.SEMICOLON, TokenType.SENTINEL})


class EcomdslTokenizer(RisingWave.Tokenizer):
    """RisingWave's tokenizer; a named class so that extensions have a place to go."""


class EcomdslParser(RisingWaveParser):
    """RisingWave's parser, plus the statements and properties listed in the module doc."""

    CONSTRAINT_PARSERS = {
        **RisingWaveParser.CONSTRAINT_PARSERS,
        "WATERMARK": lambda self: self._parse_watermark(),
    }

    PROPERTY_PARSERS = {
        **RisingWaveParser.PROPERTY_PARSERS,
        "APPEND": lambda self: self._parse_append_only(),
        # ON already parses ON COMMIT ... / ON <filegroup>: try ON CONFLICT first.
        "ON": lambda self: self._parse_on_conflict_property() or self._parse_on_property(),
    }

    # What the base parser would turn into an opaque exp.Command is a ParseError here, at the
    # token where parsing stopped. Honours error_level (WARN logs and keeps the Command).
    COMMAND_FALLBACK_IS_ERROR = True

    # None outside CREATE; False/True inside CREATE (True once EMIT ON WINDOW CLOSE was read).
    _eowc: bool | None = None

    def _parse_statement(self) -> exp.Expr | None:
        if self._curr is not None and self._curr.text.upper() == "FLUSH":
            following = self._next
            if following is None or following.token_type in _STATEMENT_END:
                self._advance()
                return self.expression(Flush())
        if self._curr is not None and self._curr.text.upper() == "WAIT":
            self._advance()
            return self._parse_wait()
        return super()._parse_statement()

    def _parse_wait(self) -> Wait:
        if self._curr is None or self._curr.token_type in _STATEMENT_END:
            return self.expression(Wait())
        for kind in WAIT_KINDS:
            if self._match_text_seq(*kind.split()):
                return self.expression(Wait(this=self._parse_table_parts(), kind=kind))
        self.raise_error("Expected TABLE, MATERIALIZED VIEW, SINK or INDEX after WAIT")
        return self.expression(Wait())

    def _parse_as_command(self, start: Any) -> exp.Command:
        if self.COMMAND_FALLBACK_IS_ERROR:
            self.raise_error("Unsupported syntax for ecomdsl (refusing exp.Command fallback)")
        return super()._parse_as_command(start)

    def _parse_command(self) -> exp.Command:
        if self.COMMAND_FALLBACK_IS_ERROR:
            self.raise_error("Unsupported statement for ecomdsl (refusing exp.Command)")
        return super()._parse_command()

    def _parse_watermark(self) -> exp.WatermarkColumnConstraint:
        column = self._match(TokenType.FOR) and self._parse_column()
        value = self._match(TokenType.ALIAS) and self._parse_disjunction()
        ttl = self._match_text_seq("WITH", "TTL")
        kind = WatermarkTtlConstraint if ttl else exp.WatermarkColumnConstraint
        return self.expression(kind(this=column, expression=value))

    def _parse_append_only(self) -> AppendOnlyProperty | None:
        if self._match_text_seq("ONLY"):
            return self.expression(AppendOnlyProperty())
        self._retreat(self._index - 1)  # give APPEND back
        return None

    def _parse_on_conflict_property(self) -> OnConflictProperty | None:
        if not self._match_text_seq("CONFLICT"):
            return None
        action = self._parse_var_from_options(ON_CONFLICT_ACTIONS)
        return self.expression(OnConflictProperty(this=action))

    def _parse_create(self) -> exp.Create | exp.Command:
        # The base parser reads no properties after a view's query; the trailing
        # EMIT ON WINDOW CLOSE is consumed by _parse_ddl_select and attached here.
        self._eowc = False
        try:
            create = super()._parse_create()
            if self._eowc and isinstance(create, exp.Create):
                props = create.args.get("properties") or exp.Properties(expressions=[])
                props.append("expressions", EmitOnWindowCloseProperty())
                create.set("properties", props)
            return create
        finally:
            self._eowc = None

    def _parse_ddl_select(self) -> exp.Expr | None:
        query = super()._parse_ddl_select()
        if query is not None and self._eowc is False and self._at_eowc(advance=True):
            self._eowc = True
        return query

    # EMIT is a plain VAR token: `FROM t EMIT ON WINDOW CLOSE` would read EMIT as an alias.
    def _at_eowc(self, advance: bool = False) -> bool:
        return bool(self._match_text_seq("EMIT", "ON", "WINDOW", "CLOSE", advance=advance))

    def _parse_table_alias(self, alias_tokens: Any = None) -> exp.TableAlias | None:
        return None if self._at_eowc() else super()._parse_table_alias(alias_tokens)

    def _parse_alias(self, this: exp.Expr | None, explicit: bool = False) -> exp.Expr | None:
        return this if self._at_eowc() else super()._parse_alias(this, explicit)

    def _parse_alter_source(self) -> exp.Alter | None:
        # ALTER SOURCE s ADD [COLUMN] c type | RENAME TO t | SWAP WITH t: RisingWave's way to
        # change a source (ALTER TABLE does not find sources: alter_source_column.rs)
        start = self._index
        if not self._match_text_seq("SOURCE"):
            return None
        name = self._parse_table_parts()
        action: exp.Expr | None
        if self._match_text_seq("ADD"):
            self._match(TokenType.COLUMN)
            action = self._parse_column_def(self._parse_field(any_token=True))
        elif self._match_text_seq("RENAME", "TO"):
            action = exp.AlterRename(this=self._parse_table_parts())
        elif self._match_text_seq("SWAP", "WITH"):
            action = exp.SwapTable(this=self._parse_table_parts())
        else:
            self._retreat(start)
            return None
        return self.expression(exp.Alter(this=name, kind="SOURCE", actions=[action]))

    def _parse_alter_watermark(self) -> AlterWatermark | None:
        start = self._index
        if not self._match(TokenType.TABLE):
            return None
        name = self._parse_table_parts()
        if not self._match_text_seq("ALTER", "WATERMARK"):
            self._retreat(start)
            return None
        return self.expression(AlterWatermark(this=name, expression=self._parse_watermark()))

    def _parse_alter(self) -> exp.Alter | exp.Command:
        # ALTER MATERIALIZED VIEW: skip MATERIALIZED and reuse ALTER VIEW's actions.
        alter_token = self._prev
        watermark = self._parse_alter_watermark()
        if watermark is not None:
            return watermark  # type: ignore[return-value]
        source = self._parse_alter_source()
        if source is not None:
            return source
        if not self._match_text_seq("MATERIALIZED", "VIEW", advance=False):
            return super()._parse_alter()
        self._advance()
        alter = super()._parse_alter()
        if isinstance(alter, exp.Alter):
            alter.set("kind", "MATERIALIZED VIEW")
            return alter
        # lenient error level only: the base Command started at MATERIALIZED
        assert alter_token is not None
        return exp.Command(
            this=alter_token.text.upper(), expression=f" {alter.this}{alter.expression}"
        )


def _alter_watermark_sql(generator: EcomdslGenerator, expression: AlterWatermark) -> str:
    return f"ALTER TABLE {generator.sql(expression, 'this')} ALTER {generator.sql(expression, 'expression')}"


def _on_conflict_sql(generator: EcomdslGenerator, expression: OnConflictProperty) -> str:
    return f"ON CONFLICT {generator.sql(expression, 'this')}"


class EcomdslGenerator(RisingWaveGenerator):
    """RisingWave's generator with quoting of reserved words and the nodes above."""

    RESERVED_KEYWORDS = set(RESERVED_KEYWORDS)

    TYPE_MAPPING = {
        **RisingWaveGenerator.TYPE_MAPPING,
        exp.DType.DOUBLE: "DOUBLE PRECISION",
        exp.DType.JSONB: "JSONB",
    }

    TRANSFORMS = {
        **RisingWaveGenerator.TRANSFORMS,
        AppendOnlyProperty: lambda *_: "APPEND ONLY",
        OnConflictProperty: _on_conflict_sql,
        EmitOnWindowCloseProperty: lambda *_: "EMIT ON WINDOW CLOSE",
        Flush: lambda *_: "FLUSH",
        Wait: _wait_sql,
        AlterWatermark: _alter_watermark_sql,
        WatermarkTtlConstraint: lambda self, e: (
            f"WATERMARK FOR {self.sql(e, 'this')} AS {self.sql(e, 'expression')} WITH TTL"
        ),
    }

    PROPERTIES_LOCATION = {
        **RisingWaveGenerator.PROPERTIES_LOCATION,
        AppendOnlyProperty: exp.Properties.Location.POST_SCHEMA,
        OnConflictProperty: exp.Properties.Location.POST_SCHEMA,
        EmitOnWindowCloseProperty: exp.Properties.Location.POST_EXPRESSION,
    }

    def version_sql(self, expression: exp.Version) -> str:
        # the parser maps FOR SYSTEM_TIME to this="TIMESTAMP"; the base prints FOR TIMESTAMP
        if expression.name == "TIMESTAMP" and expression.text("kind") == "AS OF":
            return f"FOR SYSTEM_TIME AS OF {self.sql(expression, 'expression')}"
        return str(super().version_sql(expression))

    def filter_sql(self, expression: exp.Filter) -> str:
        # `agg FILTER (WHERE cond)` on one line (the base breaks the line after WHERE)
        condition = self.sql(expression.expression, "this")
        return f"{self.sql(expression, 'this')} FILTER (WHERE {condition})"

    def datatype_sql(self, expression: exp.DataType) -> str:
        if expression.this in UNPARAMETERIZED_TYPES and expression.expressions:
            self.unsupported(f"RisingWave rejects type parameters in {expression.sql()}; dropped")
            expression = expression.copy()
            expression.set("expressions", None)
        return str(super().datatype_sql(expression))


class Ecomdsl(RisingWave):
    """The dialect ecomdsl writes: ``sqlglot.parse(sql, read="ecomdsl")``."""

    Tokenizer = EcomdslTokenizer
    Parser = EcomdslParser
    Generator = EcomdslGenerator


DIALECT = "ecomdsl"
