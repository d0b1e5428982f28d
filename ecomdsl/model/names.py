"""Names and text that go into the SQL, checked before anything is written.

*Text.* RisingWave reads each statement as a C string of UTF-8: its pgwire layer decodes
the query with ``CStr::from_bytes_with_nul`` and ``to_str`` (``get_sql_from_bytes`` in
``src/utils/pgwire/src/pg_message.rs``), so a NUL byte (``\\x00``) inside a name, a string,
a comment or an option ends the statement early, and a lone surrogate (``'\\ud800'``) has
no UTF-8 bytes at all. PostgreSQL refuses both in text as well. Either is refused where it
is written, naming the object and the field.

*Length.* PostgreSQL keeps the first NAMEDATALEN - 1 = 63 bytes of an identifier and drops
the rest, so two long names that start alike become one ("relation already exists", "column
specified more than once") and a long name is not the name ecomdsl reports. RisingWave keeps
a name whole (its parser's ``Ident::real_value`` returns the written value, with no length
check: ``src/sqlparser/src/ast/mod.rs``), but the generated SQL must mean the same on both
(ecomdsl's tests replay it on PostgreSQL, and clients reading either catalog through the
PostgreSQL protocol expect names that fit). So a name is at most 63 bytes of UTF-8, counted
in bytes: 40 ``'é'`` are 80 bytes.

Names that differ only in case (``"Amount"`` and ``amount``) are two names to RisingWave and
PostgreSQL, and are left alone here; the DuckDB engine of ``ecomdsl run``, which cannot tell
them apart, refuses them there (`ecomdsl.engines`).
"""

from __future__ import annotations

import attrs

from ecomdsl.errors import Diagnostics, SourceLocation

MAX_NAME_BYTES = 63


@attrs.frozen
class Problem:
    """What is wrong with a name or a text: ``message`` completes a sentence about it
    (``column name 'a\\x00b' <message>``)."""

    message: str
    hint: str | None = None


def text_problem(text: str) -> Problem | None:
    """Why ``text`` cannot be written into SQL (a NUL byte or a lone surrogate), or None."""
    nul = text.find("\x00")
    if nul >= 0:
        return Problem(
            f"contains a NUL byte (\\x00) at position {nul}; RisingWave and PostgreSQL "
            "text cannot hold it",
            hint="remove the \\x00",
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        return Problem(
            f"contains a lone surrogate {text[err.start]!r} at position {err.start}, "
            "which UTF-8 cannot encode",
            hint="pass text that was decoded properly (a surrogate stands for half a character)",
        )
    return None


def name_problem(name: object) -> Problem | None:
    """Why ``name`` cannot name an object or a column in SQL, or None."""
    if not isinstance(name, str):
        return Problem(f"must be text (str), not {type(name).__name__}")
    if not name:
        return Problem("cannot be empty")
    problem = text_problem(name)
    if problem is not None:
        return problem
    size = len(name.encode("utf-8"))
    if size > MAX_NAME_BYTES:
        return Problem(
            f"is {size} bytes long; PostgreSQL keeps only the first {MAX_NAME_BYTES} bytes "
            "of a name, so two long names that start alike become one",
            hint=f"use a name of at most {MAX_NAME_BYTES} bytes",
        )
    return None


def label(name: object) -> str:
    """How messages name an object: its name, or its repr when the name cannot be printed
    as it is (a NUL byte or a lone surrogate would break the terminal or the output)."""
    if isinstance(name, str) and text_problem(name) is None:
        return name
    return repr(name)


def subject(what: str, name: object) -> str:
    """``column name 'x'`` (the name left out when it is empty)."""
    return f"{what} {name!r}" if name != "" else what


def fit(base: str, suffix: str) -> str:
    """``base + suffix``, ``base`` cut (at a character) so the whole is at most 63 bytes."""
    room = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    cut = base
    while len(cut.encode("utf-8")) > room:
        cut = cut[:-1]
    return cut + suffix


@attrs.define
class NameCheck:
    """Reports each bad name once per pipeline: a table column that is too long is reported
    by the table, not again by every view that passes it on."""

    bad: set[str] = attrs.Factory(set)  # repr() of the names reported

    def name(self, what: str, name: object, location: SourceLocation, report: Diagnostics) -> bool:
        """Report ``name`` (a ``what``: "column name") if it cannot be used; True if it can."""
        problem = name_problem(name)
        if problem is None:
            return True
        if repr(name) not in self.bad:
            self.bad.add(repr(name))
            report.error(f"{subject(what, name)} {problem.message}", location, hint=problem.hint)
        return False


def check_text(
    what: str, text: object, location: SourceLocation, report: Diagnostics
) -> str | None:
    """Report ``text`` (a ``what``: "doc") unless it is a str SQL can hold; the text or None."""
    if not isinstance(text, str):
        report.error(f"{what} must be text (str), not {type(text).__name__}", location)
        return None
    problem = text_problem(text)
    if problem is not None:
        report.error(f"{what} {problem.message}", location, hint=problem.hint)
        return None
    return text
