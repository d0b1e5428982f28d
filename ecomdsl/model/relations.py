"""The inputs of every builder relation, and the pipeline objects a query reads.

One traversal answers every question about what a query reads: which objects a pipeline
needs (objects reached only through a query are created too), which objects a view depends
on (the edges of the dependency graph, so the creation order and the cycle check) and the
``reads`` of each resolved view (headers, the lint, deploys). `inputs` is an exhaustive match
over `RelationNode`, so a builder relation added without saying what it reads fails mypy,
not a user: a `Union` keeps its inputs in a tuple, and a walk that only looked at fields
holding one relation once missed them (a table read only through a union was never created,
views came out in the wrong order and cycles through a union went unseen).

The walk is iterative and visits each builder node once, so a query thousands of steps deep,
or one that reads a shared sub-query many times, costs its size and no recursion.
"""

from __future__ import annotations

from typing import assert_never

from ecomdsl.dsl import objects, relation

# every kind of builder relation (a pipeline object read by name, or a step on a relation);
# `inputs` and `QueryResolver.resolve` handle each, and mypy proves it (`assert_never`)
RelationNode = (
    objects.PipelineObject
    | relation.Filter
    | relation.Project
    | relation.Aggregation
    | relation.Join
    | relation.Hop
    | relation.Tumble
    | relation.Union
    | relation.ZScore
    | relation.Funnel
)

# the steps that read exactly one relation, ``input``: a chain of them resolves in a loop
SingleInput = (
    relation.Filter
    | relation.Project
    | relation.Aggregation
    | relation.Hop
    | relation.Tumble
    | relation.ZScore
    | relation.Funnel
)


def inputs(rel: RelationNode) -> tuple[object, ...]:
    """The relations ``rel`` reads, in the order its SQL reads them (none for an object).

    Typed ``object``: user code can put anything there; `reads` skips what is not a
    relation, and the resolver reports it.
    """
    match rel:
        case objects.PipelineObject():
            return ()
        case (
            relation.Filter()
            | relation.Project()
            | relation.Aggregation()
            | relation.Hop()
            | relation.Tumble()
            | relation.ZScore()
            | relation.Funnel()
        ):
            return (rel.input,)
        case relation.Join():
            return (rel.left, rel.right)
        case relation.Union():
            return tuple(rel.inputs)
        case _:
            assert_never(rel)


def reads(query: object) -> list[objects.PipelineObject]:
    """The pipeline objects ``query`` reads directly (not through other objects' queries),
    in reading order, each builder node once; ``query`` itself if it is an object."""
    found: list[objects.PipelineObject] = []
    seen: set[int] = set()
    stack = [query]
    while stack:
        node = stack.pop()
        if not isinstance(node, RelationNode) or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, objects.PipelineObject):
            found.append(node)
        else:
            stack.extend(reversed(inputs(node)))
    return found


def read_names(query: object) -> tuple[str, ...]:
    """The names of the objects ``query`` reads, sorted, each once (a view's ``reads``)."""
    return tuple(sorted({o.name for o in reads(query) if isinstance(o.name, str)}))
