"""The optimiser's stages against exhaustive search on small teams, and groups solved side by
side giving the same answer as one after another."""

from __future__ import annotations

import itertools

import pytest

from caseload.allocation.eligibility import Eligibility
from caseload.allocation.instances import random_problem
from caseload.allocation.kinds import WAIT_CAP_DAYS
from caseload.allocation.model import spread_of, utilisation_percent
from caseload.allocation.problem import Problem
from caseload.allocation.solver import solve

Key = tuple[tuple[int, ...], int, int, int, int, int]


def key_of(problem: Problem, assignment: dict[str, int], eligible: set[int]) -> Key | None:
    """The goals in order, each as a number to maximise; None when a cap is broken."""
    classes = [0] * 6
    waited = kept = mismatch = 0
    added = {worker_id: [0, 0] for worker_id in eligible}
    for unit in problem.units:
        worker_id = assignment.get(unit.key)
        if worker_id is None:
            continue
        added[worker_id][0] += unit.cases
        added[worker_id][1] += unit.points
        for child in unit.children:
            classes[child.priority] += 1
            waited += min(child.days_waiting, WAIT_CAP_DAYS)
            kept += worker_id in child.known_workers
            mismatch += abs(child.complexity - problem.worker(worker_id).level)
    workers = {worker_id: problem.worker(worker_id) for worker_id in eligible}
    if any(
        cases > workers[w].room_cases or points > workers[w].room_points
        for w, (cases, points) in added.items()
    ):
        return None
    loads = {w: (workers[w].cases + c, workers[w].points + p) for w, (c, p) in added.items()}
    highest = max(utilisation_percent(workers[w], *load) for w, load in loads.items())
    spread = sum(spread_of(workers[w], *load) for w, load in loads.items())
    return (tuple(classes), waited, kept, -highest, -spread, -mismatch)


def best_by_search(problem: Problem) -> Key:
    pairs = Eligibility(problem).eligible_pairs(problem.units)
    eligible = {w for found in pairs.values() for w in found}
    options = [[None, *pairs[unit.key]] for unit in problem.units]
    keys = []
    for choice in itertools.product(*options):
        assignment = {
            unit.key: worker_id
            for unit, worker_id in zip(problem.units, choice, strict=True)
            if worker_id is not None
        }
        found = key_of(problem, assignment, eligible)
        if found is not None:
            keys.append(found)
    return max(keys)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_every_stage_reaches_what_exhaustive_search_finds(seed: int) -> None:
    # Four workers near their caps and five units (some sibling groups): small enough to try
    # every allocation, full enough that the goals pull against each other.
    problem = random_problem(workers=4, children=7, seed=seed, load=0.85, routed_share=0.0)
    result = solve(problem, time_limit=30)
    pairs = Eligibility(problem).eligible_pairs(problem.units)
    eligible = {w for found in pairs.values() for w in found}
    assert key_of(problem, result.assignment, eligible) == best_by_search(problem)
    assert all(stage.status == "optimal" for stage in result.stages)


def test_groups_side_by_side_give_the_same_answer_as_one_after_another() -> None:
    problem = random_problem(workers=150, children=500, seed=2)
    alone = solve(problem, time_limit=60, lanes=1)
    together = solve(problem, time_limit=60, lanes=2)
    assert together.assignment == alone.assignment
    assert [(s.name, s.status, s.objective) for s in together.stages] == [
        (s.name, s.status, s.objective) for s in alone.stages
    ]
    # Children who could go to several teams are routed first, so each team is proven.
    assert {stage.status for stage in alone.stages} == {"routed"}
