"""The dependency graph (`ecomdsl.graph`): deterministic order, levels, cycles.

Every answer is a sorted list, whatever order the nodes and edges came in, because the
creation order of generated/ and of a deploy is read from here.
"""

from __future__ import annotations

import itertools

from ecomdsl.graph import build as build_graph
from ecomdsl.graph import cycles, downstream, levels, order, upstream

# a -> c -> d, b -> c, a -> d, and e on its own
NODES = ["d", "b", "e", "a", "c"]
EDGES = [("c", "d"), ("a", "c"), ("b", "c"), ("a", "d")]


def test_build_sorts_nodes_and_edges_whatever_order_they_came_in() -> None:
    for nodes, edges in zip(
        itertools.permutations(NODES), itertools.cycle(itertools.permutations(EDGES))
    ):
        graph = build_graph(nodes, edges)
        assert list(graph.nodes) == ["a", "b", "c", "d", "e"]
        assert list(graph.edges) == [("a", "c"), ("a", "d"), ("b", "c"), ("c", "d")]


def test_build_adds_the_nodes_of_edges() -> None:
    graph = build_graph(["a"], [("a", "b")])
    assert list(graph.nodes) == ["a", "b"]


def test_order_puts_inputs_first_and_the_smallest_name_among_ties() -> None:
    assert order(build_graph(NODES, EDGES)) == ["a", "b", "c", "d", "e"]
    # z must wait for its input y; among the rest, names in order
    graph = build_graph(["z", "y", "m", "b"], [("y", "z"), ("z", "b")])
    assert order(graph) == ["m", "y", "z", "b"]


def test_order_is_the_same_for_every_input_order() -> None:
    orders = {
        tuple(order(build_graph(nodes, reversed(EDGES)))) for nodes in itertools.permutations(NODES)
    }
    assert orders == {("a", "b", "c", "d", "e")}


def test_upstream_and_downstream_are_transitive_and_sorted() -> None:
    graph = build_graph(NODES, EDGES)
    assert upstream(graph, "d") == ["a", "b", "c"]
    assert upstream(graph, "a") == []
    assert downstream(graph, "a") == ["c", "d"]
    assert downstream(graph, "b") == ["c", "d"]
    assert (upstream(graph, "e"), downstream(graph, "e")) == ([], [])


def test_levels() -> None:
    graph = build_graph(["a", "b", "c", "d"], [("a", "c"), ("b", "c"), ("c", "d"), ("a", "d")])
    assert levels(graph) == [["a", "b"], ["c"], ["d"]]


def test_levels_put_unconnected_objects_first_with_the_inputs() -> None:
    assert levels(build_graph(NODES, EDGES)) == [["a", "b", "e"], ["c"], ["d"]]


def test_no_cycles_in_a_dag() -> None:
    assert cycles(build_graph(NODES, EDGES)) == []


def test_cycles_give_the_full_path_from_the_smallest_name() -> None:
    # c -> a -> b -> c, found from wherever networkx starts: reported from a
    graph = build_graph(["c", "b", "a"], [("c", "a"), ("b", "c"), ("a", "b")])
    assert cycles(graph) == [["a", "b", "c"]]


def test_every_group_of_cycles_is_reported_sorted_including_self_reads() -> None:
    edges = [("y", "x"), ("x", "y"), ("m", "m"), ("q", "p"), ("p", "r"), ("r", "q"), ("p", "z")]
    graph = build_graph([], edges)
    assert cycles(graph) == [["m"], ["p", "r", "q"], ["x", "y"]]


def test_one_cycle_per_group_of_objects_that_read_each_other() -> None:
    # 12 objects all reading each other have billions of elementary cycles: one is reported,
    # the shortest through the smallest name
    names = [f"v{i:02d}" for i in range(12)]
    edges = [(a, b) for a in names for b in names if a != b]
    assert cycles(build_graph(names, edges)) == [["v00", "v01"]]


def test_the_shortest_cycle_through_the_smallest_name() -> None:
    edges = [("a", "b"), ("b", "c"), ("c", "d"), ("d", "a"), ("c", "a")]
    assert cycles(build_graph([], edges)) == [["a", "b", "c"]]
