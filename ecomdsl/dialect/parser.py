"""The ecomdsl tokenizer and parser: RisingWave's, plus the statements and properties
listed in `ecomdsl.dialect`.

What the stock parser would turn into an opaque ``exp.Command`` is a ``ParseError`` here, so
a generated file can never hold a statement that only looks parsed.
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp
from sqlglot.tokenizer_core import TokenType

from ecomdsl.dialect.base import RisingWave, RisingWaveParser
from ecomdsl.dialect.nodes import (
    AlterWatermark,
    AppendOnlyProperty,
    EmitOnWindowCloseProperty,
    Flush,
    Hop,
    OnConflictProperty,
    Tumble,
    Wait,
    WatermarkTtlConstraint,
)

WAIT_KINDS = ("TABLE", "MATERIALIZED VIEW", "SINK", "INDEX")

ON_CONFLICT_ACTIONS: dict[str, Any] = {
    "DO": (("NOTHING",), ("UPDATE", "FULL"), ("UPDATE", "IF", "NOT", "NULL")),
    "OVERWRITE": (),
    "IGNORE": (),
}

_STATEMENT_END = frozenset({TokenType.SEMICOLON, TokenType.SENTINEL})


class EcomdslTokenizer(RisingWave.Tokenizer):
    """RisingWave's tokenizer; a named class so that extensions have a place to go."""


class EcomdslParser(RisingWaveParser):
    """RisingWave's parser, plus the statements and properties listed in the module doc."""

    # HOP/TUMBLE in FROM become typed nodes instead of exp.Anonymous
    FUNCTIONS = {
        **RisingWaveParser.FUNCTIONS,
        "HOP": Hop.from_arg_list,
        "TUMBLE": Tumble.from_arg_list,
    }

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
