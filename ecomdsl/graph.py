"""The pipeline's dependency graph: deterministic order, cycles with their full path.

Every answer is deterministic (sorted, or the smallest name first), and linear or close to it
in the size of the graph: a pipeline of thousands of objects, or one where every view reads
every other, still answers at once.
"""

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
    """One cycle per group of objects that read each other (a strongly connected component,
    or an object reading itself): the shortest one through the group's smallest name,
    starting there; sorted.

    One per group, not every elementary cycle: objects that all read each other have
    exponentially many cycles, and breaking one group is one fix.
    """
    found = []
    for component in nx.strongly_connected_components(graph):
        start = min(component)
        if len(component) > 1 or graph.has_edge(start, start):
            found.append(_shortest_cycle(graph, start, component))
    return sorted(found)


def _shortest_cycle(graph: Graph, start: str, within: set[str]) -> list[str]:
    """The shortest path from ``start`` back to itself inside ``within`` (breadth first,
    successors by name), without repeating ``start`` at the end."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for succ in sorted(graph.successors(node)):
                if succ == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return path[::-1]
                if succ in within and succ not in previous:
                    previous[succ] = node
                    following.append(succ)
        frontier = following
    raise ValueError(f"{start!r} is on no cycle")  # pragma: no cover - callers pass a cycle


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
