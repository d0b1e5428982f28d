"""Time windows: `Hop` and `Tumble` as RisingWave's HOP/TUMBLE table functions.

The window function reads one named relation, so a windowed query first becomes a CTE
unless it is a bare read already; the block opened on the window adds `window_start` and
`window_end`, typed like the time column (timestamptz stays timestamptz).
"""

from __future__ import annotations

from ecomdsl.dsl import relation
from ecomdsl.errors import did_you_mean
from ecomdsl.kinds import WindowTableFunction
from ecomdsl.model import ir
from ecomdsl.model.intervals import IntervalError, parse_interval
from ecomdsl.model.scope import ScopeEntry
from ecomdsl.model.select import OpenSelect, StepResolver
from ecomdsl.types import SqlType

WINDOW_COLUMNS = ("window_start", "window_end")


def resolve_hop(resolver: StepResolver, h: relation.Hop) -> OpenSelect:
    options = [("hop", h.hop), ("size", h.size), ("offset", h.offset)]
    return _window(resolver, h, WindowTableFunction.HOP, options)


def resolve_tumble(resolver: StepResolver, t: relation.Tumble) -> OpenSelect:
    options = [("size", t.size), ("offset", t.offset)]
    return _window(resolver, t, WindowTableFunction.TUMBLE, options)


def _window(
    resolver: StepResolver,
    rel: relation.Hop | relation.Tumble,
    func: WindowTableFunction,
    options: list[tuple[str, str | None]],
) -> OpenSelect:
    p, table = resolver.as_table(resolver.resolve(rel.input), f"{func.lower()}_input")
    schema = p.output()
    time_type = _time_type(resolver, rel, func, table, schema)
    for clash in WINDOW_COLUMNS:
        if clash in schema.names:
            resolver.report.error(
                f"{func} input already has a {clash!r} column",
                rel.location,
                hint="rename window_start/window_end with .select() before windowing again",
                code="RW014",
            )
    intervals = _intervals(resolver, rel, func, options)
    columns = (*schema.columns, *(ir.Column(name, time_type) for name in WINDOW_COLUMNS))
    entry = ScopeEntry(None, f"{func}({table})", ir.Schema(columns, schema.open), p.lineage)
    source = ir.IWindowTable(
        func, table, str(rel.time_column), tuple(intervals), time_type, rel.location
    )
    return OpenSelect(p.ctes, source, (entry,), lineage=p.lineage, location=rel.location)


def _time_type(
    resolver: StepResolver,
    rel: relation.Hop | relation.Tumble,
    func: WindowTableFunction,
    table: str,
    schema: ir.Schema,
) -> SqlType:
    """The type of the window bounds; reports a time column that is missing or not a time."""
    column = schema.get(rel.time_column) if isinstance(rel.time_column, str) else None
    if column is None:
        resolver.report.error(
            f"{func}: time column {rel.time_column!r} not found in {table!r}",
            rel.location,
            hint=did_you_mean(str(rel.time_column), schema.names),
        )
    elif not (column.type.is_time or column.type is SqlType.UNKNOWN):
        resolver.report.error(
            f"{func} needs a time column (timestamp, timestamptz or date); "
            f"{column.name!r} is {column.type}",
            rel.location,
        )
    elif column.type is SqlType.TIMESTAMPTZ:
        return SqlType.TIMESTAMPTZ
    return SqlType.TIMESTAMP


def _intervals(
    resolver: StepResolver,
    rel: relation.Hop | relation.Tumble,
    func: WindowTableFunction,
    options: list[tuple[str, str | None]],
) -> list[ir.Interval]:
    """The given interval options in order; a HOP size must be a whole number of hops."""
    parsed: dict[str, ir.Interval] = {}
    for option, value in options:
        if value is None:
            continue
        try:
            parsed[option] = parse_interval(value)
        except IntervalError as err:
            resolver.report.error(f"{func}({option}=...): {err}", rel.location)
    intervals = list(parsed.values())
    if func is WindowTableFunction.HOP and "hop" in parsed and "size" in parsed:
        hop, size = parsed["hop"], parsed["size"]  # not the offset, after a bad hop
        if (hop.months or size.months) or size.seconds % hop.seconds:
            resolver.report.error(
                f"HOP size {options[1][1]!r} is not a multiple of hop {options[0][1]!r}",
                rel.location,
                hint="RisingWave needs size = k x hop (e.g. hop '5 minutes', size '1 hour')",
                code="RW001",
            )
    return intervals
