"""The checks of builder arguments: a value of the wrong type or shape is refused at the call.

Builders check the shape of each argument (a name is a str, a flag is a bool, a list of names
is a list, a query is a relation), so that no value of the wrong kind reaches the compiler,
where it would surface as a traceback, as SQL with another meaning (``"no"`` is truthy,
``"view"`` is four letters) or as output that changes from run to run (a set has no order).
What an argument means (the column exists, the interval parses) needs the schemas and is
checked at compile time, where all the problems of a pipeline are reported together.

Every refusal is one `BuilderError` at the user's line that says what the parameter takes
and what it got: ``Table(primary_key=...) takes a column name or a list of names, not the
stream 's'``. Each builder module registers how its own classes are named in such a message
(`describe`) and which pipeline object an error is about (`subject`).
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NoReturn, TypeVar

import attrs

from ecomdsl.dsl.node import Node
from ecomdsl.errors import BuilderError
from ecomdsl.location import caller_location

T = TypeVar("T")

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

SET_HINT = "a set has no order, so the generated SQL would change from run to run: use a list"

_SHOWN = 40  # characters of a value's repr a message shows
_BITS_SHOWN = 128  # a larger int is described by its size
_SCALARS = (str, int, float, decimal.Decimal, dt.date, type(None))  # a repr without an address


@functools.singledispatch
def describe(value: object) -> str:
    """How a message names ``value`` where it does not fit: ``int 42``, ``the stream 's'``.

    A repr is shown only for plain values, whose repr is the same in every run (an arbitrary
    object's repr has its address, a set's is in hash order)."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int) and value.bit_length() > _BITS_SHOWN:
        return f"an int of {value.bit_length()} bits"  # too long to read (or even to print)
    if _plain(value):
        text = repr(value)
        text = text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."
        return f"{type(value).__name__} {text}"
    if isinstance(value, set | frozenset | list | tuple | dict):
        return f"a {type(value).__name__} of {len(value)}"
    return f"an object of type {type(value).__name__}"


def _plain(value: object, depth: int = 2) -> bool:
    """A scalar, or a list, tuple or dict of plain values (nested ``depth`` deep at most)."""
    if isinstance(value, int) and value.bit_length() > _BITS_SHOWN:
        return False
    if isinstance(value, _SCALARS):
        return True
    if depth == 0 or isinstance(value, set | frozenset):
        return False
    if isinstance(value, dict):
        value = [v for pair in value.items() for v in pair]
    return isinstance(value, list | tuple) and all(_plain(v, depth - 1) for v in value)


@describe.register(Node)
def _describe_node(value: Node) -> str:
    return f"a {type(value).__name__}"


@functools.singledispatch
def subject(node: Node) -> str | None:
    """The pipeline object an error about ``node`` is about (none for a query step)."""
    return None


def refuse(
    what: str, value: object, *, hint: str | None = None, at: Node | None = None
) -> NoReturn:
    """Raise the error for ``value`` given where ``what`` ("X(p=...) takes a name") applies.

    ``at`` is the builder whose field is checked: the error has its line and names its
    object. Without it (a converter, a method's argument) the error is at the caller's line,
    the first one outside ecomdsl, which is the line of the builder call too."""
    location = at.location if at is not None else caller_location()
    obj = subject(at) if at is not None else None
    raise BuilderError(f"{what}, not {describe(value)}", location, obj=obj, hint=hint)


def fail(message: str, *, hint: str | None = None) -> NoReturn:
    """Raise the error ``message`` about a call, at the caller's line (``where()`` with no
    predicate: there is no value to show)."""
    raise BuilderError(message, caller_location(), hint=hint)


def many(
    value: object, what: str, *, one: tuple[type, ...] = (str,), of_builders: bool = False
) -> tuple[object, ...]:
    """The items of an argument that takes one item or a list of them.

    A value of a type in ``one`` is a list of one, so ``"id"`` is ``("id",)``, never
    ``("i", "d")``; a str where ``one`` has no str is refused for the same reason. A set is
    refused (it has no order), and so are a builder (a list ``of_builders`` says to put it in
    a list), a dict and anything that is not iterable. Any other iterable gives its items in
    order."""
    if isinstance(value, one):
        return (value,)
    if isinstance(value, set | frozenset):
        refuse(what, value, hint=SET_HINT)
    if isinstance(value, Node):
        refuse(what, value, hint="put it in a list: [...]" if of_builders else None)
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        refuse(what, value)
    return tuple(value)


def each(
    items: tuple[object, ...], kind: type[T], what: str, *, hint: str | None = None
) -> tuple[T, ...]:
    """``items``, each of which must be a ``kind``."""
    checked: list[T] = []
    for item in items:
        if not isinstance(item, kind):
            refuse(what, item, hint=hint)
        checked.append(item)
    return tuple(checked)


def names(
    value: object, call: str, *, shape: str = "a column name or a list of names"
) -> tuple[str, ...]:
    """Column names given as one name or a list of them: the one conversion that every
    parameter taking names uses (``call`` is the parameter, e.g. ``"Table(primary_key=...)"``)."""
    what = f"{call} takes {shape}"
    return each(many(value, what), str, what)


def pairs(
    value: object, call: str, shape: str, *, key: str = "name"
) -> tuple[tuple[str, object], ...]:
    """A dict, or a list of (name, value) pairs, as pairs in order; each name is a str.

    ``shape`` says what ``call`` takes, e.g. "a dict of column name -> type"; ``key`` what
    a name is called in the error for one that is not a str."""
    what = f"{call} takes {shape}"
    items = tuple(value.items()) if isinstance(value, Mapping) else many(value, what, one=())
    checked: list[tuple[str, object]] = []
    for item in items:
        if not isinstance(item, tuple | list) or len(item) != 2:
            refuse(what, value)
        name, paired = item
        if not isinstance(name, str):
            refuse(f"{call}: a {key} is a str", name)
        checked.append((name, paired))
    return tuple(checked)


def takes(expected: str, test: Callable[[object], bool], hint: str | None = None) -> Validator:
    """An attrs validator: a value ``test`` rejects is refused, saying the parameter takes
    ``expected`` (``Stream(event_time=...) takes a column name (str), not int 5``)."""

    def validate(node: Node, attribute: attrs.Attribute[Any], value: object) -> None:
        if not test(value):
            call = f"{type(node).__name__}({attribute.alias}=...)"
            refuse(f"{call} takes {expected}", value, hint=hint, at=node)

    return validate


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _is_optional_str(value: object) -> bool:
    return value is None or isinstance(value, str)


def _is_bool(value: object) -> bool:
    return isinstance(value, bool)


NAME = takes("a name (str)", _is_str)
OPTIONAL_NAME = takes("a name (str) or None", _is_optional_str)
COLUMN = takes("a column name (str)", _is_str)
OPTIONAL_COLUMN = takes("a column name (str) or None", _is_optional_str)
TEXT = takes("text (str)", _is_str)
OPTIONAL_TEXT = takes("text (str) or None", _is_optional_str)
FLAG = takes("True or False", _is_bool)
