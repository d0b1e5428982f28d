"""Probe-specific checks shared by the tables: words a good message never uses."""

from __future__ import annotations

from tests.bad_inputs.probe import Check, ProbeView


def never_says(*texts: str) -> Check:
    """A check that fails when the output contains any of ``texts``: wording that blames the
    wrong party, claims a file that exists is missing, or shows ecomdsl's internals."""

    def check(view: ProbeView) -> list[str]:
        return [f"the output says {text!r}" for text in texts if text in view.output]

    return check


# a data or preview problem said in ecomdsl's terms, not as DuckDB's rejected SQL
BLAMES_DUCKDB = never_says("rejected the lowered SQL")
# a builder's repr or an alias the user cannot write
INTERNALS = never_says("Column(name=", "t1_2")
