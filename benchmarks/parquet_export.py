"""The analysts' Parquet export on the typical demo council (SQLite): every table, about 240,000
rows in 29 files.

1. ``export_parquet`` in process, without names (the analyst) and with names (the service
   leader), best of 3;
2. ``caseload export parquet`` from a new process, as a user runs it (imports included), best of
   3.

Baseline in the same run: ``caseload export pseudonymised`` (8 CSV files, about 87,000 rows,
read through its own per-table queries) in process, best of 3. Target (issue 17, "all of England
in seconds"): the demo council's export under 5 s.

    .venv/bin/python benchmarks/parquet_export.py [--seed 42] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TARGET = 5.0
CASELOAD = Path(sys.executable).with_name("caseload")


def _cpu() -> float:
    """Processor time of this process and its finished children (the machine is shared, so
    the wall clock alone says little about the code)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def best(runs: int, action: Callable[[int], object]) -> tuple[float, float]:
    """The best wall time of ``runs`` and the processor time of that run."""
    times = []
    for run in range(runs):
        start, cpu = time.perf_counter(), _cpu()
        action(run)
        times.append((time.perf_counter() - start, _cpu() - cpu))
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", type=Path, help="keep the demo database in this folder")
    args = parser.parse_args()

    from caseload.auth.roles import AccountRole
    from caseload.errors import InvalidInputError
    from caseload.services import accounts
    from caseload.services.audit import cli_actor
    from caseload.services.generation import build_demo
    from caseload.services.parquet_export import export_parquet
    from caseload.services.pseudonymised_export import export_pseudonymised
    from caseload.storage.engine import make_engine

    folder = args.keep or Path(tempfile.mkdtemp(prefix="parquet-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'demo.db'}"
    engine = make_engine(url)
    build_demo(engine, seed=args.seed, preset="typical", years=3)
    for name, role in (("analyst", AccountRole.ANALYST), ("leader", AccountRole.LEADER)):
        with contextlib.suppress(InvalidInputError):  # kept from an earlier run with --keep
            accounts.add_user(
                engine, cli_actor("bench"), username=name, display_name=name, role=role
            )
    out = folder / "out"

    def fresh(name: str) -> Path:
        target = out / name
        shutil.rmtree(target, ignore_errors=True)
        return target

    results: dict[str, tuple[float, float]] = {}
    last = None

    def pseudonymised(run: int) -> None:
        nonlocal last
        last = export_parquet(engine, out=fresh("pseudonymised"), exported_by="analyst")

    results["parquet, without names (analyst)"] = best(3, pseudonymised)
    assert last is not None
    rows, files = sum(last.rows.values()), len(last.rows)
    results["parquet, with names (leader)"] = best(
        3, lambda run: export_parquet(engine, out=fresh("named"), exported_by="leader")
    )
    env = {**os.environ, "CASELOAD_DATABASE_URL": url, "CASELOAD_USER": "analyst"}
    results["caseload export parquet (new process)"] = best(
        3,
        lambda run: subprocess.run(
            [str(CASELOAD), "export", "parquet", "--out", str(fresh("command"))],
            env=env,
            check=True,
            capture_output=True,
        ),
    )
    baseline = best(
        3,
        lambda run: export_pseudonymised(engine, out=fresh("csv"), exported_by="analyst"),
    )
    print(f"Typical demo council (seed {args.seed}): {rows:,} rows in {files} Parquet files")
    print(f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")
    print(
        f"baseline: export pseudonymised (CSV, 8 files) {baseline[0]:.2f} s "
        f"({baseline[1]:.2f} s CPU)"
    )
    missed = False
    for name, (seconds, cpu) in results.items():
        verdict = "met" if seconds < TARGET else "MISSED"
        missed |= seconds >= TARGET
        print(f"{name}: {seconds:.2f} s ({cpu:.2f} s CPU; target under {TARGET:.0f} s: {verdict})")
    if args.keep is None:
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
