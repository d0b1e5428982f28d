"""The pipeline files the probes are made of, as the report wrote them.

Every reproducer of the report starts with the same imports and a stream ``s``; the ``run``
and file-system probes use a two-object ``shop`` pipeline over a stream ``orders``. The
helpers here assemble those files, so each probe row shows only the lines that differ.
"""

from __future__ import annotations

HEAD = "from ecomdsl import *\nfrom decimal import Decimal\nimport datetime as dt\n\n"
S3 = (
    's = Stream("s", {"id": "varchar", "amount": "numeric", "ts": "timestamp"}, '
    'event_time="ts", watermark="1 minute")\n'
)
S4 = (
    's = Stream("s", {"id": "varchar", "amount": "numeric", "qty": "int", "ts": "timestamp"}, '
    'event_time="ts", watermark="1 minute")\n'
)
MV = 'mv = MaterializedView("mv", s.group_by("id").agg(n=count()))\n'
PIPE = "pipeline = Pipeline('p', objects=[mv])"
EVENTS = (
    'e = Stream("e", {"sid": "varchar", "has_a": "varchar", "step": "varchar", '
    '"ts": "timestamp"}, event_time="ts")'
)

SHOP = (
    HEAD + 'orders = Stream("orders", {"order_id": "varchar", "amount": "numeric", '
    '"status": "varchar", "ts": "timestamp"}, event_time="ts", watermark="2 minutes")\n'
    'revenue = MaterializedView("revenue_5m", Tumble(orders, "ts", "5 minutes")'
    '.where(col("status") == "paid").group_by("window_start", "window_end")'
    '.agg(n=count(), revenue=sum_(col("amount"))))\n'
    'pipeline = Pipeline("shop", objects=[orders, revenue])\n'
)

ORDERS_CSV = "order_id,amount,status,ts\n1,2,paid,2024-01-01 00:00:00\n"


def text(*lines: str) -> str:
    return "".join(line + "\n" for line in lines)


def a_file(*lines: str) -> str:
    """The A/B-series file: imports, ``s`` (no qty), ``mv`` grouped by id, then ``lines``."""
    return HEAD + S3 + MV + text(*lines)


def q_file(*lines: str) -> str:
    """The C..K-series file: imports, ``s`` with a qty column, then ``lines``."""
    return HEAD + S4 + text(*lines)


def pa(*lines: str) -> dict[str, str | bytes]:
    """``pipelines/p.py`` as `a_file`."""
    return {"pipelines/p.py": a_file(*lines)}


def pb(*lines: str) -> dict[str, str | bytes]:
    """``pipelines/p.py`` of the B series: imports, ``s`` (no qty), then ``lines``."""
    return {"pipelines/p.py": HEAD + S3 + text(*lines)}


def pq(*lines: str) -> dict[str, str | bytes]:
    """``pipelines/p.py`` as `q_file`."""
    return {"pipelines/p.py": q_file(*lines)}


def mv(query: str, *more: str) -> dict[str, str | bytes]:
    """``mv = MaterializedView("mv", <query>)`` over ``s`` as the pipeline's one object."""
    return pq(f'mv = MaterializedView("mv", {query})', *more, PIPE)


EXTENSIONS = ("csv", "md", "parquet", "sql", "toml")


def _path(key: str) -> str:
    """``data__orders__csv`` -> ``data/orders.csv``: ``__`` is a ``/``, or the dot of a known
    extension."""
    parts = key.split("__")
    if len(parts) > 1 and parts[-1] in EXTENSIONS:
        return "/".join(parts[:-1]) + "." + parts[-1]
    return "/".join(parts)


def shop(**extra: str | bytes) -> dict[str, str | bytes]:
    """The shop pipeline plus ``extra`` files, named by `_path` (``data__orders__csv=...``)."""
    files: dict[str, str | bytes] = {"pipelines/shop.py": SHOP}
    files.update({_path(k): v for k, v in extra.items()})
    return files


def line_of(source: str | bytes, needle: str, path: str = "pipelines/p.py") -> str:
    """``<path>:<line>`` of the first line of ``source`` containing ``needle``."""
    body = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
    for number, line in enumerate(body.splitlines(), start=1):
        if needle in line:
            return f"{path}:{number}"
    raise ValueError(f"{needle!r} not in {path}")
