"""Overflow: a named worker for a child nobody eligible has room for.

In a real council a child is never left without a named worker or a named person who decided to
hold the risk. When every worker who may take a unit (rules 1-4 of
:mod:`caseload.allocation.eligibility` hold: available, not rejected, the siblings' worker, the
home team, ASYE protection) is full, the unit is proposed to the least overloaded of them: the
lowest utilisation once the unit is added (counting the recommendations and the overflow
proposals already made, most urgent and longest-waiting units first), then a worker who already
knows one of the children, then the closest match of experience to complexity, then the worker's
id. The proposal breaks only the caps, and says which and by how much, so the page can word it
and the service manager can agree to it (or a manager holds the child themselves).

A unit with no eligible worker at all gets no proposal: its reason says which rule stopped every
worker who might have taken it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from caseload.allocation.eligibility import Eligibility
from caseload.allocation.model import Assignment, utilisation_percent
from caseload.allocation.problem import POINTS_SCALE, Problem, Unit, Worker

AGREED_BY = "service manager"


@dataclass(frozen=True)
class CapBreach:
    """One cap a proposal goes over: ``cap`` is ``cases`` or ``points``; ``limit`` the worker's
    cap, ``after`` their load with the unit, ``over`` by how much."""

    cap: str
    limit: float
    after: float
    over: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Overflow:
    """A proposal over cap, to be agreed by the service manager (``agreed_by``)."""

    worker_id: int
    worker: str
    staff_number: str
    team: str | None
    cases_before: int
    cases_after: int
    cap_cases: int
    points_before: float
    points_after: float
    cap_points: float
    utilisation_after: float
    breaks: tuple[CapBreach, ...]
    knows: tuple[str, ...] = ()  # children of the unit the worker has worked with
    agreed_by: str = AGREED_BY

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def eligible_workers(problem: Problem, eligibility: Eligibility, unit: Unit) -> list[Worker]:
    """Workers who pass every rule but room for the unit."""
    return [
        worker
        for worker in eligibility.candidates(unit)
        if worker.worker_id != problem.moving_worker and eligibility.blocked(unit, worker) is None
    ]


def _utilisation(worker: Worker, cases: int, points: int) -> float:
    if worker.cap_cases <= 0 and worker.cap_points <= 0:
        return float("inf")
    return float(utilisation_percent(worker, cases, points))


def propose(
    problem: Problem,
    eligibility: Eligibility,
    assignment: Assignment,
    waiting: Sequence[Unit],
) -> dict[str, Overflow]:
    """For each unit in ``waiting`` (most urgent first) with an eligible worker, the overflow
    proposal, by unit key."""
    added: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for unit in problem.units:
        worker_id = assignment.get(unit.key)
        if worker_id is not None:
            added[worker_id][0] += unit.cases
            added[worker_id][1] += unit.points
    proposals: dict[str, Overflow] = {}
    for unit in sorted(waiting, key=lambda u: (u.priority, -u.days_waiting, u.key)):
        options = []
        for worker in eligible_workers(problem, eligibility, unit):
            cases = worker.cases + added[worker.worker_id][0]
            points = worker.points + added[worker.worker_id][1]
            after = _utilisation(worker, cases + unit.cases, points + unit.points)
            known = sum(1 for child in unit.children if worker.worker_id in child.known_workers)
            mismatch = sum(abs(child.complexity - worker.level) for child in unit.children)
            options.append(((after, -known, mismatch, worker.worker_id), worker, cases, points))
        if not options:
            continue
        _, worker, cases, points = min(options, key=lambda option: option[0])
        proposals[unit.key] = _overflow(unit, worker, cases, points)
        added[worker.worker_id][0] += unit.cases
        added[worker.worker_id][1] += unit.points
    return proposals


def _overflow(unit: Unit, worker: Worker, cases: int, points: int) -> Overflow:
    cases_after = cases + unit.cases
    points_after = points + unit.points
    breaks = []
    if cases_after > worker.cap_cases:
        breaks.append(
            CapBreach("cases", worker.cap_cases, cases_after, cases_after - worker.cap_cases)
        )
    if points_after > worker.cap_points:
        breaks.append(
            CapBreach(
                "points",
                worker.cap_points / POINTS_SCALE,
                points_after / POINTS_SCALE,
                (points_after - worker.cap_points) / POINTS_SCALE,
            )
        )
    return Overflow(
        worker_id=worker.worker_id,
        worker=worker.label,
        staff_number=worker.staff_number,
        team=worker.team,
        cases_before=cases,
        cases_after=cases_after,
        cap_cases=worker.cap_cases,
        points_before=points / POINTS_SCALE,
        points_after=points_after / POINTS_SCALE,
        cap_points=worker.cap_points / POINTS_SCALE,
        utilisation_after=round(100 * (worker.utilisation(cases_after, points_after) or 0.0), 1),
        breaks=tuple(breaks),
        knows=tuple(c.child_ref for c in unit.children if worker.worker_id in c.known_workers),
    )
