"""Census recompute at national scale.

Generates a national synthetic set in memory (150 councils, 5 census years by default; generation is
not timed), then times:

1. the columnar engine (``caseload.census``): derive every census record and council-level vacancy
   for every council and year, and compute all 22 indicators;
2. the row-by-row baseline (``rowwise_census.py``) doing the same derivation and indicators with
   Python loops over dicts;

checks that both give the same figures, and prints both times (best of ``--repeat`` runs each, with
the median), the ratio, the size of the input frames and the process's peak memory.
Target: engine under 5 s on a 2-core machine and at least 20 times faster than the baseline.

    .venv/bin/python benchmarks/census_national.py [--authorities 150] [--years 5] [--seed 1]
        [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

import polars as pl

from caseload.census.derive import (
    DayToDay,
    Window,
    council_vacancies,
    derive_records,
    derive_vacancies,
)
from caseload.census.indicators import compute_indicators
from caseload.services.generation import council_seeds, simulation_start
from caseload.synthetic import SyntheticCouncil, generate_council, national_specs

ID_STRIDE = 10_000_000  # keeps ids of different councils apart


def day_to_day(councils: list[SyntheticCouncil]) -> DayToDay:
    """The census inputs for many councils, with ids made unique across them."""
    spells, workers, allocations, absences, posts = [], [], [], [], []
    for index, council in enumerate(councils):
        shift = index * ID_STRIDE
        teams = council.teams.select(pl.col("id").alias("team_id"), pl.col("name").alias("team"))
        code = pl.lit(council.spec.code).alias("LEA")
        spells.append(
            council.employment_spells.join(teams, on="team_id", how="left").select(
                code,
                (pl.col("worker_id") + shift).alias("worker_id"),
                "contract",
                "role",
                "fte",
                "team",
                (pl.col("post_id") + shift).alias("post_id"),
                "start_date",
                "end_date",
                "end_reason",
                "start_origin",
                "reason_leave",
                "leaver_destination",
                "agency_contract_weeks",
            )
        )
        workers.append(
            council.workers.select(
                (pl.col("id") + shift).alias("worker_id"),
                "swe_number",
                "birth_date",
                "gender",
                "ethnicity",
                "qualification_institution",
                "qualification_level",
                "step_up",
                "frontline",
            )
        )
        allocations.append(
            council.allocations.filter(pl.col("role") == "allocated").select(
                (pl.col("worker_id") + shift).alias("worker_id"),
                "child_id",
                "start_date",
                "end_date",
            )
        )
        absences.append(
            council.absences.select(
                (pl.col("worker_id") + shift).alias("worker_id"),
                "start_date",
                "end_date",
                "reason",
                "working_days_lost",
            )
        )
        posts.append(
            council.posts.join(teams, on="team_id").select(
                code,
                (pl.col("id") + shift).alias("post_id"),
                "team",
                "role",
                "funded_fte",
                "start_date",
                "end_date",
            )
        )
    return DayToDay(
        pl.concat(spells),
        pl.concat(workers),
        pl.concat(allocations),
        pl.concat(absences),
        pl.concat(posts),
    )


def engine_run(data: DayToDay, years: list[int]) -> pl.DataFrame:
    windows = [Window.census_year(year) for year in years]
    records = derive_records(data, windows).drop("AsAt")
    vacancies = council_vacancies(derive_vacancies(data, windows))
    return compute_indicators(records, vacancies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authorities", type=int, default=150)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each; best counts")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    from rowwise_census import derive_rowwise, indicators_rowwise

    started = time.perf_counter()
    start = simulation_start(args.years)
    specs = national_specs(args.authorities, seed=args.seed)
    councils = [
        generate_council(spec, start=start, years=args.years, seed=seed)
        for spec, seed in zip(specs, council_seeds(args.seed, args.authorities), strict=True)
    ]
    data = day_to_day(councils)
    years = [start.year + 1 + offset for offset in range(args.years)]
    print(
        f"national set: {args.authorities} councils, census years {years[0]}-{years[-1]}, "
        f"{data.spells.height:,} spells, {data.workers.height:,} workers, "
        f"{data.allocations.height:,} allocations, {data.absences.height:,} absences "
        f"(generated in {time.perf_counter() - started:.1f} s, not timed below)"
    )

    frames_mib = sum(
        getattr(data, name).estimated_size("mb")
        for name in ("spells", "workers", "allocations", "absences", "posts")
    )
    print(f"input frames in memory: {frames_mib:,.0f} MiB")

    engine_run(data, years[:1])  # warm-up: Polars' first query compiles its plans
    engine_times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = engine_run(data, years)
        engine_times.append(time.perf_counter() - started)
    engine_seconds = min(engine_times)
    print(
        f"engine:   {engine_seconds:8.2f} s for {result.height} council-years "
        f"(best of {args.repeat}; median {statistics.median(engine_times):.2f} s)"
    )

    rows = {
        name: getattr(data, name).to_dicts()
        for name in ("spells", "workers", "allocations", "absences", "posts")
    }
    baseline_times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        records, vacancies = derive_rowwise(
            rows["spells"],
            rows["workers"],
            rows["allocations"],
            rows["absences"],
            rows["posts"],
            years,
        )
        baseline = indicators_rowwise(records, vacancies)
        baseline_times.append(time.perf_counter() - started)
    baseline_seconds = min(baseline_times)
    print(
        f"baseline: {baseline_seconds:8.2f} s row by row over Python dicts "
        f"(best of {args.repeat}; median {statistics.median(baseline_times):.2f} s)"
    )
    print(
        f"ratio:    {baseline_seconds / engine_seconds:8.1f} x faster "
        "(target: at least 20 x, engine under 5 s)"
    )

    mismatches = 0
    for row in result.iter_rows(named=True):
        expected = baseline[(row["LEA"], row["Year"])]
        for name, value in expected.items():
            got = row[name]
            if (value is None) != (got is None) or (value is not None and abs(value - got) > 1e-6):
                mismatches += 1
    print(f"agreement: {mismatches} differing figures between engine and baseline")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (whole process, including generation): {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
