"""Measures of an allocation, the same for the optimiser and the greedy baseline: children
allocated (and the most urgent among them, and by priority class), the days waited by those
allocated, caps broken, the highest utilisation, the spread penalty, sibling groups split,
children kept with a worker they know, and the experience mismatch."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from caseload.allocation.eligibility import Eligibility
from caseload.allocation.kinds import WAIT_CAP_DAYS
from caseload.allocation.model import spread_of, utilisation_percent
from caseload.allocation.problem import Problem, Unit


@dataclass(frozen=True)
class Measures:
    allocated: int
    urgent_allocated: int
    cap_breaches: int
    highest_utilisation: float  # percent, among workers who could take any child
    siblings_split: int
    continuity_kept: int
    experience_mismatch: int
    by_priority: tuple[
        int, ...
    ] = ()  # children allocated in each priority class, most urgent first
    waiting_days: int = 0  # days waited by the children allocated, to a year each
    spread: int = 0  # the spread penalty over the workers who could take any child

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def by_child(problem: Problem, assignment: dict[str, int]) -> dict[int, int]:
    """Unit assignment -> child_id -> worker_id."""
    return {
        child.child_id: assignment[unit.key]
        for unit in problem.units
        if unit.key in assignment
        for child in unit.children
    }


def _split(unit: Unit, placed: dict[int, int]) -> bool:
    workers = {placed[c.child_id] for c in unit.children if c.child_id in placed}
    if unit.sibling_workers and workers - set(unit.sibling_workers):
        return True
    return len(workers) > 1


def measure(problem: Problem, placed: dict[int, int]) -> Measures:
    """Measure a child_id -> worker_id allocation of the problem."""
    eligibility = Eligibility(problem)
    added: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    kept = mismatch = urgent = waited = 0
    classes: dict[int, int] = defaultdict(int)
    for unit in problem.units:
        for child in unit.children:
            worker_id = placed.get(child.child_id)
            if worker_id is None:
                continue
            added[worker_id][0] += 1
            added[worker_id][1] += child.points
            kept += worker_id in child.known_workers
            mismatch += abs(child.complexity - problem.worker(worker_id).level)
            urgent += child.priority == 0
            waited += min(child.days_waiting, WAIT_CAP_DAYS)
            classes[child.priority] += 1
    breaches = sum(
        1
        for worker_id, (cases, points) in added.items()
        if cases > problem.worker(worker_id).room_cases
        or points > problem.worker(worker_id).room_points
    )
    eligible = {
        worker_id
        for pairs in eligibility.eligible_pairs(problem.units).values()
        for worker_id in pairs
    }
    highest = max(
        (
            utilisation_percent(
                problem.worker(w),
                problem.worker(w).cases + added[w][0],
                problem.worker(w).points + added[w][1],
            )
            for w in eligible
        ),
        default=0,
    )
    return Measures(
        allocated=len(placed),
        urgent_allocated=urgent,
        cap_breaches=breaches,
        highest_utilisation=float(highest),
        siblings_split=sum(
            1
            for unit in problem.units
            if (len(unit.children) > 1 or unit.sibling_workers) and _split(unit, placed)
        ),
        continuity_kept=kept,
        experience_mismatch=mismatch,
        by_priority=tuple(classes[rank] for rank in range(max(classes, default=-1) + 1)),
        waiting_days=waited,
        spread=sum(
            spread_of(
                problem.worker(w),
                problem.worker(w).cases + added[w][0],
                problem.worker(w).points + added[w][1],
            )
            for w in eligible
        ),
    )
