"""The DuckDB engine behind `ecomdsl run`: a preview reads only the rows it shows, and
Ctrl-C is Python's KeyboardInterrupt, not an engine error."""

from __future__ import annotations

import threading

import pytest

from ecomdsl import MaterializedView, Pipeline, Table, col
from ecomdsl.engines.duckdb_engine import DuckDBEngine
from ecomdsl.engines.runner import Runner, run
from ecomdsl.errors import CompileError
from ecomdsl.model.resolve import resolve

NAMES = ["b", None, "a", "é", "B", None, "ab", "a"]


def _runner(engine: DuckDBEngine) -> Runner:
    t = Table("t", {"name": "varchar", "n": "int"})
    everything = MaterializedView("everything", t.select("name", "n"))
    runner = Runner(resolve(Pipeline("p", objects=[t, everything])), engine)
    runner.create_tables()
    values = ", ".join(
        f"({'NULL' if name is None else repr(name)}, {'NULL' if i % 3 == 0 else i})"
        for i, name in enumerate(NAMES)
    )
    engine.execute(f"INSERT INTO t VALUES {values}")
    engine.execute("CREATE VIEW everything AS SELECT name, n FROM t")
    return runner


def test_a_limited_read_is_the_first_rows_of_the_full_read_and_counts_them() -> None:
    with DuckDBEngine() as engine:
        runner = _runner(engine)
        full = runner.read("everything")
        assert full.total == len(NAMES)
        for limit in (0, 1, 3, len(NAMES), 20):
            first = runner.read("everything", limit)
            assert first.rows == full.rows[:limit]
            assert first.total == len(NAMES)
            assert first.columns == ("name", "n")


def test_ctrl_c_during_a_statement_is_a_keyboard_interrupt() -> None:
    with DuckDBEngine() as engine:
        threading.Timer(0.2, engine.connection.interrupt).start()
        with pytest.raises(KeyboardInterrupt):
            engine.fetch("SELECT count(*) FROM range(100000000000) t(x) WHERE x % 7 = 3")


def test_names_that_differ_only_in_case_are_refused_at_the_users_line() -> None:
    t = Table("t", {"Amount": "int", "amount": "int"})
    mv = MaterializedView("mv", t.select("Amount", "amount"))  # inherits the clash: no 2nd error
    other = MaterializedView("MV", t.select("amount"))
    pipeline = resolve(Pipeline("p", objects=[t, mv, other]))
    with DuckDBEngine() as engine, pytest.raises(CompileError) as info:
        run(pipeline, engine)
    assert [d.format() for d in info.value.diagnostics] == [
        f"{where(mv)}: error: mv: objects 'MV' and 'mv' differ only in case, which the "
        "duckdb engine does not tell apart\n"
        "    hint: rename one of them to run the pipeline here; RisingWave tells them apart",
        f"{where(t)}: error: t: columns 'Amount' and 'amount' differ only in case, which the "
        "duckdb engine does not tell apart\n"
        "    hint: rename one of them to run the pipeline here; RisingWave tells them apart",
    ]
    renamed = MaterializedView("mv2", Table("t2", {"id": "int"}).select("id", ID=col("id")))
    with DuckDBEngine() as engine, pytest.raises(CompileError) as info:
        run(resolve(Pipeline("q", objects=[renamed])), engine)
    assert [d.obj for d in info.value.diagnostics] == ["mv2"]


def where(obj: Table | MaterializedView) -> str:
    return obj.location.display()
