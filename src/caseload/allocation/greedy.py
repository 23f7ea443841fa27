"""The greedy baseline: what a team manager does with a spreadsheet. Most urgent child first (then
longest waiting), each to the least-loaded eligible worker with room; a sibling goes to the worker
of an already placed sibling when that worker has room, otherwise wherever there is room, so
siblings can end up split. With ``keep_siblings`` it places whole sibling units instead (the
optimiser's starting point)."""

from __future__ import annotations

from collections import defaultdict

from caseload.allocation.eligibility import Eligibility
from caseload.allocation.problem import Problem, Unit, Worker


def _least_loaded(
    unit: Unit,
    options: list[Worker],
    eligibility: Eligibility,
    added: dict[int, list[int]],
) -> Worker | None:
    best: tuple[float, int] | None = None
    chosen: Worker | None = None
    for worker in options:
        cases, points = added[worker.worker_id]
        if eligibility.blocked(unit, worker) is not None:
            continue
        if not eligibility.fits(unit, worker, cases, points):
            continue
        after = worker.utilisation(
            worker.cases + cases + unit.cases, worker.points + points + unit.points
        )
        key = (after if after is not None else float("inf"), worker.worker_id)
        if best is None or key < best:
            best, chosen = key, worker
    return chosen


def greedy(problem: Problem, *, keep_siblings: bool = False) -> dict[int, int]:
    """child_id -> worker_id for the children the baseline places."""
    eligibility = Eligibility(problem)
    added: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    placed: dict[int, int] = {}

    def take(unit: Unit, worker: Worker) -> None:
        added[worker.worker_id][0] += unit.cases
        added[worker.worker_id][1] += unit.points
        for child in unit.children:
            placed[child.child_id] = worker.worker_id

    if keep_siblings:
        units = sorted(problem.units, key=lambda u: (u.priority, -u.days_waiting, u.key))
        for unit in units:
            worker = _least_loaded(unit, eligibility.candidates(unit), eligibility, added)
            if worker is not None:
                take(unit, worker)
        return placed

    children = sorted(
        ((child, unit) for unit in problem.units for child in unit.children),
        key=lambda pair: (pair[0].priority, -pair[0].days_waiting, pair[0].child_ref),
    )
    for child, unit in children:
        alone = eligibility.single(child, unit)
        preferred = [
            placed[sibling.child_id] for sibling in unit.children if sibling.child_id in placed
        ] + list(unit.sibling_workers)
        worker = None
        for worker_id in preferred:
            worker = _least_loaded(alone, [problem.worker(worker_id)], eligibility, added)
            if worker is not None:
                break
        if worker is None:
            worker = _least_loaded(alone, eligibility.candidates(alone), eligibility, added)
        if worker is not None:
            take(alone, worker)
    return placed
