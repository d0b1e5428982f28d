"""The domain operators `ZScore` and `Funnel`, resolved into plain SELECT blocks.

Each is a short chain of blocks over its input, every block a CTE read by the next: ZScore
computes a baseline over a window frame, then the score, then the flag; Funnel folds each
session into one row of stage flags, counts sessions per stage, then takes the rates.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from ecomdsl.dsl import relation
from ecomdsl.kinds import BinaryOperator, FrameKind, UnaryOperator
from ecomdsl.model import ir
from ecomdsl.model.intervals import IntervalError, parse_interval
from ecomdsl.model.scope import Scope
from ecomdsl.model.select import OpenSelect, StepResolver, require_column
from ecomdsl.types import SqlType

DOUBLE = SqlType.DOUBLE
BOOL = SqlType.BOOLEAN
BIGINT = SqlType.BIGINT


def _col(name: str, type_: SqlType) -> ir.IColumn:
    return ir.IColumn(name, None, type_)


def _double(e: ir.IExpr) -> ir.IExpr:
    return e if e.type is DOUBLE else ir.ICast(e, DOUBLE)


def _lit(value: object, type_: SqlType) -> ir.ILiteral:
    return ir.ILiteral(value, type_)


def _input(
    resolver: StepResolver, rel: relation.ZScore | relation.Funnel, base: str
) -> tuple[OpenSelect, ir.Schema]:
    """The operator's input as an open block over one source, and its columns."""
    p = resolver.resolve(rel.input)
    if p.shaped or len(p.scope) != 1:
        p = resolver.wrap(p, base)
    return p, p.output()


def _extend(p: OpenSelect, columns: Sequence[tuple[str, ir.IExpr]]) -> None:
    """Select every column ``p`` has, followed by ``columns``."""
    passthrough = [(c.name, _col(c.name, c.type)) for c in p.output().columns]
    p.select = [*passthrough, *columns]
    p.bare = False


def _check_names(
    resolver: StepResolver,
    rel: relation.Relation,
    existing: tuple[str, ...],
    names: list[tuple[str, str]],
) -> bool:
    """The operator's output names (what makes each, the name) are non-empty, new and
    distinct; False after reporting one that is not."""
    seen: dict[str, str] = {}
    ok = True
    for option, name in names:
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
                f"{type(rel).__name__}: {seen[name]} and {option} are both {name!r}",
                rel.location,
                hint=_FUNNEL_CLASH if isinstance(rel, relation.Funnel) else None,
            )
        else:
            seen[name] = option
            continue
        ok = False
    return ok


_FUNNEL_CLASH = "give the stages distinct labels: Stage(name, label=...)"


def _frame(resolver: StepResolver, z: relation.ZScore, order_type: SqlType) -> ir.Frame | None:
    """The baseline window: the ``lookback`` rows or interval before each row, up to
    ``exclude_recent`` before it (both row counts, or both intervals on a time order)."""
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


# ---- ZScore ----------------------------------------------------------------------------


def resolve_zscore(resolver: StepResolver, z: relation.ZScore) -> OpenSelect:
    p, schema = _input(resolver, z, "zscore_input")
    value, order, partition = _zscore_columns(resolver, z, schema)
    _check_zscore_options(resolver, z, schema)
    frame = _frame(resolver, z, order.type if order else SqlType.UNKNOWN)
    if value is None or order is None or frame is None:
        return p  # errors reported; keep the input's shape
    value_col = _double(_col(value.name, value.type))
    order_col = _col(order.name, order.type)

    def window(func: str, arg: ir.IExpr | None, type_: SqlType) -> ir.IWindow:
        return ir.IWindow(
            func, arg, tuple(partition), order_col, frame, type_, z.location, not partition
        )

    baseline = [
        (z.count_as, window("COUNT", None, BIGINT)),
        (z.mean_as, window("AVG", value_col, DOUBLE)),
        (z.stddev_as, window("STDDEV_SAMP", value_col, DOUBLE)),
    ]
    _extend(p, baseline)
    p = resolver.wrap(p, "zscore_baseline")
    _extend(p, [(z.z_as, _score(z, value_col))])
    p = resolver.wrap(p, "zscore_scored")
    _extend(p, [(z.flag_as, _flag(z))])
    return p


def _zscore_columns(
    resolver: StepResolver, z: relation.ZScore, schema: ir.Schema
) -> tuple[ir.Column | None, ir.Column | None, list[ir.IExpr]]:
    """The value and order columns, and the partition (missing ones reported)."""
    value = require_column(schema, z.value, "value", z, resolver.report)
    order = require_column(schema, z.order_by, "order_by", z, resolver.report)
    if value is not None and not (value.type.is_numeric or value.type is SqlType.UNKNOWN):
        resolver.report.error(
            f"ZScore(value={z.value!r}) must be numeric; it is {value.type}", z.location
        )
    partition: list[ir.IExpr] = []
    for name in z.partition_by:
        column = require_column(schema, name, "partition_by", z, resolver.report)
        if column is not None:
            if column.type is SqlType.JSONB:
                resolver.report.error(
                    f"ZScore cannot partition by jsonb column {name!r}", z.location, code="RW012"
                )
            partition.append(_col(column.name, column.type))
    return value, order, partition


def _check_zscore_options(resolver: StepResolver, z: relation.ZScore, schema: ir.Schema) -> None:
    if not isinstance(z.min_periods, int) or isinstance(z.min_periods, bool) or z.min_periods < 2:
        resolver.report.error(
            f"ZScore(min_periods={z.min_periods!r}) must be an integer >= 2 "
            "(a sample standard deviation needs two rows)",
            z.location,
        )
    threshold = z.threshold
    if not isinstance(threshold, int | float) or isinstance(threshold, bool) or threshold <= 0:
        resolver.report.error(
            f"ZScore(threshold={z.threshold!r}) must be a positive number", z.location
        )
    elif not math.isfinite(threshold):  # abs(z) > nan is never true, > inf flags nothing
        resolver.report.error(
            f"ZScore(threshold={z.threshold!r}) must be a finite positive number",
            z.location,
            hint="a z-score threshold is a number of standard deviations, e.g. 3",
        )
    names = [
        ("count_as", z.count_as),
        ("mean_as", z.mean_as),
        ("stddev_as", z.stddev_as),
        ("z_as", z.z_as),
        ("flag_as", z.flag_as),
    ]
    _check_names(resolver, z, schema.names, names)


def _score(z: relation.ZScore, value: ir.IExpr) -> ir.IExpr:
    """``(value - mean) / stddev`` once the baseline has enough rows and any spread."""
    count, mean, stddev = (
        _col(z.count_as, BIGINT),
        _col(z.mean_as, DOUBLE),
        _col(z.stddev_as, DOUBLE),
    )
    enough = ir.IBinary(BinaryOperator.GE, count, _lit(int(z.min_periods), SqlType.INT), BOOL)
    spread = ir.IBinary(BinaryOperator.GT, stddev, _lit(0, SqlType.INT), BOOL)
    deviation = ir.IBinary(BinaryOperator.SUB, value, mean, DOUBLE)
    score = ir.IBinary(BinaryOperator.DIV, deviation, stddev, DOUBLE)
    return ir.ICase(((ir.IBinary(BinaryOperator.AND, enough, spread, BOOL), score),), None, DOUBLE)


def _flag(z: relation.ZScore) -> ir.IExpr:
    """``z IS NOT NULL AND ABS(z) > threshold``."""
    z_col = _col(z.z_as, DOUBLE)
    known = ir.IUnary(UnaryOperator.IS_NOT_NULL, z_col, BOOL)
    far = ir.IBinary(
        BinaryOperator.GT, ir.IFunc("ABS", (z_col,), DOUBLE), _lit(float(z.threshold), DOUBLE), BOOL
    )
    return ir.IBinary(BinaryOperator.AND, known, far, BOOL)


# ---- Funnel ----------------------------------------------------------------------------


def resolve_funnel(resolver: StepResolver, f: relation.Funnel) -> OpenSelect:
    p, schema = _input(resolver, f, "funnel_input")
    session = require_column(schema, f.session, "session", f, resolver.report)
    step = (
        require_column(schema, f.step, "step", f, resolver.report) if f.step is not None else None
    )
    stages_ok = _check_stages(resolver, f, session)
    flags = _stage_flags(resolver, f, p.scope, step)
    labels = [s.label or s.name for s in f.stages]
    named = stages_ok and _check_names(resolver, f, (), _output_names(f, labels))
    if session is None or len(flags) != len(f.stages) or len(f.stages) < 2:
        return p
    if not (_check_session(resolver, f, session, flags) and named):
        return p  # reported; the blocks would only repeat it

    session_col = _col(session.name, session.type)
    p.where.append(ir.IUnary(UnaryOperator.IS_NOT_NULL, session_col, BOOL))
    p.group_by = (session_col,)
    p.select = [(session.name, session_col), *flags]
    p.aggregated = True
    p.bare = False
    p = resolver.wrap(p, "funnel_sessions")

    counts: list[tuple[str, ir.IExpr]] = [(f.total_as, ir.IAgg("COUNT", None, False, None, BIGINT))]
    for stage, (flag_name, _) in zip(f.stages, flags, strict=True):
        only = _col(flag_name, BOOL)
        counts.append((f"{stage.name}_count", ir.IAgg("COUNT", None, False, only, BIGINT)))
    p.select = counts
    p.aggregated = True
    p.bare = False
    p = resolver.wrap(p, "funnel_counts")

    p.select = [(n, _col(n, BIGINT)) for n, _ in counts] + _rates(f, labels)
    p.bare = False
    return p


def _check_stages(resolver: StepResolver, f: relation.Funnel, session: ir.Column | None) -> bool:
    """Two or more stages, each named once; False after reporting duplicate names (their
    columns would clash too)."""
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
    return not dupes


def _check_session(
    resolver: StepResolver,
    f: relation.Funnel,
    session: ir.Column,
    flags: list[tuple[str, ir.IExpr]],
) -> bool:
    """The session column and the stage flags (``has_<stage>``) share one block: their names
    must differ. False after reporting that they do not."""
    for stage, (flag, _) in zip(f.stages, flags, strict=True):
        if flag == session.name:
            resolver.report.error(
                f"Funnel(session={f.session!r}) clashes with the flag column of stage "
                f"{stage.name!r}",
                f.location,
                hint=f"rename the session column first, e.g. .select(session_id={session.name!r}, ...)",
            )
            return False
    return True


def _stage_flags(
    resolver: StepResolver, f: relation.Funnel, scope: Scope, step: ir.Column | None
) -> list[tuple[str, ir.IExpr]]:
    """``has_<stage>``: whether a session reached the stage (its ``when=``, else the step
    column equal to the stage name); a stage with neither is reported and left out."""
    flags: list[tuple[str, ir.IExpr]] = []
    for stage in f.stages:
        if stage.when is not None:
            cond = resolver.checker.boolean(stage.when, scope, f"Stage({stage.name!r}).when")
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
            stage_name = _lit(stage.name, SqlType.VARCHAR)
            cond = ir.IBinary(BinaryOperator.EQ, _col(step.name, step.type), stage_name, BOOL)
        flags.append((f"has_{stage.name}", ir.IAgg("BOOL_OR", cond, False, None, BOOL)))
    return flags


def _output_names(f: relation.Funnel, labels: list[str]) -> list[tuple[str, str]]:
    """The funnel's output columns, each with what makes it (for the name checks)."""
    names = [("total_as", f.total_as), ("overall_as", f.overall_as)]
    names += [(f"the {stage.name!r} count", f"{stage.name}_count") for stage in f.stages]
    steps = itertools.pairwise(zip(f.stages, labels, strict=True))
    names += [(f"the {a.name}->{b.name} rate", f"{la}_to_{lb}_rate") for (a, la), (b, lb) in steps]
    return names


def _rates(f: relation.Funnel, labels: list[str]) -> list[tuple[str, ir.IExpr]]:
    """Each stage's sessions over the previous stage's, and the last over the first."""

    def rate(numerator: str, denominator: str) -> ir.IExpr:
        num = ir.ICast(_col(numerator, BIGINT), DOUBLE)
        den = ir.IFunc("NULLIF", (_col(denominator, BIGINT), _lit(0, SqlType.INT)), BIGINT)
        return ir.IBinary(BinaryOperator.DIV, num, den, DOUBLE)

    count_names = [f"{s.name}_count" for s in f.stages]
    rates = [
        (f"{a}_to_{b}_rate", rate(nb, na))
        for a, b, na, nb in zip(labels, labels[1:], count_names, count_names[1:], strict=False)
    ]
    rates.append((f.overall_as, rate(count_names[-1], count_names[0])))
    return rates
