"""New probes (not in the report), part 3: the environment, generated/ as a symlink, odd
configuration, command lines, and `run --data` inputs that are not plain files."""

from __future__ import annotations

from tests.bad_inputs.checks import never_says
from tests.bad_inputs.probe import Expect, Probe, ProbeView, Verdict
from tests.bad_inputs.sources import ORDERS_CSV, PIPE, mv, pq, q_file, shop
from tests.bad_inputs.steps import Fifo, Mkdir, Symlink, Unwritable

ACCEPT, EITHER, NEW = Expect.ACCEPT, Expect.EITHER, Verdict.NEW
RUN_DATA = ("run", "--data", "data")
SIMPLE = mv('s.select("id")')
UNICODE_ERROR = mv('s.select("café_nope")')


def names_rw999(view: ProbeView) -> list[str]:
    """A rule code that does not exist in the config is reported, accepted or not."""
    return [] if "RW999" in view.output else ["RW999 is not reported"]


def many_pipelines(n: int) -> dict[str, str | bytes]:
    return {
        f"pipelines/p{i}.py": q_file(
            'mv = MaterializedView("mv", s.select("id"))',
            f"pipeline = Pipeline('p{i}', objects=[mv])",
        )
        for i in range(n)
    }


PROBES: tuple[Probe, ...] = (
    Probe(
        "V01_home_unwritable",
        "HOME is not writable",
        NEW,
        SIMPLE,
        expect=ACCEPT,
        env={"HOME": "{root}/home"},
        steps=(Unwritable("home"),),
        origin="new",
        smoke=True,
    ),
    Probe(
        "V02_tmpdir_missing_compile",
        "TMPDIR names a folder that does not exist (compile)",
        NEW,
        SIMPLE,
        expect=ACCEPT,
        env={"TMPDIR": "{root}/nope"},
        origin="new",
    ),
    Probe(
        "V03_tmpdir_missing_run",
        "TMPDIR names a folder that does not exist (run --data)",
        NEW,
        shop(data__orders__csv=ORDERS_CSV),
        RUN_DATA,
        ACCEPT,
        names=("orders 1",),
        env={"TMPDIR": "{root}/nope"},
        origin="new",
    ),
    Probe(
        "V04_ascii_stdout",
        "PYTHONIOENCODING=ascii and an error naming 'café_nope'",
        NEW,
        UNICODE_ERROR,
        names=("caf",),
        at="mv = ",
        env={"PYTHONIOENCODING": "ascii"},
        origin="new",
    ),
    Probe(
        "V05_c_locale",
        "LC_ALL=C with unicode names",
        NEW,
        pq(
            't = Table("tëst", {"ünï": "int"})',
            'mv = MaterializedView("mv", t.select("ünï"))',
            PIPE,
        ),
        expect=ACCEPT,
        env={"LC_ALL": "C", "LANG": "C"},
        origin="new",
    ),
    Probe(
        "V06_warnings_are_errors",
        "PYTHONWARNINGS=error",
        NEW,
        SIMPLE,
        expect=ACCEPT,
        env={"PYTHONWARNINGS": "error"},
        origin="new",
    ),
    Probe(
        "V07_narrow_terminal",
        "COLUMNS=10 and a usage error",
        NEW,
        SIMPLE,
        ("compile", "--frobnicate"),
        Expect.USAGE,
        env={"COLUMNS": "10"},
        origin="new",
    ),
    Probe(
        "V08_generated_dangling_symlink",
        "generated -> a folder that does not exist",
        NEW,
        shop(),
        expect=EITHER,
        names=(("generated", "missing/target"),),
        steps=(Symlink("generated", "missing/target"),),
        origin="new",
    ),
    Probe(
        "V09_generated_symlink_outside",
        "generated -> a folder outside the project",
        NEW,
        shop(),
        expect=ACCEPT,
        steps=(Mkdir("elsewhere"), Symlink("generated", "elsewhere")),
        origin="new",
    ),
    Probe(
        "V10_generated_symlink_loop",
        "generated -> generated (a symlink loop)",
        NEW,
        shop(),
        names=("generated",),
        steps=(Symlink("generated", "generated"),),
        origin="new",
    ),
    Probe(
        "V11_pyproject_is_dir",
        "pyproject.toml is a folder",
        NEW,
        {**SIMPLE, "pyproject.toml/x": "x\n"},
        names=("pyproject.toml",),
        pyproject=False,
        origin="new",
        known="a folder named pyproject.toml is taken as the project root",
    ),
    Probe(
        "V12_tool_ecomdsl_not_table",
        "[tool] ecomdsl = 5 in pyproject.toml",
        NEW,
        {**SIMPLE, "pyproject.toml": "[tool]\necomdsl = 5\n"},
        names=("ecomdsl", "pyproject.toml"),
        origin="new",
    ),
    Probe(
        "V13_severity_value_int",
        "[tool.ecomdsl.lint.severity] RW102 = 5",
        NEW,
        {**SIMPLE, "pyproject.toml": "[tool.ecomdsl.lint.severity]\nRW102 = 5\n"},
        names=("RW102", "pyproject.toml"),
        origin="new",
    ),
    Probe(
        "V14_severity_unknown_rule",
        "[tool.ecomdsl.lint.severity] RW999 = 'off'",
        NEW,
        {**SIMPLE, "pyproject.toml": "[tool.ecomdsl.lint.severity]\nRW999 = 'off'\n"},
        expect=EITHER,
        names=("RW999",),
        check=names_rw999,
        origin="new",
    ),
    Probe(
        "V28_pyproject_not_utf8",
        "pyproject.toml with bytes that are not UTF-8",
        NEW,
        {**SIMPLE, "pyproject.toml": b"\xff\xfe[tool]\n"},
        names=("pyproject.toml",),
        origin="new",
    ),
    Probe(
        "V15_same_file_twice",
        "compile pipelines/p.py pipelines/p.py",
        NEW,
        SIMPLE,
        ("compile", "pipelines/p.py", "pipelines/p.py"),
        ACCEPT,
        origin="new",
    ),
    Probe(
        "V16_out_is_fifo",
        "compile --out fifo (a FIFO)",
        NEW,
        shop(),
        ("compile", "--out", "fifo"),
        names=("fifo",),
        steps=(Fifo("fifo"),),
        origin="new",
    ),
    Probe(
        "V17_csv_bom",
        "orders.csv starting with a UTF-8 BOM",
        NEW,
        shop(data__orders__csv="\ufeff" + ORDERS_CSV),
        RUN_DATA,
        ACCEPT,
        names=("orders 1",),
        origin="new",
    ),
    Probe(
        "V18_csv_crlf",
        "orders.csv with CRLF line ends",
        NEW,
        shop(data__orders__csv=ORDERS_CSV.replace("\n", "\r\n")),
        RUN_DATA,
        ACCEPT,
        names=("orders 1",),
        origin="new",
    ),
    Probe(
        "V19_csv_folder_of_parts",
        "data/orders/ holding two CSV parts",
        NEW,
        shop(
            data__orders__a__csv=ORDERS_CSV,
            data__orders__b__csv=ORDERS_CSV.replace("1,2,paid", "2,3,paid"),
        ),
        RUN_DATA,
        ACCEPT,
        names=("orders 2",),
        origin="new",
    ),
    Probe(
        "V20_csv_quoted_fields",
        "CSV fields with quoted commas, quotes and a newline",
        NEW,
        shop(
            data__orders__csv='order_id,amount,status,ts\n"a,""b""\nc",2,paid,2024-01-01 00:00:00\n'
        ),
        RUN_DATA,
        ACCEPT,
        names=("orders 1",),
        origin="new",
    ),
    Probe(
        "V21_csv_is_dev_zero",
        "data/orders.csv -> /dev/zero (endless input)",
        NEW,
        shop(),
        RUN_DATA,
        names=("orders.csv",),
        steps=(Mkdir("data"), Symlink("data/orders.csv", "/dev/zero")),
        check=never_says("no input files"),
        origin="new",
    ),
    Probe(
        "V22_csv_is_fifo",
        "data/orders.csv is a FIFO nobody writes",
        NEW,
        shop(),
        RUN_DATA,
        names=("orders.csv",),
        steps=(Fifo("data/orders.csv"),),
        check=never_says("no input files"),
        origin="new",
    ),
    Probe(
        "V23_csv_nul_in_value",
        "a NUL byte inside a CSV value",
        NEW,
        shop(data__orders__csv="order_id,amount,status,ts\na\x00b,2,paid,2024-01-01 00:00:00\n"),
        RUN_DATA,
        EITHER,
        names=("orders.csv",),
        origin="new",
    ),
    Probe(
        "V24_fifty_pipelines",
        "50 pipeline files",
        NEW,
        many_pipelines(50),
        expect=ACCEPT,
        origin="new",
    ),
    Probe(
        "V25_cache_and_notes_in_pipelines",
        "pipelines/ with __pycache__ junk and a README",
        NEW,
        {
            **shop(),
            "pipelines/__pycache__/shop.cpython-311.pyc": b"\x00junk",
            "pipelines/README.md": "notes\n",
            "pipelines/empty.py": "",
        },
        expect=ACCEPT,
        origin="new",
    ),
    Probe(
        "V26_explain_without_name",
        "ecomdsl explain (no name)",
        NEW,
        shop(),
        ("explain",),
        Expect.USAGE,
        origin="new",
    ),
    Probe(
        "V27_run_limit_zero",
        "run --limit 0",
        NEW,
        shop(),
        ("run", "--limit", "0"),
        ACCEPT,
        origin="new",
    ),
)
