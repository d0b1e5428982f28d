"""The dependency graph (`ecomdsl.graph`): deterministic order, levels, cycles."""

from __future__ import annotations

from ecomdsl.graph import build as build_graph
from ecomdsl.graph import levels


def test_levels() -> None:
    graph = build_graph(["a", "b", "c", "d"], [("a", "c"), ("b", "c"), ("c", "d"), ("a", "d")])
    assert levels(graph) == [["a", "b"], ["c"], ["d"]]
