"""Generating a national synthetic set into one database.

Simulates ``--authorities`` councils over ``--years`` census years (default 150 x 5, about 35,000
FTE) and writes them, council by council, into a fresh database (a temporary SQLite file, or
``--database-url``). Prints the simulation and write times, rows written and rows per second, and
compares the bulk writer with a baseline that inserts the first council one row per INSERT.

    .venv/bin/python benchmarks/national_generation.py [--authorities 150] [--years 5] [--seed 1]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, text

from caseload.services.generation import council_seeds, simulation_start
from caseload.storage import bulk, schema
from caseload.storage.engine import make_engine
from caseload.synthetic import generate_council, national_specs


def fresh_engine(url: str | None, folder: Path) -> tuple[Engine, str | None]:
    if url is None:
        return make_engine(f"sqlite:///{folder / 'national.db'}"), None
    name = f"bench_{uuid.uuid4().hex[:8]}"
    with make_engine(url).begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    return make_engine(url, schema=name), name


def per_row_insert_rate(engine: Engine, frames: dict[str, pl.DataFrame]) -> tuple[int, float]:
    """Baseline: one council's rows, one INSERT statement per row (rolled back afterwards)."""
    rows = 0
    with engine.connect() as connection, connection.begin() as transaction:
        authority_id = bulk.insert_authority(
            connection, code="BAS", name="Baseline", region=None, data_as_at=None
        )
        started = time.perf_counter()
        for name, frame in bulk.keyed_frames(connection, authority_id, frames).items():
            table = bulk.table_of(name)
            for row in frame.iter_rows(named=True):
                connection.execute(table.insert(), row)
                rows += 1
        seconds = time.perf_counter() - started
        transaction.rollback()
    return rows, rows / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authorities", type=int, default=150)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        engine, pg_schema = fresh_engine(args.database_url, Path(folder))
        schema.upgrade(engine)
        start = simulation_start(args.years)
        specs = national_specs(args.authorities, seed=args.seed)
        simulate = write = 0.0
        rows = 0
        fte = 0.0
        for spec, seed in zip(specs, council_seeds(args.seed, args.authorities), strict=True):
            t0 = time.perf_counter()
            council = generate_council(spec, start=start, years=args.years, seed=seed)
            t1 = time.perf_counter()
            with engine.begin() as connection:
                authority_id = bulk.insert_authority(
                    connection,
                    code=spec.code,
                    name=spec.name,
                    region=spec.region,
                    data_as_at=council.end,
                )
                written = bulk.write_frames(connection, authority_id, council.frames())
            write += time.perf_counter() - t1
            simulate += t1 - t0
            rows += sum(written.values())
            fte += spec.size_fte
        first = generate_council(specs[0], start=start, years=args.years, seed=args.seed)
        baseline_rows, baseline_rate = per_row_insert_rate(engine, first.frames())
        total = simulate + write
        print(
            f"national set: {args.authorities} councils (establishment {fte:,.0f} FTE), "
            f"{args.years} census years, {rows:,} rows on {engine.dialect.name}"
        )
        print(f"simulate: {simulate:8.1f} s")
        print(f"write:    {write:8.1f} s ({rows / write:,.0f} rows/s, bulk insert per table)")
        print(f"total:    {total:8.1f} s")
        print(
            f"baseline: {baseline_rate:,.0f} rows/s inserting one council ({baseline_rows:,} rows) "
            f"one INSERT per row; bulk writer {rows / write / baseline_rate:.1f} x faster"
        )
        if pg_schema is not None:
            with make_engine(args.database_url or "").begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{pg_schema}" CASCADE'))
        engine.dispose()


if __name__ == "__main__":
    main()
