"""A relation's columns, ``rel.c.name`` and ``rel["name"]``, and why a relation is no list.

Indexing a relation by a column name gives Python's old sequence protocol a way in: without
an ``__iter__`` of its own, ``list(rel)``, ``x in rel`` and ``Pipeline(objects=rel)`` would
ask for ``rel[0]``, ``rel[1]``, ... forever, using memory until the process is killed. So a
relation and its ``.c`` refuse iteration at once, with what to write instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

from ecomdsl.dsl.arguments import describe, fail, refuse
from ecomdsl.dsl.expr import Column

if TYPE_CHECKING:
    from ecomdsl.dsl.relation import Relation


def column_of(relation: Relation, name: object) -> Column:
    """``relation[name]``: the column ``name`` of that relation."""
    if not isinstance(name, str):
        refuse("rel[...] takes a column name (str), as in rel['amount']", name)
    return Column(name, relation)


def not_a_list(relation: Relation, problem: str) -> NoReturn:
    """Refuse to use ``relation`` as a list (``problem`` says how it was tried)."""
    fail(
        f"{describe(relation)} {problem}: a relation is no list of its rows or columns "
        "(they are known only when the pipeline is compiled)",
        hint="rel.c.name or rel['name'] is one column; [rel] is a list of one relation",
    )


class Columns:
    """``rel.c.name`` / ``rel.c["name"]``: a column bound to one relation (useful in joins)."""

    __slots__ = ("_relation",)

    def __init__(self, relation: Relation) -> None:
        self._relation = relation

    def __getattr__(self, name: str) -> Column:
        if name.startswith("__"):
            raise AttributeError(name)
        return Column(name, self._relation)

    def __getitem__(self, name: str) -> Column:
        return column_of(self._relation, name)

    if not TYPE_CHECKING:  # hidden from type checkers, which then see no iteration at all

        def __iter__(self) -> NoReturn:
            not_a_list(self._relation, "is not iterable")
