"""Properties of every allocation the optimiser returns, on random teams: the hard rules hold,
nobody left waiting could have been placed, and it never does worse than greedy."""

from __future__ import annotations

from collections import Counter, defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from caseload.allocation.eligibility import Eligibility
from caseload.allocation.greedy import greedy
from caseload.allocation.instances import random_problem
from caseload.allocation.metrics import by_child
from caseload.allocation.problem import Problem
from caseload.allocation.solver import solve

problems = st.builds(
    random_problem,
    workers=st.integers(1, 12),
    children=st.integers(1, 30),
    seed=st.integers(0, 10_000),
    load=st.floats(0.3, 1.0),
    sibling_share=st.floats(0.0, 0.6),
    routed_share=st.floats(0.0, 0.5),
    no_team_share=st.floats(0.0, 0.2),
    allow_cross_team=st.booleans(),
)


def class_counts(problem: Problem, placed: dict[int, int]) -> list[int]:
    counts = Counter(
        child.priority
        for unit in problem.units
        for child in unit.children
        if child.child_id in placed
    )
    return [counts[rank] for rank in range(6)]


@settings(max_examples=40, deadline=None)
@given(problems, st.sampled_from([3000, 20]))
def test_hard_rules_hold_and_nobody_waits_who_could_be_placed(
    problem: Problem, joint_limit: int
) -> None:
    # A low joint limit routes children who may go to several teams to one team first.
    result = solve(problem, time_limit=2, joint_limit=joint_limit)
    eligibility = Eligibility(problem)
    added: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for unit in problem.units:
        worker_id = result.assignment.get(unit.key)
        if worker_id is None:
            continue
        worker = problem.worker(worker_id)
        assert eligibility.blocked(unit, worker) is None
        assert worker in eligibility.candidates(unit)
        added[worker_id][0] += unit.cases
        added[worker_id][1] += unit.points
    for worker_id, (cases, points) in added.items():
        worker = problem.worker(worker_id)
        assert cases <= worker.room_cases
        assert points <= worker.room_points
    for unit in problem.units:
        if unit.key in result.assignment:
            continue
        for worker in eligibility.candidates(unit):
            if eligibility.blocked(unit, worker) is None:
                cases, points = added[worker.worker_id]
                assert not eligibility.fits(unit, worker, cases, points)


@settings(max_examples=30, deadline=None)
@given(problems)
def test_never_worse_than_greedy_on_urgent_children(problem: Problem) -> None:
    result = solve(problem, time_limit=2)
    ours = class_counts(problem, by_child(problem, result.assignment))
    baseline = class_counts(problem, greedy(problem, keep_siblings=True))
    assert ours >= baseline  # lexicographic: most urgent class first
