"""``CREATE TABLE`` / ``CREATE SOURCE`` trees: columns, keys, the watermark and options.

A table's statement depends on its definition only (no other object's name appears in it),
so these are plain functions; `ecomdsl.sql.emit.Emitter.create` calls them.
"""

from __future__ import annotations

from sqlglot import exp

from ecomdsl.dialect import (
    AppendOnlyProperty,
    OnConflictProperty,
    WatermarkTtlConstraint,
    identifier,
)
from ecomdsl.model import ir
from ecomdsl.sql.atoms import column, data_type, interval, table


def create_table(d: ir.TableDef) -> exp.Create:
    """``CREATE TABLE`` (``CREATE SOURCE`` with a connector) for ``d``."""
    items = [*_columns(d), *_table_constraints(d)]
    create = exp.Create(this=exp.Schema(this=table(d.name), expressions=items), kind=d.sql_kind)
    properties = _properties(d)
    if properties:
        create.set("properties", exp.Properties(expressions=properties))
    return create


def _columns(d: ir.TableDef) -> list[exp.Expr]:
    """One definition per column; a single-column primary key is a column constraint."""
    single_pk = d.primary_key if len(d.primary_key) == 1 else ()
    items: list[exp.Expr] = []
    for c in d.schema.columns:
        coldef = exp.ColumnDef(this=identifier(c.name), kind=data_type(c.type))
        if c.name in single_pk:
            primary_key = exp.PrimaryKeyColumnConstraint(
                include=exp.IndexParameters(with_storage=False)
            )
            coldef.set("constraints", [exp.ColumnConstraint(kind=primary_key)])
        items.append(coldef)
    return items


def _table_constraints(d: ir.TableDef) -> list[exp.Expr]:
    """A composite primary key, then ``WATERMARK FOR col AS col - delay [WITH TTL]``."""
    items: list[exp.Expr] = []
    if len(d.primary_key) > 1:
        items.append(
            exp.PrimaryKey(
                expressions=[identifier(k) for k in d.primary_key],
                include=exp.IndexParameters(with_storage=False),
            )
        )
    if d.watermark is not None:
        w = d.watermark
        kind = WatermarkTtlConstraint if w.ttl else exp.WatermarkColumnConstraint
        delayed = exp.Sub(this=column(w.column), expression=interval(w.delay))
        items.append(kind(this=column(w.column), expression=delayed))
    return items


def _properties(d: ir.TableDef) -> list[exp.Expr]:
    """``APPEND ONLY``, ``ON CONFLICT``, then a source's ``WITH (...) FORMAT ... ENCODE ...``
    (not on a source: it stores no rows, so it takes no APPEND ONLY)."""
    properties: list[exp.Expr] = []
    if d.append_only and d.connector is None:
        properties.append(AppendOnlyProperty())
    if d.on_conflict is not None:
        properties.append(OnConflictProperty(this=exp.var(d.on_conflict.value)))
    if d.connector is not None:
        for key, value in d.connector.options:
            properties.append(exp.Property(this=_option_key(key), value=exp.Literal.string(value)))
        properties.append(exp.FileFormatProperty(this=exp.var(d.connector.format.value)))
        properties.append(exp.EncodeProperty(this=exp.var(d.connector.encode.value)))
    return properties


def _option_key(key: str) -> exp.Expr:
    """``properties.bootstrap.server`` as the dotted name the parser reads (not a string)."""
    parts = key.split(".")
    if len(parts) == 1:
        return exp.var(key)
    node: exp.Expr = exp.Identifier(this=parts[0], quoted=False)
    for part in parts[1:]:
        node = exp.Dot(this=node, expression=exp.Identifier(this=part, quoted=False))
    return node
