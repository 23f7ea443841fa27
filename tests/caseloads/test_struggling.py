"""On the synthetic struggling preset, a child is left unallocated only when no eligible worker
has capacity, and each says so."""

from __future__ import annotations

from collections import defaultdict

import pytest
from sqlalchemy import Engine

from caseload.allocation.eligibility import Eligibility
from caseload.services.allocation import recommend
from caseload.services.generation import build_council
from caseload.synthetic import CouncilSpec

SPEC = CouncilSpec(
    code="801", name="Struggling (synthetic)", region="London", size_fte=70.0, preset="struggling"
)


@pytest.fixture
def struggling(engine: Engine, backend: str) -> Engine:
    if backend != "sqlite":
        pytest.skip("one backend is enough for the synthetic council; it reads the same tables")
    build_council(engine, SPEC, years=1, seed=11)
    return engine


def test_children_wait_only_when_nobody_eligible_has_room(struggling: Engine) -> None:
    run = recommend(struggling, time_limit=10)
    problem, plan = run.problem, run.plan
    assert plan.waiting, "a struggling council has children waiting"
    eligibility = Eligibility(problem)
    added: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for recommendation in plan.recommendations:
        unit = problem.unit_of(recommendation.child_id)
        worker = problem.worker(recommendation.worker_id)
        assert eligibility.blocked(unit, worker) is None
        added[worker.worker_id][0] += 1
        added[worker.worker_id][1] += next(
            c.points for c in unit.children if c.child_id == recommendation.child_id
        )
    for worker_id, (cases, points) in added.items():
        assert cases <= problem.worker(worker_id).room_cases
        assert points <= problem.worker(worker_id).room_points
    for left in plan.waiting:
        unit = problem.unit_of(left.child_id)
        for worker in eligibility.candidates(unit):
            if eligibility.blocked(unit, worker) is None:
                cases, points = added[worker.worker_id]
                assert not eligibility.fits(unit, worker, cases, points), left.child_ref
        assert left.rule in {"room", "siblings", "asye_protection", "unavailable", "team"}
        says_so = (
            "no eligible worker has room",
            "has no room",
            "only ASYEs have room",
            "no worker may take them",
            "no case holders",
        )
        assert left.reason.startswith(says_so) or "has no room" in left.reason, left.reason
