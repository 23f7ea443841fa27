"""Retention analysis at national scale.

Generates a national synthetic set in memory (150 councils, 5 census years by default, about
35,000 workers; generation is not timed), then times the whole retention analysis on it:

1. service episodes (``caseload.retention.episodes``);
2. Kaplan-Meier survival (lifelines) for all own social work staff, by entry route and by
   starting cohort, with delayed entry from the first recorded leaving;
3. the leaving hazard by length of service for the last 12 months and 3 years;
4. leavers by reason and by destination for the last 3 census years;

and, as the baseline, the same survival estimates worked out by a product-limit loop in plain
Python over one dict per episode. It checks that both give the same estimates at 1, 2, 3 and 5
years and prints both times (best of ``--repeat``), the ratio and the process's peak memory.
Target: the whole analysis under 10 s on a 2-core machine.

    .venv/bin/python benchmarks/retention.py [--authorities 150] [--years 5] [--seed 1]
        [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from bisect import bisect_left, bisect_right
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import polars as pl

from caseload.retention.episodes import service_episodes
from caseload.retention.flows import leavers_by_destination, leavers_by_reason, team_services
from caseload.retention.hazard import leaving_hazard
from caseload.retention.survival import (
    DAYS_A_MONTH,
    MILESTONE_YEARS,
    Grouping,
    records_start,
    survival,
)
from caseload.services.generation import council_seeds, simulation_start
from caseload.synthetic import SyntheticCouncil, generate_council, national_specs

ID_STRIDE = 10_000_000  # keeps ids of different councils apart


def national_frames(
    councils: list[SyntheticCouncil],
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Spells, workers and teams for many councils, ids and team names made unique."""
    spells, workers, teams = [], [], []
    for index, council in enumerate(councils):
        shift = index * ID_STRIDE
        code = council.spec.code
        named = council.teams.select(
            (pl.col("id") + shift).alias("team_id"),
            (pl.lit(code + " ") + pl.col("name")).alias("team"),
            "kind",
            "external_id",
            (pl.col("parent_id") + shift).alias("parent_id"),
        )
        parents = named.select(pl.col("team_id").alias("parent_id"), pl.col("team").alias("parent"))
        teams.append(named.join(parents, on="parent_id", how="left"))
        spells.append(
            council.employment_spells.join(
                named.select("team_id", "team"),
                left_on=pl.col("team_id") + shift,
                right_on="team_id",
                how="left",
            ).select(
                pl.lit(code).alias("LEA"),
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
                "qualification_date",
                "qualification_institution",
                "qualification_level",
                "step_up",
                "frontline",
            )
        )
    return pl.concat(spells), pl.concat(workers), pl.concat(teams)


def analysis(
    spells: pl.DataFrame, workers: pl.DataFrame, teams: pl.DataFrame, as_at: date, years: list[int]
) -> dict[str, Any]:
    """The whole retention analysis for the national set on ``as_at``."""
    episodes = service_episodes(spells, workers, team_services(teams), as_at)
    begins = records_start(episodes)
    cohorts = (years[-1] - 9, years[-1])
    found: dict[str, Any] = {"episodes": episodes, "records_start": begins}
    started = time.perf_counter()
    for grouping in (Grouping.COUNCIL, Grouping.ROUTE, Grouping.COHORT):
        found[grouping.value] = survival(episodes, grouping, cohorts=cohorts, observed_from=begins)
    found["survival_seconds"] = time.perf_counter() - started
    found["hazard"] = [
        leaving_hazard(episodes, as_at - timedelta(days=days - 1), as_at) for days in (365, 1096)
    ]
    found["reasons"] = leavers_by_reason(spells, workers, years[-3:])
    found["destinations"] = leavers_by_destination(spells, workers, years[-3:])
    return found


def product_limit_by_loop(
    episodes: pl.DataFrame, column: str | None, cohorts: tuple[int, int], observed_from: date
) -> dict[str, dict[int, float | None]]:
    """The baseline: survival at each milestone by a product-limit loop over one dict per
    episode (delayed entry as the analysis has it; the risk set counted by bisection in sorted
    lists), for the groups the analysis draws."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in episodes.to_dicts():
        if not cohorts[0] <= row["cohort"] <= cohorts[1]:
            continue
        name = "All own social work staff" if column is None else str(row[column])
        late = max((observed_from - row["started"]).days, 0)
        groups[name].append(
            {"end": row["days"] / DAYS_A_MONTH, "entry": late / DAYS_A_MONTH, "left": row["left"]}
        )
    estimates: dict[str, dict[int, float | None]] = {}
    for name, rows in groups.items():
        if sum(1 for row in rows if row["entry"] == 0) < 10:
            continue
        entries = sorted(row["entry"] for row in rows)
        ends = sorted(row["end"] for row in rows)
        leaving: dict[float, int] = defaultdict(int)
        for row in rows:
            if row["left"]:
                leaving[row["end"]] += 1
        level, curve = 1.0, []
        for moment in sorted(leaving):
            at_risk = bisect_left(entries, moment) - bisect_left(ends, moment)
            level *= 1 - leaving[moment] / at_risk
            curve.append((moment, level))
        covered = ends[-1]  # followed without a gap from 0 up to the first moment nobody is
        for point in sorted({0.0, *entries, *ends}):
            if bisect_right(entries, point) - bisect_right(ends, point) <= 0:
                covered = point
                break
        estimates[name] = {}
        for years in MILESTONE_YEARS:
            at = years * 12.0
            value = 1.0
            for moment, step in curve:
                if moment > at:
                    break
                value = step
            estimates[name][years] = value if at <= covered else None
    return estimates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authorities", type=int, default=150)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each; best counts")
    args = parser.parse_args()

    started = time.perf_counter()
    start = simulation_start(args.years)
    specs = national_specs(args.authorities, seed=args.seed)
    councils = [
        generate_council(spec, start=start, years=args.years, seed=seed)
        for spec, seed in zip(specs, council_seeds(args.seed, args.authorities), strict=True)
    ]
    spells, workers, teams = national_frames(councils)
    years = [start.year + 1 + offset for offset in range(args.years)]
    as_at = date(years[-1], 9, 30)
    print(
        f"national set: {args.authorities} councils, census years {years[0]}-{years[-1]}, "
        f"{spells.height:,} spells, {workers.height:,} workers "
        f"(generated in {time.perf_counter() - started:.1f} s, not timed below)"
    )

    analysis(spells, workers, teams, as_at, years[-1:])  # warm-up: imports and query plans
    times, survival_times, cpu_times = [], [], []
    for _ in range(args.repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = analysis(spells, workers, teams, as_at, years)
        times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu_started)
        survival_times.append(result["survival_seconds"])
    seconds, survival_seconds = min(times), min(survival_times)
    load = os.getloadavg()[0]
    episodes = result["episodes"]
    print(
        f"analysis: {seconds:8.2f} s for {episodes.height:,} service episodes "
        f"({int(episodes['left'].sum()):,} ended), survival by council, route and cohort, "
        f"hazard for two periods, leavers by reason and destination "
        f"(best of {args.repeat}; median {statistics.median(times):.2f} s); of which "
        f"survival (lifelines) {survival_seconds:.2f} s; processor time {min(cpu_times):.2f} s "
        f"(all threads), load average {load:.1f} (the machine's other work shows in wall time)"
    )

    cohorts = (years[-1] - 9, years[-1])
    begins = result["records_start"]
    baseline_times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        baseline = {
            grouping: product_limit_by_loop(episodes, grouping.column, cohorts, begins)
            for grouping in (Grouping.COUNCIL, Grouping.ROUTE, Grouping.COHORT)
        }
        baseline_times.append(time.perf_counter() - started)
    baseline_seconds = min(baseline_times)
    print(
        f"baseline: {baseline_seconds:8.2f} s for the survival part alone, by a product-limit "
        f"loop over Python dicts (best of {args.repeat}; median "
        f"{statistics.median(baseline_times):.2f} s)"
    )
    print(
        f"ratio:    {baseline_seconds / survival_seconds:8.1f} x (survival by lifelines against "
        "the loop)"
    )

    mismatches, compared = 0, 0
    for grouping, expected in baseline.items():
        for row in result[grouping.value].summary.iter_rows(named=True):
            if row["too_small"]:
                continue
            for years_on in MILESTONE_YEARS:
                mine, theirs = row[f"survival_{years_on}y"], expected[row["group"]][years_on]
                compared += 1
                same = (mine is None and theirs is None) or (
                    mine is not None and theirs is not None and abs(mine - theirs) < 1e-9
                )
                mismatches += 0 if same else 1
    council = result["council"].summary.row(0, named=True)
    print(
        f"check:    {compared} estimates compared, {mismatches} different; nationally "
        f"{100 * council['survival_2y']:.1f}% still with their council after 2 years, "
        f"{100 * council['survival_3y']:.1f}% after 3"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:,.0f} MiB; target: analysis under 10 s")
    if mismatches:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
