"""``python -m tests.bad_inputs.report``: run every probe and count the outcomes per verdict.

For the issue note: for each verdict of the report (and the new probes), how many probes now
give a good error, how many are correctly accepted, and how many still fail, by what. With
``--list`` every probe gets a line (its status and first problem); ``--only`` runs the named
probes (ids or id prefixes). PostgreSQL: ``ECOMDSL_TEST_PG_DSN``, else a throwaway server as
the tests start one, else (``--no-postgres``, or no server binaries) the SQL is only read back.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

from tests.bad_inputs.catalog import ALL
from tests.bad_inputs.pool import ProbePool, workers
from tests.bad_inputs.probe import Probe, Verdict
from tests.bad_inputs.verify import problems, status


@contextlib.contextmanager
def postgres(wanted: bool) -> Iterator[str | None]:
    """A DSN for the SQL checks, or None."""
    from ecomdsl.testing.postgres import (
        PostgresUnavailable,
        TemporaryPostgres,
        postgres_dsn_from_env,
    )

    dsn = postgres_dsn_from_env() if wanted else None
    if dsn is not None or not wanted:
        yield dsn
        return
    server = TemporaryPostgres()
    try:
        server.start()
    except PostgresUnavailable as why:
        print(f"(no PostgreSQL: {str(why).strip().splitlines()[0]}; SQL only read back)")
        yield None
        return
    try:
        yield server.dsn
    finally:
        server.stop()


def chosen(only: Sequence[str]) -> list[Probe]:
    if not only:
        return list(ALL)
    return [p for p in ALL if any(p.id == o or p.id.startswith(o) for o in only)]


Outcome = tuple[str, str, float, str]  # status, first problem, seconds, last output


def outcomes(probes: list[Probe], dsn: str | None, count: int) -> dict[str, Outcome]:
    """probe id -> (status, first problem, seconds)."""
    found: dict[str, Outcome] = {}
    with tempfile.TemporaryDirectory(prefix="ecomdsl-probes-") as base:
        pool = ProbePool(Path(base), count)
        pool.submit(probes)
        try:
            for probe in probes:
                try:
                    result = pool.result(probe)
                    listed = [] if result.skipped else problems(result, dsn)
                except Exception as err:  # a bug of the harness: report it, run the rest
                    found[probe.id] = ("harness error", f"{type(err).__name__}: {err}", 0.0, "")
                    continue
                first = result.skipped or (str(listed[0]) if listed else "")
                seconds = max((a.seconds for a in result.attempts), default=0.0)
                output = result.attempts[-1].output if result.attempts else ""
                found[probe.id] = (status(result, listed), first, seconds, output)
        finally:
            pool.close()
    return found


def summary(probes: list[Probe], found: dict[str, Outcome]) -> str:
    """Per verdict: how many probes, and their statuses now."""
    by_verdict: dict[Verdict, Counter[str]] = defaultdict(Counter)
    for probe in probes:
        by_verdict[probe.verdict][found[probe.id][0]] += 1
    lines = []
    for verdict in Verdict:
        counts = by_verdict.get(verdict)
        if not counts:
            continue
        total = sum(counts.values())
        parts = ", ".join(f"{n} {what}" for what, n in sorted(counts.items(), key=_order))
        lines.append(f"{verdict.value} ({total}) -> {parts}")
    overall = Counter(outcome[0] for outcome in found.values())
    lines.append(
        "all ("
        + str(len(found))
        + ") -> "
        + ", ".join(f"{n} {what}" for what, n in sorted(overall.items(), key=_order))
    )
    return "\n".join(lines)


def by_series(probes: list[Probe], found: dict[str, Outcome]) -> str:
    """Per series (the id's letter: A loading, B arguments, ... N/V new): passing / all."""
    passing: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for probe in probes:
        series = probe.id[0]
        total[series] += 1
        passing[series] += found[probe.id][0] in ("good error", "correct acceptance")
    return "  ".join(f"{s}: {passing[s]}/{total[s]}" for s in sorted(total))


def _order(item: tuple[str, int]) -> tuple[int, str]:
    first = ("good error", "correct acceptance", "skipped")
    return (first.index(item[0]) if item[0] in first else len(first), item[0])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bad_inputs.report")
    parser.add_argument("--only", nargs="*", default=[], help="probe ids or id prefixes")
    parser.add_argument("--list", action="store_true", help="one line per probe")
    parser.add_argument("--output", action="store_true", help="with --list: each output")
    parser.add_argument("--workers", type=int, default=workers())
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    probes = chosen(args.only)
    with postgres(not args.no_postgres) as dsn:
        found = outcomes(probes, dsn, args.workers)
    if args.list:
        for probe in probes:
            state, first, seconds, output = found[probe.id]
            detail = f"  [{first}]" if first else ""
            print(f"{probe.id:40} {probe.verdict.name:4} {seconds:5.1f}s {state}{detail}")
            if args.output:
                print("    " + output[-2000:].replace("\n", "\n    "))
        print()
    print(summary(probes, found))
    print("passing per series:", by_series(probes, found))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
