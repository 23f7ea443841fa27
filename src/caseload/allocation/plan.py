"""An allocation plan: a recommendation per child placed; for each child left waiting, the reason
and, when someone eligible exists, an overflow proposal over cap
(:mod:`caseload.allocation.overflow`);
how the optimiser did (each stage's status) and how it compares with the greedy baseline.

A council's plan is made once for every child waiting and every worker (:func:`plan_for_council`),
and a team's view is a filter of it (:meth:`CouncilPlan.for_teams`), so the children who may go to
several teams are shared out by one council-wide optimisation and every manager, and the leader,
see the same split."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from caseload.allocation.explain import Explainer
from caseload.allocation.greedy import greedy
from caseload.allocation.metrics import Measures, by_child, measure
from caseload.allocation.overflow import Overflow, propose
from caseload.allocation.problem import POINTS_SCALE, Problem, Unit
from caseload.allocation.solver import SolveResult, solve
from caseload.caseloads.position import case_label


@dataclass(frozen=True)
class Recommendation:
    child_id: int
    child_ref: str
    case: str
    points: float
    days_waiting: int
    worker_id: int
    worker: str
    staff_number: str
    team: str | None
    co_worker_id: int | None
    co_worker: str | None
    siblings: tuple[str, ...]
    cases_after: int
    points_after: float
    utilisation_after: float
    decided_by: str
    reasons: tuple[str, ...]
    alternatives: tuple[str, ...]
    # The facts behind the reasons, for a page to word: the worker's load now and their caps,
    # and the children of the unit they have worked with ("already knows the family").
    cases_before: int = 0
    cap_cases: int = 0
    points_before: float = 0.0
    cap_points: float = 0.0
    knows: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Waiting:
    """A child with no recommendation: the rule that stopped everyone and, when an eligible
    worker exists (only the caps stand in the way), the overflow proposal."""

    child_id: int
    child_ref: str
    case: str
    days_waiting: int
    home_team: str | None
    rule: str
    reason: str
    overflow: Overflow | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AllocationPlan:
    day: date
    recommendations: tuple[Recommendation, ...]
    waiting: tuple[Waiting, ...]
    solve: SolveResult
    optimiser: Measures
    greedy: Measures
    workers: int

    def recommendation_for(self, child_ref: str) -> Recommendation | None:
        return next((r for r in self.recommendations if r.child_ref == child_ref), None)

    def solver_dict(self) -> dict[str, Any]:
        return {
            "status": "optimal" if self.solve.optimal else "not proven",
            "summary": self.solve.summary(),
            "plain": self.solve.plain(),
            "gap": round(self.solve.gap, 6),
            "seconds": round(self.solve.seconds, 3),
            "groups": self.solve.groups,
            "stages": [
                {
                    "goal": stage.name,
                    "status": stage.status,
                    "objective": stage.objective,
                    "bound": stage.bound,
                    "gap": round(stage.gap, 6),
                    "seconds": stage.seconds,
                    "solver": "CP-SAT",
                }
                for stage in self.solve.stages
            ],
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_at": self.day.isoformat(),
            "children": len(self.recommendations) + len(self.waiting),
            "workers": self.workers,
            "recommendations": [r.to_dict() for r in self.recommendations],
            "unallocated": [w.to_dict() for w in self.waiting],
            "overflow": sum(1 for w in self.waiting if w.overflow is not None),
            "without_worker": [w.child_ref for w in self.waiting if w.overflow is None],
            "optimiser": self.solver_dict(),
            "comparison": {"optimiser": self.optimiser.to_dict(), "greedy": self.greedy.to_dict()},
        }


def make_plan(problem: Problem, *, time_limit: float = 10.0, threads: int = 1) -> AllocationPlan:
    """Solve the problem, explain every recommendation and every child left waiting, and measure
    the result against the greedy baseline."""
    result = solve(problem, time_limit=time_limit, threads=threads)
    explainer = Explainer(problem, result.assignment)
    proposals = propose(
        problem,
        explainer.eligibility,
        result.assignment,
        [unit for unit in problem.units if unit.key not in result.assignment],
    )
    recommendations: list[Recommendation] = []
    waiting: list[Waiting] = []
    for unit in sorted(problem.units, key=lambda u: (u.priority, -u.days_waiting, u.key)):
        worker_id = result.assignment.get(unit.key)
        if worker_id is None:
            rule, reason = explainer.waiting(unit)
            overflow = proposals.get(unit.key)
            waiting.extend(
                Waiting(
                    child_id=child.child_id,
                    child_ref=child.child_ref,
                    case=case_label(child.case_type, child.proceedings),
                    days_waiting=child.days_waiting,
                    home_team=unit.home_team,
                    rule=rule,
                    reason=reason,
                    overflow=overflow,
                )
                for child in unit.children
            )
            continue
        worker = problem.worker(worker_id)
        explanation = explainer.recommendation(unit, worker)
        cases, points = explainer.final(worker)
        utilisation = worker.utilisation(cases, points) or 0.0
        for child in unit.children:
            co_worker = explanation.co_workers.get(child.child_id)
            recommendations.append(
                Recommendation(
                    child_id=child.child_id,
                    child_ref=child.child_ref,
                    case=case_label(child.case_type, child.proceedings),
                    points=child.points / POINTS_SCALE,
                    days_waiting=child.days_waiting,
                    worker_id=worker.worker_id,
                    worker=worker.label,
                    staff_number=worker.staff_number,
                    team=worker.team,
                    co_worker_id=co_worker.worker_id if co_worker else None,
                    co_worker=co_worker.label if co_worker else None,
                    siblings=tuple(c.child_ref for c in unit.children if c is not child),
                    cases_after=cases,
                    points_after=points / POINTS_SCALE,
                    utilisation_after=round(100 * utilisation, 1),
                    decided_by=explanation.decided_by,
                    reasons=explanation.reasons,
                    alternatives=explanation.alternatives,
                    cases_before=worker.cases,
                    cap_cases=worker.cap_cases,
                    points_before=worker.points / POINTS_SCALE,
                    cap_points=worker.cap_points / POINTS_SCALE,
                    knows=tuple(
                        c.child_ref for c in unit.children if worker.worker_id in c.known_workers
                    ),
                )
            )
    return AllocationPlan(
        day=problem.day,
        recommendations=tuple(recommendations),
        waiting=tuple(waiting),
        solve=result,
        optimiser=measure(problem, by_child(problem, result.assignment)),
        greedy=measure(problem, greedy(problem)),
        workers=len(problem.workers),
    )


@dataclass(frozen=True)
class CouncilPlan:
    """One plan for every child waiting in the council, and each team's share of it."""

    problem: Problem
    plan: AllocationPlan

    def teams_of(self, unit: Unit) -> frozenset[int] | None:
        """The teams whose share a unit is in: its recommended or proposed worker's team; with
        neither, its home teams (None: every team, for a child with no home team)."""
        workers = self.__dict__.get("_workers")
        if workers is None:
            workers = {r.child_id: r.worker_id for r in self.plan.recommendations} | {
                w.child_id: w.overflow.worker_id
                for w in self.plan.waiting
                if w.overflow is not None
            }
            object.__setattr__(self, "_workers", workers)
        placed = workers.get(unit.children[0].child_id)
        if placed is not None:
            team = self.problem.worker(placed).team_id
            return frozenset() if team is None else frozenset({team})
        return frozenset(unit.home_team_ids) if unit.home_team_ids else None

    def for_teams(self, team_ids: Collection[int] | None) -> AllocationPlan:
        """The share of the teams (the whole plan for None): the recommendations to their workers,
        the overflow proposals to their workers, and the children with neither whose home teams
        include theirs (or who have no home team)."""
        if team_ids is None:
            return self.plan
        wanted = set(team_ids)
        shown: set[int] = set()
        for unit in self.problem.units:
            teams = self.teams_of(unit)
            if teams is None or teams & wanted:
                shown.update(child.child_id for child in unit.children)
        return replace(
            self.plan,
            recommendations=tuple(r for r in self.plan.recommendations if r.child_id in shown),
            waiting=tuple(w for w in self.plan.waiting if w.child_id in shown),
        )


def plan_for_council(
    problem: Problem, *, time_limit: float = 10.0, threads: int = 1
) -> CouncilPlan:
    """The council-wide plan (``problem`` built for every team), to be filtered by team."""
    return CouncilPlan(problem, make_plan(problem, time_limit=time_limit, threads=threads))
