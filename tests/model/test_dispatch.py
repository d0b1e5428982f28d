"""The resolver's dispatch unions name every builder class.

mypy proves that the checker and the query resolver handle every member of ``ExprNode`` and
``RelationNode`` (a ``match`` ending in ``assert_never``); these tests prove the unions
themselves are complete, so a new builder class cannot be left out of them unnoticed.
"""

from __future__ import annotations

import inspect
import typing
from types import ModuleType

from ecomdsl.dsl import expr, objects, relation
from ecomdsl.model.relations import RelationNode
from ecomdsl.model.typecheck import ExprNode


def _builders(base: type, *modules: ModuleType) -> set[type]:
    """The classes deriving from ``base`` that the builder modules define."""
    return {
        cls
        for module in modules
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, base) and cls is not base and cls.__module__ == module.__name__
    }


def _covered(union: object, cls: type) -> bool:
    return any(issubclass(cls, member) for member in typing.get_args(union))


def test_every_expression_builder_is_dispatched() -> None:
    builders = _builders(expr.Expr, expr)
    assert len(builders) >= 17, builders  # the union is not checked against nothing
    assert {c.__name__ for c in builders if not _covered(ExprNode, c)} == set()


def test_every_relation_builder_is_dispatched() -> None:
    builders = _builders(relation.Relation, relation, objects)
    assert len(builders) >= 10, builders
    assert {c.__name__ for c in builders if not _covered(RelationNode, c)} == set()


def test_a_class_outside_the_union_is_reported() -> None:
    class Unhandled(expr.Expr):
        pass

    assert not _covered(ExprNode, Unhandled)
