"""Writing allocation decisions: a new allocation with the decision that made it, a rejection, and
the dated end of an allocation. Nothing is deleted or rewritten: an allocation is only ever ended
with a last day and a reason.

Two decisions on one child are taken one after the other: the child's row is locked first (on
PostgreSQL; SQLite allows one writer at a time), then the child's open allocation is checked, and
the database's own guard (one allocated worker per child per day) backs that up."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from caseload.domain import AllocationRole, WorkerChangeReason
from caseload.errors import DataIntegrityError
from caseload.storage import caseload_queries
from caseload.storage.allocation_requests import end_open_requests
from caseload.storage.models import Allocation, Child, Worker
from caseload.storage.operations_models import AllocationDecision

DECISIONS = ("accepted", "overridden", "manual", "rejected")


REFRESH_HINT = "refresh the recommendations with 'caseload allocate'"


def _taken_message(session: Session, child: Child, existing: Allocation) -> str:
    worker = session.get(Worker, existing.worker_id)
    who = (
        f"{worker.first_name} {worker.last_name} ({worker.staff_number})" if worker else "a worker"
    )
    decision = caseload_queries.decision_for(session, existing.id)
    by = ""
    if decision is not None:
        when = decision.decided_at.strftime("%Y-%m-%d %H:%M")
        by = f" by {decision.decided_by} at {when}"
    return (
        f"{child.child_ref} is already allocated to {who} from {existing.start_date}{by}; "
        "nothing was changed"
    )


def lock_child(session: Session, authority_id: int, child_ref: str) -> Child:
    """The child, locked until the transaction ends."""
    return caseload_queries.child_by_ref(session, authority_id, child_ref, lock=True)


def ensure_unallocated(session: Session, child: Child, day: date) -> None:
    """Refuse when the child has an allocated worker on ``day`` or from a later day."""
    existing = caseload_queries.allocations_on(
        session, child.id, day, AllocationRole.ALLOCATED_WORKER
    )
    if existing:
        raise DataIntegrityError(_taken_message(session, child, existing[0]), hint=REFRESH_HINT)


def allocate(
    session: Session,
    *,
    child: Child,
    worker_id: int,
    start: date,
    decision: str,
    user: str,
    now: datetime,
    recommended_worker_id: int | None,
    reason: str | None,
    co_worker_id: int | None = None,
    position_as_at: date | None = None,
) -> tuple[Allocation, AllocationDecision]:
    """Allocate a (locked, unallocated) child from ``start`` and record the decision, made at
    ``now`` on the position of ``position_as_at``."""
    if decision not in DECISIONS[:3]:
        raise ValueError(f"not an allocating decision: {decision}")
    allocation = Allocation(
        authority_id=child.authority_id,
        child_id=child.id,
        worker_id=worker_id,
        role=AllocationRole.ALLOCATED_WORKER,
        start_date=start,
    )
    session.add(allocation)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise DataIntegrityError(
            f"{child.child_ref} was allocated by someone else at the same moment; nothing was "
            "changed",
            hint=REFRESH_HINT,
        ) from None
    if co_worker_id is not None and not _co_worked(session, child.id, co_worker_id, start):
        session.add(
            Allocation(
                authority_id=child.authority_id,
                child_id=child.id,
                worker_id=co_worker_id,
                role=AllocationRole.CO_WORKER,
                start_date=start,
            )
        )
    record = AllocationDecision(
        authority_id=child.authority_id,
        child_id=child.id,
        recommended_worker_id=recommended_worker_id,
        chosen_worker_id=worker_id,
        allocation_id=allocation.id,
        decision=decision,
        reason=reason,
        effective_date=start,
        position_as_at=position_as_at,
        decided_by=user,
        decided_at=now,
    )
    session.add(record)
    session.flush()
    end_open_requests(session, child.id, user, now)  # an overflow request or hold is done
    return allocation, record


def _co_worked(session: Session, child_id: int, worker_id: int, day: date) -> bool:
    return any(
        a.worker_id == worker_id and a.start_date <= day
        for a in caseload_queries.allocations_on(session, child_id, day, AllocationRole.CO_WORKER)
    )


def reject(
    session: Session,
    *,
    child: Child,
    recommended_worker_id: int | None,
    day: date,
    user: str,
    now: datetime,
    reason: str,
) -> AllocationDecision:
    """Record that a recommendation was rejected; the child stays waiting."""
    record = AllocationDecision(
        authority_id=child.authority_id,
        child_id=child.id,
        recommended_worker_id=recommended_worker_id,
        chosen_worker_id=None,
        allocation_id=None,
        decision="rejected",
        reason=reason,
        effective_date=day,
        position_as_at=day,
        decided_by=user,
        decided_at=now,
    )
    session.add(record)
    session.flush()
    return record


def end_worker_allocations(
    session: Session,
    *,
    child_id: int,
    worker_id: int,
    move_day: date,
    reason: WorkerChangeReason,
) -> int:
    """End the worker's allocations of the child (either role) on the day before ``move_day``,
    with the SSD change reason. Allocations starting on or after ``move_day`` cannot be ended
    that way and are refused."""
    ended = 0
    for role in AllocationRole:
        for allocation in caseload_queries.allocations_on(session, child_id, move_day, role):
            if allocation.worker_id != worker_id:
                continue
            if allocation.start_date >= move_day:
                raise DataIntegrityError(
                    f"the allocation to worker {worker_id} starts on {allocation.start_date}, on "
                    f"or after the move on {move_day}; choose a later --from date"
                )
            allocation.end_date = move_day - timedelta(days=1)
            allocation.change_reason = reason
            ended += 1
    session.flush()
    return ended
