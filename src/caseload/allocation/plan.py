"""An allocation plan: a recommendation per child placed, a reason per child left waiting, how the
optimiser did (proven optimal or the gap) and how it compares with the greedy baseline."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from caseload.allocation.explain import Explainer
from caseload.allocation.greedy import greedy
from caseload.allocation.metrics import Measures, by_child, measure
from caseload.allocation.problem import POINTS_SCALE, Problem
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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Waiting:
    child_id: int
    child_ref: str
    case: str
    days_waiting: int
    home_team: str | None
    rule: str
    reason: str

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
            "status": "optimal" if self.solve.optimal else "gap",
            "summary": self.solve.summary(),
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
            "optimiser": self.solver_dict(),
            "comparison": {"optimiser": self.optimiser.to_dict(), "greedy": self.greedy.to_dict()},
        }


def make_plan(problem: Problem, *, time_limit: float = 10.0, threads: int = 1) -> AllocationPlan:
    """Solve the problem, explain every recommendation and every child left waiting, and measure
    the result against the greedy baseline."""
    result = solve(problem, time_limit=time_limit, threads=threads)
    explainer = Explainer(problem, result.assignment)
    recommendations: list[Recommendation] = []
    waiting: list[Waiting] = []
    for unit in sorted(problem.units, key=lambda u: (u.priority, -u.days_waiting, u.key)):
        worker_id = result.assignment.get(unit.key)
        if worker_id is None:
            rule, reason = explainer.waiting(unit)
            waiting.extend(
                Waiting(
                    child_id=child.child_id,
                    child_ref=child.child_ref,
                    case=case_label(child.case_type, child.proceedings),
                    days_waiting=child.days_waiting,
                    home_team=unit.home_team,
                    rule=rule,
                    reason=reason,
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
