"""Resolve a `Pipeline` into a checked `ResolvedPipeline`, reporting every problem at once.

The `Resolver` collects the objects a pipeline names and the ones their queries read,
orders them by their reads, and checks each in that order, so a view is checked against the
schemas of what it reads. An object that failed, or sits on a cycle, gets an open schema:
what reads it is still checked, without a cascade of follow-on errors.
"""

from __future__ import annotations

import re
from collections import deque

import attrs

from ecomdsl import graph
from ecomdsl.dsl import objects, relation
from ecomdsl.errors import CompileError, Diagnostics, did_you_mean
from ecomdsl.model import ir
from ecomdsl.model.names import NameCheck, check_text, label, name_problem
from ecomdsl.model.query import MAX_STEPS, QueryResolver, QueryTooLarge
from ecomdsl.model.relations import read_names, reads
from ecomdsl.model.tables import table_def
from ecomdsl.model.testdata import generated_inserts
from ecomdsl.model.typecheck import Checker

PIPELINE_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def resolve(pipeline: objects.Pipeline, *, test_data: bool = True) -> ir.ResolvedPipeline:
    """Check ``pipeline`` and return its resolved model, or raise one `CompileError`.

    ``test_data=False`` skips generating and checking the test data (for runs on files).
    """
    if not isinstance(pipeline, objects.Pipeline):
        raise TypeError(f"expected a Pipeline, got {type(pipeline).__name__}")
    return Resolver(pipeline, test_data=test_data).run()


def _query_of(obj: objects.PipelineObject) -> object | None:
    return obj.query if isinstance(obj, objects.View | objects.MaterializedView) else None


class Resolver:
    """Resolves one pipeline; every problem goes to ``report`` and is raised together."""

    def __init__(self, pipeline: objects.Pipeline, *, test_data: bool = True) -> None:
        self.pipeline = pipeline
        self.with_test_data = test_data
        self.report = Diagnostics()
        self.names = NameCheck()  # each bad name reported once, wherever it is used

    def run(self) -> ir.ResolvedPipeline:
        p = self.pipeline
        if not isinstance(p.name, str) or not PIPELINE_NAME.fullmatch(p.name):
            self.report.error(
                f"pipeline name {p.name!r} must be lower-case letters, digits and '_' "
                "(it names the folder under generated/)",
                p.location,
            )
        by_name = self.collect()
        edges = self.dependencies(by_name)
        ordered, blocked = self.order(by_name, edges)
        defs = self.resolve_all(by_name, ordered, blocked)
        inserts = (
            generated_inserts(p, {d.name: d for d in defs}, self.report)
            if self.with_test_data
            else ()
        )
        if self.report:
            raise CompileError(self.report.found)
        return ir.ResolvedPipeline(p.name, tuple(defs), tuple(sorted(edges)), inserts, p.location)

    # ---- collection ----

    def collect(self) -> dict[str, objects.PipelineObject]:
        """The pipeline's objects and those their queries read, by name."""
        by_name: dict[str, objects.PipelineObject] = {}
        listed = list(self.pipeline.objects)
        for x in listed:
            if not isinstance(x, objects.PipelineObject) or isinstance(x, objects.Ref):
                self.report.about(label(self.pipeline.name)).error(
                    f"Pipeline(objects=...) takes Table, Stream, View and MaterializedView objects, "
                    f"not {type(x).__name__}",
                    self.pipeline.location,
                )
        queue = deque(
            x
            for x in listed
            if isinstance(x, objects.PipelineObject) and not isinstance(x, objects.Ref)
        )
        seen: set[int] = set()
        while queue:
            obj = queue.popleft()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if self.admit(obj, by_name):
                by_name[obj.name] = obj
                query = _query_of(obj)
                if query is not None:
                    queue.extend(x for x in reads(query) if not isinstance(x, objects.Ref))
        return by_name

    def admit(
        self, obj: objects.PipelineObject, by_name: dict[str, objects.PipelineObject]
    ) -> bool:
        """Whether ``obj`` joins the pipeline's objects: a name (str) no other object has. A
        name SQL cannot hold is reported, and the object still checked."""
        report = self.report.about(label(obj.name))
        if not isinstance(obj.name, str):
            report.error(
                f"object name must be text (str), not {type(obj.name).__name__}", obj.location
            )
            return False
        problem = name_problem(obj.name)
        if problem is not None:
            report.error(f"object name {problem.message}", obj.location, hint=problem.hint)
        first = by_name.get(obj.name)
        if first is not None and first is not obj:
            report.error(
                f"duplicate object name {obj.name!r}",
                obj.location,
                hint="give each object its own name",
                related=("first declared at", first.location),
            )
            return False
        return True

    def dependencies(self, by_name: dict[str, objects.PipelineObject]) -> set[tuple[str, str]]:
        """(read, reader) for every read of a known object; an unknown one is reported."""
        edges: set[tuple[str, str]] = set()
        for name, obj in sorted(by_name.items()):
            query = _query_of(obj)
            if query is None:
                continue
            for dep in reads(query):
                if dep.name not in by_name:
                    self.report.about(label(name)).error(
                        f"reads {dep.name!r}, which is not an object of pipeline "
                        f"{self.pipeline.name!r}",
                        dep.location,
                        hint=did_you_mean(dep.name, sorted(by_name)),
                    )
                    continue
                edges.add((dep.name, name))
        return edges

    def order(
        self, by_name: dict[str, objects.PipelineObject], edges: set[tuple[str, str]]
    ) -> tuple[list[str], set[str]]:
        """The objects to check in dependency order, and those blocked by a reported cycle
        (the cycle and everything downstream of it)."""
        dag = graph.build(by_name, edges)
        blocked: set[str] = set()
        for cycle in graph.cycles(dag):
            path = " -> ".join([*cycle, cycle[0]])
            self.report.about(label(cycle[0])).error(
                f"dependency cycle: {path} (x -> y: y reads x)",
                by_name[cycle[0]].location,
                hint="a materialized view cannot read itself, directly or through others",
            )
            blocked.update(cycle)
            for name in cycle:
                blocked.update(graph.downstream(dag, name))
        return graph.order(dag.subgraph(set(dag) - blocked)), blocked

    # ---- resolution ----

    def resolve_all(
        self, by_name: dict[str, objects.PipelineObject], ordered: list[str], blocked: set[str]
    ) -> list[ir.ObjectDef]:
        schemas: dict[str, ir.Schema] = {n: ir.OPEN_SCHEMA for n in blocked}
        defs: list[ir.ObjectDef] = []
        names = frozenset(by_name)
        for name in ordered:
            before = len(self.report)
            resolved = self.resolve(by_name[name], schemas, names)
            failed = len(self.report) > before
            schemas[name] = attrs.evolve(resolved.schema, open=True) if failed else resolved.schema
            defs.append(resolved)
        return defs

    def resolve(
        self,
        obj: objects.PipelineObject,
        schemas: dict[str, ir.Schema],
        names: frozenset[str],
    ) -> ir.ObjectDef:
        report = self.report.about(label(obj.name))
        if obj.doc is not None:  # it goes into the header comment of the object's statement
            check_text("doc", obj.doc, obj.location, report)
        if isinstance(obj, objects.Table | objects.Stream):
            return table_def(obj, report, self.names)
        assert isinstance(obj, objects.View | objects.MaterializedView)
        query, schema = self.query(obj, schemas, names)
        materialized = isinstance(obj, objects.MaterializedView)
        return ir.ViewDef(
            name=obj.name,
            materialized=materialized,
            query=query,
            schema=schema,
            reads=read_names(obj.query),
            emit_on_window_close=isinstance(obj, objects.MaterializedView)
            and bool(obj.emit_on_window_close),
            doc=obj.doc,
            location=obj.location,
            allow=obj.allow,
        )

    def query(
        self,
        view: objects.View | objects.MaterializedView,
        schemas: dict[str, ir.Schema],
        names: frozenset[str],
    ) -> tuple[ir.Query, ir.Schema]:
        """The checked query of ``view`` and its output, or a placeholder after reporting why
        there is none."""
        report = self.report.about(label(view.name))
        if not isinstance(view.query, relation.Relation):
            report.error(
                f"query must be a relation (a table, stream, view or a query built on one), "
                f"not {type(view.query).__name__}",
                view.location,
            )
        else:
            try:
                checker = Checker(report)
                resolver = QueryResolver(checker, schemas, names, view.location, self.names)
                return resolver.query(view.query)
            except RecursionError:  # chains and sums are loops; this is some other nesting
                report.error(
                    "the query nests too deeply to check (past Python's recursion limit)",
                    view.location,
                    hint="build it in steps: a View of an inner part, read by the next",
                )
            except QueryTooLarge:
                report.error(
                    f"the query expands to more than {MAX_STEPS:,} steps: a sub-query used in "
                    "several places is written out at each",
                    view.location,
                    hint="make a shared sub-query a View of its own and read that",
                )
        return ir.Query((), ir.Block(ir.ITable(view.name), ())), ir.OPEN_SCHEMA
