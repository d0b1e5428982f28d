"""The pipeline's dependency graph: deterministic order, cycles with their full path."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias

import networkx as nx

Graph: TypeAlias = "nx.DiGraph[str]"


def build(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> Graph:
    """A DiGraph with an edge upstream -> downstream for every read."""
    graph: Graph = nx.DiGraph()
    graph.add_nodes_from(sorted(nodes))
    graph.add_edges_from(sorted(edges))
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """Every elementary cycle, each rotated to start at its smallest name, sorted."""
    found = []
    for cycle in nx.simple_cycles(graph):
        i = cycle.index(min(cycle))
        found.append(cycle[i:] + cycle[:i])
    return sorted(found)


def order(graph: Graph) -> list[str]:
    """Topological order; among objects that could go next, the smallest name first."""
    return list(nx.lexicographical_topological_sort(graph, key=str))


def upstream(graph: Graph, name: str) -> list[str]:
    return sorted(nx.ancestors(graph, name))


def downstream(graph: Graph, name: str) -> list[str]:
    return sorted(nx.descendants(graph, name))


def levels(graph: Graph) -> list[list[str]]:
    """Topological generations: each level reads only earlier levels; names sorted."""
    return [sorted(level) for level in nx.topological_generations(graph)]
