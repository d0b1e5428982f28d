"""When an identifier needs double quotes: the one quoting policy every statement follows.

RisingWave folds unquoted identifiers to lower case and reads its reserved words as syntax,
so a name is quoted exactly when it would not read back unchanged without quotes. Every
identifier ecomdsl writes is built by `identifier()`, so no name a user passes can change a
statement's structure.
"""

from __future__ import annotations

import functools
import re

import sqlglot
import sqlglot.errors
from sqlglot import exp

from ecomdsl.dialect.base import DIALECT
from ecomdsl.dialect.parser import EcomdslParser, EcomdslTokenizer

# PostgreSQL's reserved key words. sqlglot's Postgres and RisingWave generators ship an empty
# RESERVED_KEYWORDS, so a column named `order` would otherwise print bare.
RESERVED_KEYWORDS = frozenset(
    """
    all analyse analyze and any array as asc asymmetric authorization binary both case cast
    check collate collation column concurrently constraint create cross current_catalog
    current_date current_role current_schema current_time current_timestamp current_user
    default deferrable desc distinct do else emit end except false fetch for foreign freeze
    from full grant group having ilike in initially inner intersect into is isnull join
    lateral leading left like limit localtime localtimestamp natural not notnull null offset
    on only or order outer overlaps placing primary references returning right select
    session_user similar some symmetric system_user table tablesample then to trailing true
    union unique user using variadic verbose when where window with
""".split()  # noqa: SIM905
)

_PLAIN_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


def needs_quotes(name: str) -> bool:
    """True unless RisingWave reads ``name`` back unchanged without quotes.

    Unquoted identifiers are folded to lower case, so upper case, non-ASCII letters,
    punctuation, a leading digit and reserved words all need double quotes; so does any
    word the parser would read as syntax (``if``, ``filter``...), found by a probe parse.
    """
    return (
        not _PLAIN_IDENTIFIER.fullmatch(name)
        or name in RESERVED_KEYWORDS
        or (name.upper() in _syntax_words() and not _reads_back_unquoted(name))
    )


@functools.cache
def _syntax_words() -> frozenset[str]:
    """Every word sqlglot's tokenizer or parser treats specially; other plain lower-case
    words are ordinary VAR tokens and read back as identifiers, so only these are probed."""
    tables = (
        EcomdslTokenizer.KEYWORDS,
        EcomdslParser.FUNCTIONS,
        EcomdslParser.FUNCTION_PARSERS,
        EcomdslParser.NO_PAREN_FUNCTION_PARSERS,
        EcomdslParser.PROPERTY_PARSERS,
        EcomdslParser.CONSTRAINT_PARSERS,
    )
    return frozenset(k.upper() for table in tables for k in table if isinstance(k, str))


@functools.lru_cache(maxsize=4096)
def _reads_back_unquoted(name: str) -> bool:
    """Does ``name`` parse as the same identifier in every position ecomdsl writes one?"""
    template = (
        "SELECT {n}, {n}.{n}, a AS {n}, COUNT(*) FILTER (WHERE {n}) AS b "
        "FROM {n} AS {n} JOIN {n} ON {n} = {n}.{n} WHERE {n} = 1 AND NOT {n} GROUP BY {n}"
    )
    try:
        plain = sqlglot.parse_one(template.format(n=name), read=DIALECT)
        quoted = sqlglot.parse_one(template.format(n=f'"{name}"'), read=DIALECT)
    except sqlglot.errors.ParseError:
        return False

    def unquote(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Identifier):
            return exp.Identifier(this=node.this, quoted=False)
        return node

    return bool(plain.transform(unquote) == quoted.transform(unquote))


def identifier(name: str) -> exp.Identifier:
    """An identifier node that is quoted exactly when ``name`` needs it."""
    return exp.Identifier(this=name, quoted=needs_quotes(name))
