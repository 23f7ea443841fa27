"""Census figures for all of England, from the database.

Uses a national synthetic set in a database (``--database-url``, or a SQLite file ``--sqlite``;
built with ``caseload generate``'s own code when the database holds no council yet, which is not
timed), then times what an analyst waits for:

1. **from the database**: every council's DfE indicators for each census year, as
   ``caseload census indicators --year Y`` computes them (one read of every council's tables and
   one derivation grouped by council), summed over the years; all the years at once, as
   ``--year FIRST --to-year LAST`` computes them; and the command itself from a new process for
   the latest year;
2. **today's per-council loop** (the baseline): the same figures one council at a time, as
   ``caseload census indicators --year Y --authority CODE`` for each council in turn (the latest
   year; ``--loop-councils`` limits it and scales the time up);
3. **the in-memory engine**: the derivation and indicators alone, for all years, on frames
   already in memory (read once beforehand, not timed);
4. **the other analyses for many councils**, each from a new process: every council's caseload
   and children waiting (``caseload caseloads --authority all``), and the scorecards of the first
   ``--scorecards`` councils (``caseload scorecard --authority CODE,...``), which go council by
   council (printed per council, to scale to a region or England).

Checks that the one-pass figures equal the per-council ones exactly, and prints the peak memory.
Target (issue 17): 150 councils x 5 years from the database under 5 s (goal 2 s).

    .venv/bin/python benchmarks/census_national.py --sqlite /tmp/national.db [--authorities 150]
        [--years 5] [--seed 1] [--loop-councils 20]
    .venv/bin/python benchmarks/census_national.py --database-url postgresql+psycopg://...
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal
from sqlalchemy import Engine, func, select

from caseload.census.derive import Window
from caseload.census.indicators import compute_indicators
from caseload.services.census import census_indicators, day_to_day, derive_census
from caseload.services.generation import LAST_CENSUS_YEAR, build_national
from caseload.storage import schema
from caseload.storage.columnar import columnar_reader
from caseload.storage.engine import make_engine, session_scope
from caseload.storage.models import Authority


def fresh(url: str) -> Engine:
    """A new engine: nothing cached from an earlier measurement."""
    return make_engine(url)


def ensure_built(url: str, authorities: int, years: int, seed: int) -> list[str]:
    engine = fresh(url)
    schema.upgrade(engine)
    with session_scope(engine) as session:
        held = session.scalar(select(func.count()).select_from(Authority)) or 0
    if held == 0:
        started = time.perf_counter()
        build_national(engine, authorities=authorities, years=years, seed=seed)
        print(f"built the national set in {time.perf_counter() - started:.0f} s (not timed below)")
    with session_scope(engine) as session:
        codes = list(session.scalars(select(Authority.code).order_by(Authority.code)))
    engine.dispose()
    return codes


def peak_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def run_command(url: str, arguments: list[str]) -> tuple[str, float]:
    """``caseload ARGUMENTS`` on the database from a new process: its output and seconds."""
    started = time.perf_counter()
    finished = subprocess.run(
        [sys.executable, "-c", "from caseload.cli.app import run; run()", *arguments],
        env=os.environ | {"CASELOAD_DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    assert finished.returncode == 0, finished.stderr
    return finished.stdout, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--database-url")
    where.add_argument("--sqlite", type=Path, help="SQLite file (built when new)")
    parser.add_argument("--authorities", type=int, default=150)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--loop-councils", type=int, default=0, help="0: every council")
    parser.add_argument("--scorecards", type=int, default=5, help="councils' scorecards to time")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{args.sqlite}"
    codes = ensure_built(url, args.authorities, args.years, args.seed)
    years = list(range(LAST_CENSUS_YEAR - args.years + 1, LAST_CENSUS_YEAR + 1))
    backend = make_engine(url).dialect.name
    print(f"{backend}: {len(codes)} councils, census years {years[0]}-{years[-1]}")

    # 1. From the database, as the command computes it, each year from a new engine (after one
    # warm-up year: the libraries' first use is in the command's time below, not here).
    census_indicators(fresh(url), census_year=years[0])
    one_pass: dict[int, pl.DataFrame] = {}
    per_year = []
    for year in years:
        engine = fresh(url)
        started = time.perf_counter()
        one_pass[year] = census_indicators(engine, census_year=year).frame
        per_year.append(time.perf_counter() - started)
        engine.dispose()
    total = sum(per_year)
    print(
        f"from the database: {total:6.2f} s for {len(codes)} councils x {len(years)} years "
        f"({', '.join(f'{seconds:.2f}' for seconds in per_year)} s a year); target under 5 s"
    )
    engine = fresh(url)
    started = time.perf_counter()
    every_year = census_indicators(engine, census_year=years[0], last_year=years[-1]).frame
    all_years = time.perf_counter() - started
    engine.dispose()
    assert_frame_equal(every_year, pl.concat(one_pass[year] for year in years).sort("LEA", "Year"))
    print(
        f"all years at once: {all_years:6.2f} s ('--year {years[0]} --to-year {years[-1]}': one "
        "read, one derivation; equal to the year-by-year figures); target under 5 s"
    )
    output, command_seconds = run_command(
        url, ["census", "indicators", "--year", str(years[-1]), "--format", "csv"]
    )
    print(
        f"the command:       {command_seconds:6.2f} s for 'caseload census indicators --year "
        f"{years[-1]}' from a new process ({output.count(chr(10)) - 1} councils)"
    )

    # 2. Today's per-council loop, the latest year.
    looped = codes[: args.loop_councils] if args.loop_councils else codes
    engine = fresh(url)
    started = time.perf_counter()
    alone = pl.concat(
        [
            census_indicators(engine, census_year=years[-1], authority_code=code).frame
            for code in looped
        ]
    )
    loop_seconds = time.perf_counter() - started
    engine.dispose()
    scaled = loop_seconds * len(codes) / len(looped) * len(years)
    print(
        f"per-council loop:  {loop_seconds:6.2f} s for {len(looped)} councils x 1 year; "
        f"{scaled:.0f} s scaled to {len(codes)} councils x {len(years)} years "
        f"({scaled / total:.0f} x the one pass)"
    )
    assert_frame_equal(one_pass[years[-1]].filter(pl.col("LEA").is_in(looped)), alone)
    print(f"agreement: the one pass equals the per-council figures for {len(looped)} councils")

    # 3. The in-memory engine on frames read beforehand.
    engine = fresh(url)
    with session_scope(engine) as session:
        ids = list(session.scalars(select(Authority.id)))
    with columnar_reader(engine) as reader:
        frames = day_to_day(reader, ids, [Window.census_year(year) for year in years])
    derive_census(frames, years[:1])  # warm-up: Polars' first query compiles its plans
    started = time.perf_counter()
    census = derive_census(frames, years)
    in_memory = compute_indicators(census.records, census.vacancies)
    engine_seconds = time.perf_counter() - started
    print(
        f"in-memory engine:  {engine_seconds:6.2f} s for {in_memory.height} council-years "
        "(frames already read)"
    )
    print(f"peak memory: {peak_mb():,} MB")

    # 4. The other analyses for many councils, from a new process each.
    scored = codes[: args.scorecards]
    analyses = [
        ("caseloads and children waiting", len(codes), ["caseloads", "--authority", "all"]),
        ("scorecards", len(scored), ["scorecard", "--authority", ",".join(scored)]),
    ]
    for label, councils, arguments in analyses:
        if not councils:
            continue
        _, seconds = run_command(url, [*arguments, "--format", "json"])
        print(
            f"{label}: {seconds:6.2f} s from a new process for {councils} councils "
            f"({seconds / councils:.2f} s a council)"
        )


if __name__ == "__main__":
    main()
