"""Planning of the domain operators `ZScore` and `Funnel` into plain SELECT blocks."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from ecomdsl.dsl import relation as r
from ecomdsl.kinds import BinaryOperator, FrameKind, UnaryOperator
from ecomdsl.model import ir
from ecomdsl.model.intervals import IntervalError, parse_interval
from ecomdsl.types import SqlType

if TYPE_CHECKING:
    from ecomdsl.model.query import Partial, QueryResolver

DOUBLE = SqlType.DOUBLE
BOOL = SqlType.BOOLEAN


def _col(name: str, type_: SqlType) -> ir.IColumn:
    return ir.IColumn(name, None, type_)


def _double(e: ir.IExpr) -> ir.IExpr:
    return e if e.type is DOUBLE else ir.ICast(e, DOUBLE)


def _lit(value: object, type_: SqlType) -> ir.ILiteral:
    return ir.ILiteral(value, type_)


def _check_names(
    resolver: QueryResolver, rel: r.Relation, existing: tuple[str, ...], names: dict[str, str]
) -> None:
    seen: dict[str, str] = {}
    for option, name in names.items():
        if not isinstance(name, str) or not name:
            resolver.report.error(
                f"{type(rel).__name__}({option}=...) must be a non-empty name", rel.location
            )
        elif name in existing:
            resolver.report.error(
                f"{type(rel).__name__}({option}={name!r}) clashes with an input column",
                rel.location,
                hint=f"choose another name with {option}=...",
            )
        elif name in seen:
            resolver.report.error(
                f"{type(rel).__name__}: {option} and {seen[name]} are both {name!r}", rel.location
            )
        seen[name] = option


def _frame(resolver: QueryResolver, z: r.ZScore, order_type: SqlType) -> ir.Frame | None:
    start, end = z.lookback, z.exclude_recent
    if isinstance(start, bool) or isinstance(end, bool):
        resolver.report.error(
            "ZScore(lookback/exclude_recent) take intervals or row counts", z.location
        )
        return None
    if isinstance(start, int) and (end is None or isinstance(end, int)):
        if start <= 0 or (end is not None and not 0 <= end <= start):
            resolver.report.error(
                f"ZScore: need lookback > 0 and 0 <= exclude_recent <= lookback, got {start}, {end}",
                z.location,
            )
            return None
        return ir.Frame(FrameKind.ROWS, start, end or None)
    if isinstance(start, str) and (end is None or isinstance(end, str)):
        try:
            lo = parse_interval(start)
            hi = parse_interval(end) if end is not None else None
        except IntervalError as err:
            resolver.report.error(f"ZScore(lookback/exclude_recent): {err}", z.location)
            return None
        if not (order_type.is_time or order_type is SqlType.UNKNOWN):
            resolver.report.error(
                f"ZScore(order_by={z.order_by!r}) must be a time column for an interval "
                f"lookback; it is {order_type}",
                z.location,
                hint="use integer lookback/exclude_recent for a ROWS frame",
            )
        if hi is not None and (hi.months or lo.months or hi.seconds >= lo.seconds):
            resolver.report.error(
                f"ZScore: exclude_recent {end!r} must be shorter than lookback {start!r}",
                z.location,
            )
        return ir.Frame(FrameKind.RANGE, lo, hi)
    resolver.report.error(
        "ZScore(lookback, exclude_recent) must both be intervals ('24 hours') or both row counts",
        z.location,
    )
    return None


def resolve_zscore(resolver: QueryResolver, z: r.ZScore) -> Partial:
    p = resolver.resolve(z.input)
    if p.select is not None or p.aggregated or len(p.scope) != 1:
        p = resolver.wrap(p, "zscore_input")
    schema = p.output()
    value = resolver._require(schema, z.value, "value", z)
    order = resolver._require(schema, z.order_by, "order_by", z)
    if value is not None and not (value.type.is_numeric or value.type is SqlType.UNKNOWN):
        resolver.report.error(
            f"ZScore(value={z.value!r}) must be numeric; it is {value.type}", z.location
        )
    partition: list[ir.IExpr] = []
    for name in z.partition_by:
        column = resolver._require(schema, name, "partition_by", z)
        if column is not None:
            if column.type is SqlType.JSONB:
                resolver.report.error(
                    f"ZScore cannot partition by jsonb column {name!r}", z.location, code="RW012"
                )
            partition.append(_col(column.name, column.type))
    if not isinstance(z.min_periods, int) or isinstance(z.min_periods, bool) or z.min_periods < 2:
        resolver.report.error(
            f"ZScore(min_periods={z.min_periods!r}) must be an integer >= 2 "
            "(a sample standard deviation needs two rows)",
            z.location,
        )
    if (
        not isinstance(z.threshold, int | float)
        or isinstance(z.threshold, bool)
        or z.threshold <= 0
    ):
        resolver.report.error(
            f"ZScore(threshold={z.threshold!r}) must be a positive number", z.location
        )
    names = {
        "count_as": z.count_as,
        "mean_as": z.mean_as,
        "stddev_as": z.stddev_as,
        "z_as": z.z_as,
        "flag_as": z.flag_as,
    }
    _check_names(resolver, z, schema.names, names)
    frame = _frame(resolver, z, order.type if order else SqlType.UNKNOWN)
    if value is None or order is None or frame is None:
        return p  # errors reported; keep the input's shape

    value_col = _col(value.name, value.type)
    order_col = _col(order.name, order.type)

    def window(func: str, arg: ir.IExpr | None, type_: SqlType) -> ir.IWindow:
        return ir.IWindow(
            func, arg, tuple(partition), order_col, frame, type_, z.location, not partition
        )

    passthrough = [(c.name, _col(c.name, c.type)) for c in schema.columns]
    p.select = [
        *passthrough,
        (z.count_as, window("COUNT", None, SqlType.BIGINT)),
        (z.mean_as, window("AVG", _double(value_col), DOUBLE)),
        (z.stddev_as, window("STDDEV_SAMP", _double(value_col), DOUBLE)),
    ]
    p.bare = False
    p = resolver.wrap(p, "zscore_baseline")

    count, mean, stddev = (
        _col(z.count_as, SqlType.BIGINT),
        _col(z.mean_as, DOUBLE),
        _col(z.stddev_as, DOUBLE),
    )
    enough = ir.IBinary(BinaryOperator.GE, count, _lit(int(z.min_periods), SqlType.INT), BOOL)
    spread = ir.IBinary(BinaryOperator.GT, stddev, _lit(0, SqlType.INT), BOOL)
    score = ir.IBinary(
        BinaryOperator.DIV,
        ir.IBinary(BinaryOperator.SUB, _double(value_col), mean, DOUBLE),
        stddev,
        DOUBLE,
    )
    z_expr = ir.ICase(
        ((ir.IBinary(BinaryOperator.AND, enough, spread, BOOL), score),), None, DOUBLE
    )
    base = p.output()
    p.select = [*((c.name, _col(c.name, c.type)) for c in base.columns), (z.z_as, z_expr)]
    p.bare = False
    p = resolver.wrap(p, "zscore_scored")

    z_col = _col(z.z_as, DOUBLE)
    flag = ir.IBinary(
        BinaryOperator.AND,
        ir.IUnary(UnaryOperator.IS_NOT_NULL, z_col, BOOL),
        ir.IBinary(
            BinaryOperator.GT,
            ir.IFunc("ABS", (z_col,), DOUBLE),
            _lit(float(z.threshold), DOUBLE),
            BOOL,
        ),
        BOOL,
    )
    scored = p.output()
    p.select = [*((c.name, _col(c.name, c.type)) for c in scored.columns), (z.flag_as, flag)]
    p.bare = False
    return p


def resolve_funnel(resolver: QueryResolver, f: r.Funnel) -> Partial:
    p = resolver.resolve(f.input)
    if p.select is not None or p.aggregated or len(p.scope) != 1:
        p = resolver.wrap(p, "funnel_input")
    schema = p.output()
    session = resolver._require(schema, f.session, "session", f)
    step = resolver._require(schema, f.step, "step", f) if f.step is not None else None
    if session is not None and session.type is SqlType.JSONB:
        resolver.report.error(
            f"Funnel(session={f.session!r}) cannot be a jsonb column", f.location, code="RW012"
        )
    if len(f.stages) < 2:
        resolver.report.error("Funnel needs at least two stages", f.location)
    stage_names = [s.name for s in f.stages]
    dupes = sorted({n for n in stage_names if stage_names.count(n) > 1})
    if dupes:
        resolver.report.error(f"Funnel: duplicate stage {dupes[0]!r}", f.location)
    flags: list[tuple[str, ir.IExpr]] = []
    for stage in f.stages:
        if stage.when is not None:
            cond = resolver.checker.boolean(stage.when, p.scope, f"Stage({stage.name!r}).when")
        elif step is None:
            resolver.report.error(
                f"Funnel stage {stage.name!r} has no when= condition and the funnel has no step column",
                stage.location,
                hint="pass step='event_type' to Funnel, or Stage(name, when=...)",
            )
            continue
        else:
            if step.type not in (SqlType.VARCHAR, SqlType.UNKNOWN):
                resolver.report.error(
                    f"Funnel(step={f.step!r}) must be a varchar column to match stage names; "
                    f"it is {step.type}",
                    f.location,
                )
            cond = ir.IBinary(
                BinaryOperator.EQ,
                _col(step.name, step.type),
                _lit(stage.name, SqlType.VARCHAR),
                BOOL,
            )
        flags.append((f"has_{stage.name}", ir.IAgg("BOOL_OR", cond, False, None, BOOL)))
    counts_names = {"total_as": f.total_as, "overall_as": f.overall_as}
    for stage in f.stages:
        counts_names[f"{stage.name} count"] = f"{stage.name}_count"
    labels = [s.label or s.name for s in f.stages]
    for a, b in itertools.pairwise(labels):
        counts_names[f"{a}->{b} rate"] = f"{a}_to_{b}_rate"
    _check_names(resolver, f, (), counts_names)
    if session is None or len(flags) != len(f.stages) or len(f.stages) < 2:
        return p

    session_col = _col(session.name, session.type)
    p.where.append(ir.IUnary(UnaryOperator.IS_NOT_NULL, session_col, BOOL))
    p.group_by = (session_col,)
    p.select = [(session.name, session_col), *flags]
    p.aggregated = True
    p.bare = False
    p = resolver.wrap(p, "funnel_sessions")

    counts: list[tuple[str, ir.IExpr]] = [
        (f.total_as, ir.IAgg("COUNT", None, False, None, SqlType.BIGINT))
    ]
    for stage, (flag_name, _) in zip(f.stages, flags, strict=True):
        only = _col(flag_name, BOOL)
        counts.append((f"{stage.name}_count", ir.IAgg("COUNT", None, False, only, SqlType.BIGINT)))
    p.select = counts
    p.aggregated = True
    p.bare = False
    p = resolver.wrap(p, "funnel_counts")

    def rate(numerator: str, denominator: str) -> ir.IExpr:
        num = ir.ICast(_col(numerator, SqlType.BIGINT), DOUBLE)
        den = ir.IFunc(
            "NULLIF", (_col(denominator, SqlType.BIGINT), _lit(0, SqlType.INT)), SqlType.BIGINT
        )
        return ir.IBinary(BinaryOperator.DIV, num, den, DOUBLE)

    count_names = [f"{s.name}_count" for s in f.stages]
    rates = [
        (f"{a}_to_{b}_rate", rate(nb, na))
        for a, b, na, nb in zip(labels, labels[1:], count_names, count_names[1:], strict=False)
    ]
    rates.append((f.overall_as, rate(count_names[-1], count_names[0])))
    p.select = [(n, _col(n, SqlType.BIGINT)) for n, _ in counts] + rates
    p.bare = False
    return p
