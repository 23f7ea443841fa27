"""Import at scale: an HR extract of 10,000 rows and an SSD set of 50,000 involvements, loaded into
an empty database on SQLite and on PostgreSQL, against a plain INSERT-per-row baseline in the
same run.

The extracts are a synthetic council's (``caseload.synthetic.extracts``) copied until they reach
the sizes (each copy's staff numbers, SWE numbers, posts, children and SSD ids made distinct).
The baseline inserts raw involvement rows one statement at a time into a scratch table, with no
checking at all: what it costs merely to put rows in the database one by one.

    .venv/bin/python benchmarks/import_scale.py [--postgres URL] [--hr-rows N] [--involvements N]

PostgreSQL runs when --postgres or CASELOAD_TEST_DATABASE_URL gives a URL (a throwaway schema is
created and dropped). Exits 1 if either backend takes 30 seconds or more for the two loads.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
from sqlalchemy import Column, Engine, MetaData, Table, Text, text

from caseload.importers.ssd import SsdOptions
from caseload.services.generation import simulation_start
from caseload.services.imports import AuthorityChoice, import_hr, import_ssd, read_ssd
from caseload.storage import schema
from caseload.storage.engine import make_engine
from caseload.synthetic import CouncilSpec, generate_council
from caseload.synthetic.extracts import CO_WORKER_ROLE, hr_extract, ssd_tables

LIMIT_SECONDS = 30.0
BASELINE_ROWS = 10_000
SPEC = CouncilSpec(
    code="950", name="Benchmark Council", region="London", size_fte=400.0, preset="typical"
)
SSD_IDS = ("_id", "_no")
SHARED = ("ssd_department",)  # teams are the same in every copy


def _copies(frame: pl.DataFrame, count: int, columns: list[str], swe: list[str]) -> pl.DataFrame:
    parts = []
    for copy in range(count):
        suffix = f"-{copy}"
        parts.append(
            frame.with_columns(
                *[pl.col(c) + pl.lit(suffix) for c in columns],
                *[pl.col(c) + pl.lit(f"{copy:03d}") for c in swe],
            )
        )
    return pl.concat(parts)


def build_extracts(folder: Path, hr_rows: int, involvements: int) -> tuple[Path, Path, date]:
    council = generate_council(SPEC, start=simulation_start(3), years=3, seed=1)
    hr = hr_extract(council)
    copies = -(-hr_rows // hr.height)
    big_hr = _copies(hr, copies, ["Staff Number", "Post Number"], ["SWE Number"]).head(hr_rows)
    hr_path = folder / "hr.csv"
    big_hr.write_csv(hr_path)
    ssd = ssd_tables(council)
    copies = -(-involvements // ssd["ssd_involvements"].height)
    ssd_folder = folder / "ssd"
    ssd_folder.mkdir()
    for name, frame in ssd.items():
        if name in SHARED:
            frame.write_csv(ssd_folder / f"{name}.csv")
            continue
        ids = [
            c
            for c in frame.columns
            if c.endswith(SSD_IDS) and c != "prof_social_worker_registration_no"
        ]
        swe = [c for c in frame.columns if c == "prof_social_worker_registration_no"]
        big = _copies(frame, copies, ids, swe)
        if name == "ssd_involvements":
            big = big.head(involvements)
        big.write_csv(ssd_folder / f"{name}.csv")
    # Staff numbers in the SSD must match the HR copies: prof_staff_id got the same suffix.
    return hr_path, ssd_folder, council.end


@dataclass
class Timing:
    backend: str
    hr_rows: int
    hr_seconds: float
    ssd_rows: int
    involvements: int
    ssd_seconds: float
    baseline_rows_per_second: float

    @property
    def total(self) -> float:
        return self.hr_seconds + self.ssd_seconds


def baseline(engine: Engine, involvements: Path) -> float:
    """Rows per second inserting raw involvement rows one INSERT statement at a time."""
    frame = pl.read_csv(involvements, infer_schema=False).head(BASELINE_ROWS)
    metadata = MetaData()
    scratch = Table(
        f"bench_rows_{uuid.uuid4().hex[:8]}", metadata, *[Column(c, Text) for c in frame.columns]
    )
    metadata.create_all(engine)
    try:
        rows = frame.to_dicts()
        started = time.perf_counter()
        with engine.begin() as connection:
            for row in rows:
                connection.execute(scratch.insert().values(**row))
        elapsed = time.perf_counter() - started
    finally:
        metadata.drop_all(engine)
    return len(rows) / elapsed


def run(backend: str, engine: Engine, hr: Path, ssd: Path, as_at: date) -> Timing:
    schema.upgrade(engine)
    started = time.perf_counter()
    hr_result = import_hr(
        engine,
        path=hr,
        mapping="generic",
        as_at=as_at,
        loaded_by="benchmark",
        authority=AuthorityChoice(SPEC.code, SPEC.name, SPEC.region),
    )
    hr_seconds = time.perf_counter() - started
    started = time.perf_counter()
    source = read_ssd(folder=ssd)
    import_ssd(
        engine,
        source=source,
        as_at=as_at,
        loaded_by="benchmark",
        options=SsdOptions((CO_WORKER_ROLE,)),
    )
    ssd_seconds = time.perf_counter() - started
    involvements = source.tables["ssd_involvements"].height
    return Timing(
        backend,
        hr_result.rows,
        hr_seconds,
        source.rows,
        involvements,
        ssd_seconds,
        baseline(engine, ssd / "ssd_involvements.csv"),
    )


def postgres_engine(url: str) -> tuple[Engine, Engine, str]:
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    return make_engine(url, schema=name), admin, name


def report(timings: list[Timing]) -> bool:
    print(
        f"{'backend':<11}{'HR rows':>9}{'HR s':>7}{'HR rows/s':>11}{'SSD rows':>10}"
        f"{'invo':>8}{'SSD s':>7}{'SSD rows/s':>12}{'total s':>9}"
        f"{'INSERT/row rows/s':>19}{'speed-up':>10}"
    )
    ok = True
    for t in timings:
        hr_rate = t.hr_rows / t.hr_seconds
        ssd_rate = t.ssd_rows / t.ssd_seconds
        overall = (t.hr_rows + t.ssd_rows) / t.total
        print(
            f"{t.backend:<11}{t.hr_rows:>9,}{t.hr_seconds:>7.1f}{hr_rate:>11,.0f}{t.ssd_rows:>10,}"
            f"{t.involvements:>8,}{t.ssd_seconds:>7.1f}{ssd_rate:>12,.0f}{t.total:>9.1f}"
            f"{t.baseline_rows_per_second:>19,.0f}{overall / t.baseline_rows_per_second:>9.1f}x"
        )
        ok &= t.total < LIMIT_SECONDS
    print(f"Both loads under {LIMIT_SECONDS:.0f} s on every backend: {'yes' if ok else 'NO'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("CASELOAD_TEST_DATABASE_URL"))
    parser.add_argument("--hr-rows", type=int, default=10_000)
    parser.add_argument("--involvements", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        hr, ssd, as_at = build_extracts(folder, args.hr_rows, args.involvements)
        timings = []
        sqlite = make_engine(f"sqlite:///{folder / 'bench.db'}")
        timings.append(run("sqlite", sqlite, hr, ssd, as_at))
        sqlite.dispose()
        if args.postgres:
            engine, admin, name = postgres_engine(args.postgres)
            try:
                timings.append(run("postgresql", engine, hr, ssd, as_at))
            finally:
                engine.dispose()
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
                admin.dispose()
        else:
            print("PostgreSQL skipped: pass --postgres URL or set CASELOAD_TEST_DATABASE_URL")
    return 0 if report(timings) else 1


if __name__ == "__main__":
    sys.exit(main())
