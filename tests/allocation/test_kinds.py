"""Kinds: alike units counted, not listed. The counts turn back into the same recommendations
every time, the longest-waiting of a kind placed first, and every stage is proven on a team."""

from __future__ import annotations

from caseload.allocation.eligibility import Eligibility
from caseload.allocation.instances import random_problem
from caseload.allocation.kinds import assignment_of, counts_of, kinds_of
from caseload.allocation.solver import solve


def test_counts_turn_back_into_units_longest_wait_first() -> None:
    problem = random_problem(workers=8, children=30, seed=3, sibling_share=0.0)
    pairs = Eligibility(problem).eligible_pairs(problem.units)
    kinds = kinds_of(problem.units, pairs)
    assert sum(kind.size for kind in kinds) == sum(1 for unit in problem.units if pairs[unit.key])
    kind = max(kinds, key=lambda k: k.size)
    assert kind.size > 1
    assert kind.waits == sorted(kind.waits, reverse=True)
    worker = kind.workers[0]
    back = assignment_of(kinds, {(kind.index, worker): 1})
    assert back == {kind.units[0].key: worker}
    assert counts_of(kinds, back) == {(kind.index, worker): 1}


def test_the_same_problem_gives_the_same_recommendations_proven_at_every_stage() -> None:
    problem = random_problem(workers=40, children=120, seed=1)
    first = solve(problem, time_limit=60)
    second = solve(problem, time_limit=60)
    assert first.assignment == second.assignment
    assert [stage.status for stage in first.stages] == ["optimal"] * 5
    assert [stage.name for stage in first.stages] == [
        "coverage",
        "waiting",
        "continuity",
        "highest utilisation",
        "spread and experience",
    ]
