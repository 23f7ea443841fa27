"""Allocation optimiser at scale, against the greedy baseline.

Synthetic allocation problems (``caseload.allocation.instances``: teams of about eight with ASYEs,
advanced practitioners, part-timers, existing loads, a few absent or leaving; children waiting with
sibling groups, child protection and proceedings cases, previous workers; a third routed to any
team of a service area) from a small team (8 workers, 20 children) to a large council (600
workers, 2,000 children). For each it prints the time to the optimiser's answer, whether every
goal was proven optimal or the gap, and, on the same instance, the optimiser against two greedy
baselines (least-loaded eligible worker first, child by child; and keeping sibling groups whole):
children allocated, caps broken, highest utilisation, sibling groups split, children kept with a
worker they know. With ``--council`` it also times ``caseload allocate`` end to end on a generated
council (database read, position, plan).

Target: the large instance answered in under 10 seconds with a gap under 1%, never worse than
greedy on any measure. Each stage prints two gaps: the project's own (bound minus value, relative
to the part of the value the allocation can change: strict for the balancing penalties) and the
solver's relative gap (bound minus value, relative to the value, as CP-SAT reports it).

    .venv/bin/python benchmarks/allocation.py [--seed 1] [--time-limit 10] [--council]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from caseload.allocation.greedy import greedy
from caseload.allocation.instances import random_problem
from caseload.allocation.metrics import Measures, by_child, measure
from caseload.allocation.solver import SolveResult, solve

SIZES = ((8, 20), (40, 120), (150, 500), (600, 2000))


def row(name: str, m: Measures) -> str:
    return (
        f"  {name:<28} {m.allocated:>6} {m.urgent_allocated:>7} {m.cap_breaches:>5} "
        f"{m.highest_utilisation:>7.0f}% {m.siblings_split:>6} {m.continuity_kept:>6} "
        f"{m.experience_mismatch:>8}"
    )


def status(result: SolveResult) -> str:
    return result.summary()


def never_worse(ours: Measures, base: Measures) -> list[str]:
    worse = []
    if ours.allocated < base.allocated:
        worse.append("allocated")
    if ours.cap_breaches > base.cap_breaches:
        worse.append("cap breaches")
    if ours.highest_utilisation > base.highest_utilisation:
        worse.append("highest utilisation")
    if ours.siblings_split > base.siblings_split:
        worse.append("siblings split")
    if ours.continuity_kept < base.continuity_kept:
        worse.append("continuity")
    return worse


def bench_instance(workers: int, children: int, seed: int, time_limit: float) -> None:
    problem = random_problem(workers=workers, children=children, seed=seed)
    started = time.perf_counter()
    result = solve(problem, time_limit=time_limit)
    seconds = time.perf_counter() - started
    ours = measure(problem, by_child(problem, result.assignment))
    child_by_child = measure(problem, greedy(problem))
    whole_units = measure(problem, greedy(problem, keep_siblings=True))
    print(
        f"\n{workers} workers, {children} children ({len(problem.units)} units, "
        f"{result.groups} groups, {len(result.routed)} routed to a team): "
        f"{seconds:.2f} s, {status(result)}"
    )
    for stage in result.stages:
        print(
            f"    {stage.name:<24} {stage.status:<9} gap {100 * stage.gap:6.2f}% "
            f"(solver's relative gap {100 * stage.solver_gap:5.2f}%)  {stage.seconds:6.2f} s"
        )
    print(
        f"  {'':<28} {'placed':>6} {'urgent':>7} {'caps':>5} {'highest':>8} {'split':>6} "
        f"{'kept':>6} {'mismatch':>8}"
    )
    print(row("optimiser", ours))
    print(row("greedy, child by child", child_by_child))
    print(row("greedy, sibling groups kept", whole_units))
    for name, base in (("child by child", child_by_child), ("groups kept", whole_units)):
        worse = never_worse(ours, base)
        verdict = "never worse" if not worse else f"worse on {', '.join(worse)}"
        print(f"  against greedy ({name}): {verdict}")


def bench_council(seed: int, time_limit: float) -> None:
    from caseload.services.allocation import recommend
    from caseload.services.generation import build_council
    from caseload.storage import schema
    from caseload.storage.engine import make_engine
    from caseload.synthetic import CouncilSpec

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        schema.upgrade(engine)
        spec = CouncilSpec(
            code="801", name="Struggling (synthetic)", region="London", size_fte=600.0,
            preset="struggling",
        )  # fmt: skip
        build_council(engine, spec, years=2, seed=seed)
        started = time.perf_counter()
        run = recommend(engine, time_limit=time_limit)
        seconds = time.perf_counter() - started
        engine.dispose()
    plan = run.plan
    print(
        f"\ncaseload allocate on a generated struggling council (600 FTE, {plan.workers} workers, "
        f"{len(plan.recommendations) + len(plan.waiting)} children waiting): {seconds:.2f} s end "
        f"to end; {len(plan.recommendations)} recommended, {len(plan.waiting)} left waiting, "
        f"{status(plan.solve)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--council", action="store_true", help="also time a generated council")
    args = parser.parse_args()
    print(f"Allocation benchmark, seed {args.seed}, time limit {args.time_limit:g} s")
    for workers, children in SIZES:
        bench_instance(workers, children, args.seed, args.time_limit)
    if args.council:
        bench_council(args.seed, args.time_limit)


if __name__ == "__main__":
    main()
