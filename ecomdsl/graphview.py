"""Print a pipeline's DAG: an indented text tree or a Mermaid flowchart."""

from __future__ import annotations

import json

from ecomdsl import graph as g
from ecomdsl.model import ir


def text_tree(p: ir.ResolvedPipeline) -> str:
    """Each object under the objects it reads; objects read by several appear under each."""
    dag = g.build((o.name for o in p.objects), p.edges)
    kinds = {o.name: o.kind for o in p.objects}
    lines = [f"pipeline {p.name}"]

    def visit(name: str, depth: int, path: tuple[str, ...]) -> None:
        lines.append(f"{'  ' * depth}{name} ({kinds[name]})")
        for child in sorted(dag.successors(name)):
            if child not in path:
                visit(child, depth + 1, (*path, child))

    for root in g.order(dag):
        if dag.in_degree(root) == 0:
            visit(root, 1, (root,))
    return "\n".join(lines) + "\n"


def mermaid(p: ir.ResolvedPipeline) -> str:
    """A Mermaid flowchart; node labels are JSON-quoted so any name is safe."""
    ids = {o.name: f"n{i}" for i, o in enumerate(p.objects)}
    shapes = {
        "table": ("[", "]"),
        "stream": ("[/", "/]"),
        "view": ("(", ")"),
        "materialized view": ("[[", "]]"),
    }
    lines = ["flowchart LR", f"  %% pipeline {p.name}"]
    for o in p.objects:
        left, right = shapes.get(o.kind, ("[", "]"))
        label = json.dumps(f"{o.name} ({o.kind})").replace("<", "#lt;").replace(">", "#gt;")
        lines.append(f"  {ids[o.name]}{left}{label}{right}")
    for a, b in p.edges:
        lines.append(f"  {ids[a]} --> {ids[b]}")
    return "\n".join(lines) + "\n"
