"""Checking ``raw()`` SQL fragments: parsed with the ecomdsl dialect, refused unless they are
one scalar expression, and their column names resolved in the block's scope like any other
reference (so a typo in raw SQL is reported with a hint, not by the database)."""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from ecomdsl.dialect import DIALECT, identifier
from ecomdsl.dsl import expr as dsl
from ecomdsl.errors import Diagnostics
from ecomdsl.model import ir
from ecomdsl.model.functions import declared_type
from ecomdsl.model.names import text_problem
from ecomdsl.model.scope import Scope, resolve_column
from ecomdsl.types import SqlType, TypeSpecError, parse_type

_FORBIDDEN_IN_RAW = (exp.Query, exp.DDL, exp.DML, exp.Command, exp.Window)


def check_raw(e: dsl.Raw, scope: Scope, report: Diagnostics, *, filtering: bool) -> ir.IExpr:
    """Parse a raw() fragment with the ecomdsl dialect and resolve its columns; the checks
    made on builders hold inside it too (types RisingWave rejects, NOW() and PROCTIME()).
    ``filtering``: the fragment is (in) a WHERE or ON condition."""
    tree = _parse(e, report)
    if tree is None:
        return ir.ILiteral(None, SqlType.UNKNOWN)
    if tree.find(exp.AggFunc) is not None:
        report.error(
            f"raw({e.sql!r}): use the aggregate builders, not raw SQL aggregates", e.location
        )
    _resolve_columns(tree, e, scope, report)
    _check_types(tree, e, report)
    declared = (
        None if e.type is None else declared_type(e.type, e.location, "raw(type=...)", report)
    )
    return ir.IRaw(tree, declared or _raw_type(tree), _calls(tree, e, filtering=filtering))


def _check_types(tree: exp.Expr, e: dsl.Raw, report: Diagnostics) -> None:
    """A type RisingWave rejects is refused in raw SQL as in a column or a cast() (RW007);
    a type ecomdsl does not model (``int[]``) is the fragment's own business."""
    for node in tree.find_all(exp.DataType):
        if isinstance(node.parent, exp.DataType):
            continue  # an array's element type: spelled with the array
        try:  # spelled as written (the ecomdsl dialect would drop a varchar's length)
            parse_type(node.sql("postgres").lower())
        except TypeSpecError as err:
            if err.rejected:
                report.error(f"raw({e.sql!r}): {err}", e.location, hint=err.hint, code="RW007")


def _calls(tree: exp.Expr, e: dsl.Raw, *, filtering: bool) -> tuple[ir.INow | ir.IProcTime, ...]:
    """The fragment's NOW() and PROCTIME() calls, as the builders' nodes (see `ir.IRaw`)."""
    calls: list[ir.INow | ir.IProcTime] = []
    for node in tree.walk():
        if isinstance(node, exp.CurrentTimestamp) and not filtering:
            calls.append(ir.INow(e.location))
        elif isinstance(node, exp.Anonymous) and str(node.this).lower() == "proctime":
            calls.append(ir.IProcTime(e.location))
    return tuple(calls)


def _parse(e: dsl.Raw, report: Diagnostics) -> exp.Expr | None:
    """The fragment's one scalar expression, or None after reporting why it is not one."""
    if not isinstance(e.sql, str) or not e.sql.strip():
        report.error("raw() needs a SQL expression", e.location)
        return None
    problem = text_problem(e.sql)
    if problem is not None:
        report.error(f"raw({e.sql!r}) {problem.message}", e.location, hint=problem.hint)
        return None
    try:
        trees = sqlglot.parse(e.sql, read=DIALECT)
    except ParseError as err:
        first = err.errors[0] if err.errors else {}
        detail = first.get("description", "cannot parse")
        near = first.get("highlight")
        report.error(f"raw({e.sql!r}): {detail}" + (f" near {near!r}" if near else ""), e.location)
        return None
    if len(trees) != 1 or trees[0] is None:
        report.error(f"raw({e.sql!r}) must be exactly one SQL expression (no ';')", e.location)
        return None
    tree = trees[0]
    bad = tree if isinstance(tree, _FORBIDDEN_IN_RAW) else tree.find(*_FORBIDDEN_IN_RAW)
    if bad is not None or isinstance(tree, exp.Star):
        report.error(
            f"raw({e.sql!r}) must be a scalar expression: no statements, subqueries or OVER",
            e.location,
        )
        return None
    return tree


def _resolve_columns(tree: exp.Expr, e: dsl.Raw, scope: Scope, report: Diagnostics) -> None:
    """Point each column of ``tree`` at the scope's column (quoted, qualified as resolved)."""
    for column in list(tree.find_all(exp.Column)):
        entries = scope
        if column.table:
            entries = tuple(x for x in scope if column.table in (x.qualifier, x.label))
            if not entries:
                labels = ", ".join(repr(x.qualifier or x.label) for x in scope)
                report.error(
                    f"raw({e.sql!r}): unknown qualifier {column.table!r} (this query reads {labels})",
                    e.location,
                )
                continue
        # RisingWave folds unquoted identifiers to lower case
        written = column.this
        name = written.name if written.args.get("quoted") else written.name.lower()
        resolved = resolve_column(dsl.Column(name, location=e.location), entries, report)
        column.set("this", identifier(resolved.name))
        column.set("table", identifier(resolved.qualifier) if resolved.qualifier else None)


def _raw_type(tree: exp.Expr) -> SqlType:
    """The type a fragment evidently has (a CAST, a predicate), else UNKNOWN."""
    if isinstance(tree, exp.Cast):
        try:
            return parse_type(tree.to.sql(DIALECT).lower())
        except TypeSpecError:
            return SqlType.UNKNOWN
    if isinstance(tree, exp.Predicate | exp.Connector | exp.Not | exp.Boolean):
        return SqlType.BOOLEAN
    return SqlType.UNKNOWN
