"""Recommendations, caseload moves and decisions on the hand-built council, recorded and never
deleted; two managers accepting one child at the same moment (PostgreSQL)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from caseload.domain import AllocationRole, WorkerChangeReason
from caseload.errors import DataIntegrityError, InvalidInputError, NotFoundError
from caseload.services import allocation
from caseload.services.caseloads import caseload_report
from caseload.storage import allocation_writes
from caseload.storage.engine import make_engine
from caseload.storage.models import Allocation, Child, Worker
from caseload.storage.operations_models import AllocationDecision
from caseloads.caseload_council import AS_AT, Council


def allocations_of(
    engine: Engine, ref: str
) -> list[tuple[str, str, date, date | None, str | None]]:
    with Session(engine) as session:
        rows = session.execute(
            select(
                Worker.staff_number,
                Allocation.role,
                Allocation.start_date,
                Allocation.end_date,
                Allocation.change_reason,
            )
            .join(Worker, Worker.id == Allocation.worker_id)
            .join(Child, Child.id == Allocation.child_id)
            .where(Child.child_ref == ref)
            .order_by(Allocation.start_date, Allocation.id)
        ).all()
    return [
        (staff, role.value, start, end, reason.value if reason else None)
        for staff, role, start, end, reason in rows
    ]


def decisions(engine: Engine) -> list[tuple[str, str, str | None, str, date]]:
    with Session(engine) as session:
        rows = session.execute(
            select(
                Child.child_ref,
                AllocationDecision.decision,
                AllocationDecision.reason,
                AllocationDecision.decided_by,
                AllocationDecision.effective_date,
            )
            .join(Child, Child.id == AllocationDecision.child_id)
            .order_by(AllocationDecision.id)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


@pytest.fixture(autouse=True)
def decided_on_the_data_date(decide_on: Callable[[date], None]) -> None:
    """Decisions here are made on the data date, so allocations start on it (see
    ``test_a_decision_after_the_data_date_starts_that_day``)."""
    decide_on(AS_AT)


def test_recommendations_for_the_queue(engine: Engine, north: Council) -> None:
    run = allocation.recommend(engine)
    assert run.scope.day == AS_AT
    got = [(r.child_ref, r.staff_number, r.decided_by) for r in run.plan.recommendations]
    # Pat (advanced practitioner, no cases) takes both: Hana is at 90%, Sam over his cap, Ash
    # would need Pat as co-worker for the child protection case anyway, and Team B is full.
    assert got == [("Q1", "P1", "balance"), ("Q2", "P1", "balance")]
    assert run.plan.waiting == ()
    assert run.plan.solve.optimal
    assert run.to_dict()["optimiser"]["status"] == "optimal"


def test_accepting_records_a_decision_and_never_twice(engine: Engine, north: Council) -> None:
    done = allocation.accept(engine, user="alice", children=["Q1"])
    assert [(d.child_ref, d.decision, d.worker) for d in done.decisions] == [
        ("Q1", "accepted", "Pat Practitioner (P1)")
    ]
    assert done.refused == []
    assert allocations_of(engine, "Q1") == [("P1", "allocated", AS_AT, None, None)]
    assert decisions(engine) == [("Q1", "accepted", None, "alice", AS_AT)]
    with pytest.raises(NotFoundError, match="Q1 is not waiting for a worker on 2025-03-31"):
        allocation.accept(engine, user="bob", children=["Q1"])


def test_a_decision_after_the_data_date_starts_that_day(
    engine: Engine, north: Council, decide_on: Callable[[date], None]
) -> None:
    later = AS_AT + timedelta(days=6)
    decide_on(later)
    done = allocation.accept(engine, user="alice", children=["Q1"])
    decided = done.decisions[0]
    assert (decided.effective_date, decided.position_as_at) == (later, AS_AT)
    assert decided.to_dict()["position_as_at"] == "2025-03-31"
    assert allocations_of(engine, "Q1") == [("P1", "allocated", later, None, None)]
    with Session(engine) as session:
        recorded = session.execute(
            select(AllocationDecision.effective_date, AllocationDecision.position_as_at)
        ).all()
    assert [tuple(row) for row in recorded] == [(later, AS_AT)]
    # The meeting goes on from the data date: Q1 has left the children waiting...
    run = allocation.recommend(engine)
    assert "Q1" not in {r.child_ref for r in run.plan.recommendations}
    with pytest.raises(NotFoundError, match="Q1 is not waiting for a worker on 2025-03-31"):
        allocation.accept(engine, user="bob", children=["Q1"])
    # ...while the caseloads of the data date still show the position of that day.
    _, report = caseload_report(engine)
    assert "Q1" in report.queue["child_ref"].to_list()


def test_overriding_needs_a_reason_and_is_recorded(engine: Engine, north: Council) -> None:
    with pytest.raises(InvalidInputError, match="needs --reason"):
        allocation.decide(engine, user="alice", child_ref="Q2", staff_number="H1", reason=None)
    result = allocation.decide(
        engine, user="alice", child_ref="Q2", staff_number="H1", reason="knows the family"
    )
    assert (result.decision, result.worker) == ("overridden", "Hana Half (H1)")
    assert decisions(engine) == [("Q2", "overridden", "knows the family", "alice", AS_AT)]


def test_a_choice_over_the_cap_needs_an_explicit_override(engine: Engine, north: Council) -> None:
    with pytest.raises(InvalidInputError) as refused:
        allocation.decide(
            engine, user="alice", child_ref="Q2", staff_number="S1", reason="was his case"
        )
    assert str(refused.value) == (
        "allocating Q2 to S1 breaks: over cap: Sam Smith (S1) would hold 22 cases (cap 20) and "
        "22 points (cap 22). Pass --override with --reason to allocate anyway"
    )
    result = allocation.decide(
        engine,
        user="alice",
        child_ref="Q2",
        staff_number="S1",
        reason="was his case",
        override=True,
    )
    assert result.decision == "overridden"
    assert decisions(engine)[0][2] == (
        "was his case [rules overridden: over cap: Sam Smith (S1) would hold 22 cases (cap 20) "
        "and 22 points (cap 22)]"
    )


def test_a_team_sees_its_share_of_the_council_plan(engine: Engine, north: Council) -> None:
    # Q1 may go to any team of Service North; the council-wide plan gives it to Pat in Team A,
    # so Team B's share holds neither child, and Team A's the same recommendations as the whole.
    council = allocation.recommend(engine)
    assert {r.child_ref: r.staff_number for r in council.plan.recommendations} == {
        "Q1": "P1",
        "Q2": "P1",
    }
    team_b = allocation.recommend(engine, teams=["Team B"])
    assert (team_b.plan.recommendations, team_b.plan.waiting) == ((), ())
    team_a = allocation.recommend(engine, teams=["Team A"])
    assert team_a.plan.recommendations == council.plan.recommendations
    with pytest.raises(NotFoundError, match="Q1 is not waiting for a worker"):
        allocation.decide(
            engine,
            user="carol",
            child_ref="Q1",
            staff_number="R1",
            reason="duty cover until Monday",
            override=True,
            teams=["Team B"],
        )


def test_a_manual_allocation_when_nothing_was_recommended(engine: Engine, north: Council) -> None:
    for worker in ("P1", "A1", "H1"):  # every worker with room, rejected in turn
        recommended = allocation.recommend(engine).plan.recommendation_for("Q1")
        assert recommended is not None and recommended.staff_number == worker
        allocation.reject(engine, user="carol", child_ref="Q1", reason=f"not {worker}")
    run = allocation.recommend(engine)
    (waiting,) = [w for w in run.plan.waiting if w.child_ref == "Q1"]
    assert waiting.rule == "room"
    # Nobody left has room: the least overloaded eligible worker is proposed, over both caps.
    assert waiting.overflow is not None
    assert (waiting.overflow.staff_number, waiting.overflow.utilisation_after) == ("S1", 110.0)
    assert [b.to_dict() for b in waiting.overflow.breaks] == [
        {"cap": "cases", "limit": 20, "after": 22, "over": 2},
        {"cap": "points", "limit": 22.0, "after": 22.5, "over": 0.5},
    ]
    result = allocation.decide(
        engine,
        user="carol",
        child_ref="Q1",
        staff_number="R1",
        reason="duty cover until Monday",
        override=True,
    )
    assert result.decision == "manual"
    assert decisions(engine)[-1][1] == "manual"


def test_rejecting_keeps_the_child_waiting(engine: Engine, north: Council) -> None:
    with pytest.raises(InvalidInputError, match="needs --reason"):
        allocation.reject(engine, user="alice", child_ref="Q1", reason=" ")
    allocation.reject(engine, user="alice", child_ref="Q1", reason="needs a senior")
    assert decisions(engine) == [("Q1", "rejected", "needs a senior", "alice", AS_AT)]
    assert allocations_of(engine, "Q1") == []


def test_moving_a_caseload(engine: Engine, north: Council) -> None:
    with pytest.raises(InvalidInputError, match="neither leaving nor absent"):
        allocation.plan_reallocation(engine, staff_number="H1", start=AS_AT)
    run = allocation.plan_reallocation(
        engine, staff_number="H1", start=AS_AT, reason=WorkerChangeReason.LEFTRL
    )
    got = {r.child_ref: r.staff_number for r in run.plan.recommendations}
    # Balance: Ash (ASYE, 2 of 15) takes 3, Pat (0 of 12) takes 5, both ending at 42% or less.
    assert got == {f"H00{n}": "A1" if n < 3 else "P1" for n in range(8)}
    assert [(w.child_ref, w.rule) for w in run.plan.waiting] == [("Z2", "siblings")]
    _, done, waiting = allocation.apply_reallocation(
        engine, user="alice", staff_number="H1", start=AS_AT, reason=WorkerChangeReason.LEFTRL
    )
    assert len(done) == 8
    assert waiting == ["Z2"]
    assert allocations_of(engine, "H000") == [
        ("H1", "allocated", date(2025, 1, 6), date(2025, 3, 30), "LEFTRL"),
        ("A1", "allocated", AS_AT, None, None),
    ]
    assert allocations_of(engine, "Z2") == [
        ("H1", "allocated", date(2025, 1, 6), date(2025, 3, 30), "LEFTRL")
    ]


def test_moving_an_absent_workers_caseload_uses_absenc(engine: Engine, north: Council) -> None:
    run = allocation.plan_reallocation(engine, staff_number="L1", start=AS_AT)
    assert run.move is not None
    assert (run.move.reason, run.move.why) == (
        WorkerChangeReason.ABSENC,
        "is absent since 2025-02-01",
    )
    assert run.plan.recommendations == ()
    assert {w.rule for w in run.plan.waiting} == {"room"}


def test_asye_recommendation_brings_its_co_worker(engine: Engine, north: Council) -> None:
    # With Pat's own room gone, Ash can take the child protection case with Pat co-working.
    with Session(engine) as session:
        pat = session.scalars(select(Worker).where(Worker.staff_number == "P1")).one()
        for number in range(12):
            child = Child(authority_id=pat.authority_id, child_ref=f"PX{number}")
            session.add(child)
            session.flush()
            session.add(
                Allocation(
                    authority_id=pat.authority_id,
                    child_id=child.id,
                    worker_id=pat.id,
                    role=AllocationRole.ALLOCATED_WORKER,
                    start_date=date(2025, 1, 6),
                )
            )
        session.commit()
    done = allocation.accept(engine, user="alice", children=["Q1"])
    assert [(d.worker, d.co_worker) for d in done.decisions] == [
        ("Ash Asye (A1)", "Pat Practitioner (P1)")
    ]
    assert allocations_of(engine, "Q1") == [
        ("A1", "allocated", AS_AT, None, None),
        ("P1", "co_worker", AS_AT, None, None),
    ]


def _second_engine(engine: Engine) -> Engine:
    with engine.connect() as connection:
        schema = connection.execute(text("select current_schema()")).scalar_one()
    return make_engine(os.environ["CASELOAD_TEST_DATABASE_URL"], schema=schema)


def test_two_managers_accepting_one_child_at_once(
    engine: Engine, north: Council, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite allows one writer at a time; concurrent sessions need PostgreSQL")
    other = _second_engine(engine)
    barrier = threading.Barrier(2)
    original = allocation_writes.lock_child

    def lock_together(*args: Any, **kwargs: Any) -> Child:
        barrier.wait(timeout=30)
        return original(*args, **kwargs)

    monkeypatch.setattr(allocation_writes, "lock_child", lock_together)
    outcomes: dict[str, allocation.Accepted] = {}

    def manager(name: str, on: Engine) -> None:
        outcomes[name] = allocation.accept(on, user=name, children=["Q1"])

    threads = [
        threading.Thread(target=manager, args=("alice", engine)),
        threading.Thread(target=manager, args=("bob", other)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    other.dispose()
    accepted = {name: len(done.decisions) for name, done in outcomes.items()}
    assert sorted(accepted.values()) == [0, 1]
    winner = next(name for name, count in accepted.items() if count == 1)
    loser = next(name for name, count in accepted.items() if count == 0)
    (refusal,) = outcomes[loser].refused
    message = refusal.for_command_line()
    assert str(refusal).endswith("nothing was changed")  # what a page shows: no command line
    assert message.startswith(
        f"Q1 is already allocated to Pat Practitioner (P1) from 2025-03-31 by {winner} at "
    )
    assert message.endswith(
        "nothing was changed. Refresh the recommendations with 'caseload allocate'"
    )
    assert allocations_of(engine, "Q1") == [("P1", "allocated", AS_AT, None, None)]
    assert [row[3] for row in decisions(engine)] == [winner]


def test_the_database_refuses_a_second_open_allocation(
    engine: Engine, north: Council, backend: str
) -> None:
    """Even without the lock and check, the guard in the database refuses the loser."""
    if backend != "postgresql":
        pytest.skip("SQLite allows one writer at a time; concurrent sessions need PostgreSQL")
    other = _second_engine(engine)
    results: dict[str, str] = {}
    started = threading.Barrier(2)

    def write(name: str, on: Engine, staff: str) -> None:
        with Session(on) as session:
            child = session.scalars(select(Child).where(Child.child_ref == "Q1")).one()
            worker = session.scalars(select(Worker).where(Worker.staff_number == staff)).one()
            started.wait(timeout=30)
            try:
                allocation_writes.allocate(
                    session,
                    child=child,
                    worker_id=worker.id,
                    start=AS_AT,
                    decision="manual",
                    user=name,
                    now=allocation._now(),
                    recommended_worker_id=None,
                    reason="test",
                )
                session.commit()
                results[name] = "ok"
            except DataIntegrityError as exc:
                results[name] = str(exc)

    threads = [
        threading.Thread(target=write, args=("alice", engine, "P1")),
        threading.Thread(target=write, args=("bob", other, "A1")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    other.dispose()
    assert sorted(results.values())[0].startswith("Q1 was allocated by someone else")
    assert sorted(results.values())[1] == "ok"


def test_a_rejected_worker_is_not_recommended_again(engine: Engine, north: Council) -> None:
    """Each rejection, recorded with its reason, keeps that worker out while the child waits."""
    allocation.reject(engine, user="alice", child_ref="Q1", reason="needs a senior")
    run = allocation.recommend(engine)
    got = [(r.child_ref, r.staff_number, r.co_worker) for r in run.plan.recommendations]
    # Pat was rejected for Q1, so Ash (an ASYE) takes it with Pat co-working the protected case.
    assert got == [("Q1", "A1", "Pat Practitioner (P1)"), ("Q2", "P1", None)]
    allocation.reject(engine, user="alice", child_ref="Q1", reason="not an ASYE case")
    run = allocation.recommend(engine)
    assert [(r.child_ref, r.staff_number) for r in run.plan.recommendations] == [
        ("Q1", "H1"),
        ("Q2", "P1"),
    ]
    allocation.reject(engine, user="alice", child_ref="Q1", reason="Hana is going on leave")
    run = allocation.recommend(engine)
    assert [(r.child_ref, r.staff_number) for r in run.plan.recommendations] == [("Q2", "P1")]
    (left,) = run.plan.waiting
    # Sam has no room, and the three who had were rejected: the reason says both.
    assert (left.child_ref, left.rule) == ("Q1", "room")
    assert left.reason.startswith("no eligible worker has room")
    assert "3 rejected for them by a manager while they wait" in left.reason
