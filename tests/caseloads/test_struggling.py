"""On the synthetic struggling preset, a child is left unallocated only when no eligible worker
has capacity, and each says so."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from sqlalchemy import Engine

from caseload.allocation.eligibility import Eligibility
from caseload.cli.app import main
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


def test_every_waiting_child_has_a_worker_an_overflow_proposal_or_a_reason(
    struggling: Engine,
) -> None:
    run = recommend(struggling, time_limit=10)
    problem, plan = run.problem, run.plan
    assert all(stage.status == "optimal" for stage in plan.solve.stages), plan.solve.summary()
    eligibility = Eligibility(problem)
    queued = {child.child_id for unit in problem.units for child in unit.children}
    decided = {r.child_id for r in plan.recommendations} | {w.child_id for w in plan.waiting}
    assert decided == queued
    overflow = [w for w in plan.waiting if w.overflow is not None]
    assert overflow, "nobody has room for some children on a struggling council"
    for left in plan.waiting:
        unit = problem.unit_of(left.child_id)
        eligible = [
            worker
            for worker in eligibility.candidates(unit)
            if eligibility.blocked(unit, worker) is None
        ]
        if left.overflow is None:
            # No proposal only when no worker may take the child at all, and the reason says why.
            assert eligible == [], left.child_ref
            assert left.rule in {"siblings", "asye_protection", "unavailable", "team", "rejected"}
            assert left.reason
            continue
        worker = problem.worker(left.overflow.worker_id)
        # Every hard rule but the caps holds for the proposed worker ...
        assert worker in eligible, left.child_ref
        # ... and the proposal says which cap it breaks, by how much: nobody eligible had room.
        assert left.overflow.breaks, left.child_ref
        for breach in left.overflow.breaks:
            limit = worker.cap_cases if breach.cap == "cases" else worker.cap_points / 100
            assert breach.limit == limit
            assert breach.over == pytest.approx(breach.after - breach.limit)
            assert breach.over > 0
        assert left.overflow.agreed_by == "service manager"


def test_allocate_as_json_proves_every_stage_and_names_someone_for_every_child(
    struggling: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "CASELOAD_DATABASE_URL", struggling.url.render_as_string(hide_password=False)
    )
    monkeypatch.delenv("CASELOAD_POLICY", raising=False)
    assert main(["allocate", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    stages = data["optimiser"]["stages"]
    assert [stage["goal"] for stage in stages][-2:] == [
        "highest utilisation",
        "spread and experience",
    ]
    assert {stage["status"] for stage in stages} == {"optimal"}
    assert data["optimiser"]["status"] == "optimal"
    assert data["children"] == len(data["recommendations"]) + len(data["unallocated"])
    for left in data["unallocated"]:
        assert left["overflow"] is not None or (left["rule"] and left["reason"]), left
        if left["overflow"] is not None:
            assert left["overflow"]["breaks"], left
    assert data["overflow"] == sum(1 for left in data["unallocated"] if left["overflow"])
    assert data["without_worker"] == [
        left["child_ref"] for left in data["unallocated"] if left["overflow"] is None
    ]
