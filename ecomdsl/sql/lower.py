"""Streaming AST -> batch AST: the same result on the same rows, on DuckDB or PostgreSQL.

A materialized view's final contents, once all data is in, are a batch query over the rows
that survived the watermark. This module rewrites the trees ecomdsl emits for RisingWave
into ordinary SQL with that meaning; `docs/semantics.md` lists every difference and how it
is modelled here:

- ``HOP``/``TUMBLE`` become subqueries that expand each row into its windows, aligned to the
  Unix epoch (``time_bucket`` on DuckDB, ``date_bin`` on PostgreSQL, plus
  ``generate_series`` for HOP).
- Materialized views become tables created from their query after the data is loaded;
  ``EMIT ON WINDOW CLOSE`` keeps only the windows the final watermark closed.
- Watermarks, ``APPEND ONLY`` and connector options leave the DDL; the watermark is applied
  when rows are loaded (`ecomdsl.engines.data`).
- ``NOW()`` is bound to a fixed instant; window functions with ORDER BY and no frame get
  RisingWave's default frame (ROWS, not RANGE).
- Money stays exact (``DECIMAL(38, 10)`` on DuckDB, whose default is ``DECIMAL(18, 3)``);
  integer division stays integer division on DuckDB (``//``).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from sqlglot import exp

from ecomdsl.dialect import EmitOnWindowCloseProperty, Hop, IntegerDivision, TimeWindow, identifier
from ecomdsl.errors import EcomdslError
from ecomdsl.targets import Target, capabilities

EPOCH = "1970-01-01 00:00:00"
EXACT_DECIMAL = (38, 10)  # where a bare DECIMAL is not exact


class LoweringError(EcomdslError):
    """A construct whose batch meaning ecomdsl cannot model."""


def target_datatype(target: Target, dtype: exp.DataType) -> exp.DataType:
    """The type to declare on ``target``: an exact DECIMAL and JSON where its own differ."""
    can = capabilities(target)
    if not can.exact_bare_decimal and dtype.this == exp.DType.DECIMAL and not dtype.expressions:
        precision, scale = EXACT_DECIMAL
        return exp.DataType.build(f"DECIMAL({precision}, {scale})", dialect=target)
    if not can.has_jsonb and dtype.this == exp.DType.JSONB:
        return exp.DataType.build("JSON", dialect=target)
    return dtype


def _types(node: exp.Expr, target: Target) -> exp.Expr:
    if isinstance(node, exp.DataType):
        return target_datatype(target, node)
    return node


# ---- literals the emitter spells as casts of text (`ecomdsl.sql.atoms`) -------------------

NOT_FINITE = frozenset({"nan", "infinity", "-infinity"})


def _cast_text(node: exp.Expr, dtype: exp.DType) -> str | None:
    """The text of ``CAST('text' AS <dtype>)``, or None when ``node`` is not one."""
    if not isinstance(node, exp.Cast) or not node.to.is_type(dtype):
        return None
    text = node.this
    return text.this if isinstance(text, exp.Literal) and text.is_string else None


def _literal(node: exp.Expr, target: Target) -> exp.Expr | None:
    """A literal the target spells differently, or None: on DuckDB, NaN and the infinities
    of numeric become DOUBLE (its DECIMAL has none; comparisons treat NaN as the largest
    value, as RisingWave and PostgreSQL do) and bytea's hex text becomes ``UNHEX``."""
    can = capabilities(target)
    special = _cast_text(node, exp.DType.DECIMAL)
    if not can.decimal_has_nan and special is not None and special.lower() in NOT_FINITE:
        return exp.Cast(this=exp.Literal.string(special), to=exp.DataType.build("DOUBLE"))
    hex_text = _cast_text(node, exp.DType.VARBINARY)
    if not can.bytea_hex_text and hex_text is not None and hex_text.startswith("\\x"):
        return exp.Unhex(this=exp.Literal.string(hex_text[2:]))
    return None


def lower_insert(insert: exp.Insert, target: Target) -> exp.Insert:
    """An INSERT of test data as ``target`` reads its values. A NaN or infinity for a numeric
    column cannot be loaded into DuckDB's DECIMAL: a `LoweringError` naming the column."""
    insert = insert.copy()
    schema, values = insert.this, insert.expression
    assert isinstance(schema, exp.Schema) and isinstance(values, exp.Values)
    names = [c.name for c in schema.expressions]
    can = capabilities(target)
    for i, row in enumerate(values.expressions):
        for name, value in zip(names, row.expressions, strict=True):
            special = _cast_text(value, exp.DType.DECIMAL)
            if not can.decimal_has_nan and special is not None and special.lower() in NOT_FINITE:
                raise LoweringError(
                    f"{schema.this.name}: row {i}, column {name!r}: {special} does not fit "
                    f"DECIMAL on {target}, which has no NaN or Infinity (RisingWave's numeric "
                    "has them): make the column double precision to run this test data there"
                )
            lowered = _literal(value, target)
            if lowered is not None:
                value.replace(lowered)
    return insert


# ---- DDL ---------------------------------------------------------------------------------


def lower_table(create: exp.Create, target: Target) -> exp.Create:
    """CREATE TABLE/SOURCE -> a plain CREATE TABLE (no watermark, keys or connector).

    Primary keys are dropped because the loader already applied RisingWave's upsert
    (last write wins); the watermark is applied by the loader too.
    """
    create = create.copy()
    schema = create.this
    assert isinstance(schema, exp.Schema)
    kept: list[exp.Expr] = []
    for item in schema.expressions:
        if isinstance(item, exp.WatermarkColumnConstraint | exp.PrimaryKey):
            continue
        if isinstance(item, exp.ColumnDef):
            item.set("constraints", None)
            item.set("kind", target_datatype(target, item.args["kind"]))
        kept.append(item)
    schema.set("expressions", kept)
    create.set("kind", "TABLE")
    create.set("properties", None)
    create.comments = None
    return create


def lower_view(
    create: exp.Create,
    target: Target,
    *,
    watermark_cutoff: dt.datetime | exp.Expr | None = None,
    now: dt.datetime | None,
    materialize: Literal["table", "matview"] = "table",
) -> exp.Create:
    """CREATE MATERIALIZED VIEW -> CREATE TABLE ... AS (after the data is loaded), or, with
    ``materialize="matview"`` (a deploy to PostgreSQL), a PostgreSQL materialized view created
    WITH NO DATA and filled by REFRESH. CREATE VIEW stays a view. EMIT ON WINDOW CLOSE keeps
    closed windows only: those ending at or before ``watermark_cutoff`` (an instant, or an
    expression computing the watermark from the tables). ``now=None`` keeps NOW() live."""
    create = create.copy()
    props = create.args.get("properties")
    expressions = list(props.expressions) if props else []
    materialized = any(isinstance(p, exp.MaterializedProperty) for p in expressions)
    eowc = any(isinstance(p, EmitOnWindowCloseProperty) for p in expressions)
    query = lower_query(create.expression, target, now=now)
    if eowc:
        query = _closed_windows_only(create, query, watermark_cutoff)
    create.set("expression", query)
    create.set("properties", None)
    create.set("kind", "TABLE" if materialized else "VIEW")
    if materialized and materialize == "matview":
        create.set("kind", "VIEW")
        create.set(
            "properties",
            exp.Properties(expressions=[exp.MaterializedProperty(), exp.WithDataProperty(no=True)]),
        )
    create.comments = None
    return create


def _closed_windows_only(
    create: exp.Create, query: exp.Expr, cutoff: dt.datetime | exp.Expr | None
) -> exp.Expr:
    outputs = [e.alias_or_name for e in query.expressions] if isinstance(query, exp.Select) else []
    if "window_end" not in outputs:
        raise LoweringError(
            f"{create.this.name}: EMIT ON WINDOW CLOSE without a window_end column cannot be run "
            "in batch; group by window_start, window_end"
        )
    closed: exp.Expr = (
        exp.false()
        if cutoff is None
        else exp.LTE(
            this=exp.column("window_end"),
            expression=_timestamp(cutoff) if isinstance(cutoff, dt.datetime) else cutoff.copy(),
        )
    )
    return (
        exp.select(exp.Star())
        .from_(exp.Subquery(this=query, alias=exp.TableAlias(this=identifier("eowc"))))
        .where(closed)
    )


# ---- queries -----------------------------------------------------------------------------


def lower_query(query: exp.Expr, target: Target, *, now: dt.datetime | None) -> exp.Expr:
    """The batch equivalent of a streaming SELECT (``now=None``: NOW() stays live)."""

    def rewrite(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Table) and node.args.get("version") is not None:
            # a temporal join looks up the right side as of each left row's arrival; with the
            # right side loaded before the stream (as the loader does), that is a plain join
            node.set("version", None)
        if isinstance(node, exp.Table) and isinstance(node.this, TimeWindow):
            return _window_table(node, target)
        if isinstance(node, exp.Window):
            return _explicit_frame(node)
        literal = _literal(node, target)
        if literal is not None:
            return literal
        if isinstance(node, exp.CurrentTimestamp) or (
            isinstance(node, exp.Anonymous) and node.name.upper() in ("NOW", "PROCTIME")
        ):
            return _timestamp(now, tz=True) if now is not None else exp.CurrentTimestamp()
        return _types(node, target)

    lowered = query.copy().transform(rewrite, copy=False)
    return _integer_divisions(lowered, target)


def _integer_divisions(tree: exp.Expr, target: Target) -> exp.Expr:
    """Each `IntegerDivision` as the target writes it: ``/`` where that truncates integers as
    RisingWave's does, else ``//``. One by one after the rewrite above, because `transform`
    does not visit what a replaced node holds, and divisions nest."""
    slash = capabilities(target).slash_truncates_integers
    for division in list(tree.find_all(IntegerDivision)):
        left, right = division.this, division.expression
        lowered: exp.Expr = (
            exp.Div(this=left, expression=right, typed=True, safe=False)
            if slash
            else exp.IntDiv(this=left, expression=right)
        )
        tree = lowered if division is tree else tree
        division.replace(lowered)
    return tree


_NO_FRAME = (exp.RowNumber, exp.Rank, exp.DenseRank, exp.Lag, exp.Lead)


def _explicit_frame(window: exp.Window) -> exp.Window:
    # RisingWave: ORDER BY without a frame means ROWS UNBOUNDED PRECEDING..CURRENT ROW;
    # PostgreSQL and DuckDB default to RANGE, which differs on ties. (Ranking and offset
    # functions ignore frames.)
    if isinstance(window.this, _NO_FRAME):
        return window
    if window.args.get("order") is not None and window.args.get("spec") is None:
        window.set(
            "spec",
            exp.WindowSpec(
                kind="ROWS", start="UNBOUNDED", start_side="PRECEDING", end="CURRENT ROW"
            ),
        )
    return window


def _timestamp(value: dt.datetime, tz: bool = False) -> exp.Expr:
    text = value.isoformat(sep=" ")
    return exp.Cast(
        this=exp.Literal.string(text), to=exp.DataType.build("TIMESTAMPTZ" if tz else "TIMESTAMP")
    )


def _bucket(target: Target, size: exp.Expr, column: exp.Expr, origin: exp.Expr) -> exp.Expr:
    name = capabilities(target).window_bucket_function
    return exp.Anonymous(this=name, expressions=[size.copy(), column.copy(), origin.copy()])


def _window_table(table: exp.Table, target: Target) -> exp.Subquery:
    """``HOP(t, c, hop, size[, offset])`` / ``TUMBLE(t, c, size[, offset])`` as a subquery
    that gives every row of ``t`` once per window containing it, plus window_start/end."""
    window = table.this
    assert isinstance(window, TimeWindow)
    name = window.this.name
    time_col = exp.Column(this=identifier(window.args["column"].name), table=identifier(name))
    origin = _origin(window)
    size: exp.Expr = window.args["size"]
    if isinstance(window, Hop):
        select = _hop_rows(target, name, time_col, window.args["hop"], size, origin)
    else:
        start = _bucket(target, size, time_col, origin)
        end = exp.Add(this=start.copy(), expression=size.copy())
        select = _each_row(
            name,
            time_col,
            exp.alias_(start, identifier("window_start")),
            exp.alias_(end, identifier("window_end")),
        )
    return exp.Subquery(this=select, alias=exp.TableAlias(this=identifier(table.alias or name)))


def _origin(window: TimeWindow) -> exp.Expr:
    """The instant windows are aligned to: the Unix epoch in the time column's type (a
    parsed window, which has no ``time_type``, is TIMESTAMP), plus the window's offset."""
    time_type = window.args.get("time_type")
    tz = isinstance(time_type, exp.DataType) and time_type.this == exp.DType.TIMESTAMPTZ
    origin: exp.Expr = exp.Cast(
        this=exp.Literal.string(EPOCH + ("+00" if tz else "")),
        to=exp.DataType.build("TIMESTAMPTZ" if tz else "TIMESTAMP"),
    )
    offset = window.args.get("offset")
    return origin if offset is None else exp.Add(this=origin, expression=offset.copy())


def _each_row(name: str, time_col: exp.Column, *windows: exp.Expr) -> exp.Select:
    """``SELECT name.*, <windows> FROM name WHERE time_col IS NOT NULL``: a row with a NULL
    time is in no window (`docs/semantics.md`)."""
    rows = exp.Column(this=exp.Star(), table=identifier(name))
    not_null = exp.Not(this=exp.Is(this=time_col.copy(), expression=exp.Null()))
    return exp.select(rows, *windows).from_(exp.Table(this=identifier(name))).where(not_null)


def _hop_rows(
    target: Target, name: str, time_col: exp.Column, hop: exp.Expr, size: exp.Expr, origin: exp.Expr
) -> exp.Select:
    """Every row once per hop window containing it: the window starts run from the last one
    (the row's time aligned to ``hop``) back over ``size``, one ``hop`` apart."""
    last = _bucket(target, hop, time_col, origin)
    first = exp.Add(this=exp.Sub(this=last.copy(), expression=size.copy()), expression=hop.copy())
    series: exp.Expr = exp.Anonymous(this="GENERATE_SERIES", expressions=[first, last, hop.copy()])
    if not capabilities(target).select_list_expands_series:
        series = exp.Unnest(expressions=[series])
    inner = _each_row(name, time_col, exp.alias_(series, identifier("window_start")))
    expanded = identifier("hop_rows")
    start = exp.Column(this=identifier("window_start"), table=expanded.copy())
    return exp.select(
        exp.Column(this=exp.Star(), table=expanded.copy()),
        exp.alias_(exp.Add(this=start, expression=size.copy()), identifier("window_end")),
    ).from_(exp.Subquery(this=inner, alias=exp.TableAlias(this=expanded)))
