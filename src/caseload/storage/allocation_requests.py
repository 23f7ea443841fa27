"""Reads and writes of allocation requests (overflow proposals for the service manager and team
managers holding a child's case): see ``operations_models.AllocationRequest``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from caseload.errors import DataIntegrityError, NotFoundError
from caseload.storage.models import Child, Worker
from caseload.storage.operations_models import AllocationRequest


def open_requests(session: Session, authority_id: int) -> list[dict[str, Any]]:
    """The authority's requests with no answer yet, oldest first."""
    r = AllocationRequest
    proposed = aliased(Worker)
    rows = session.execute(
        select(
            r.id,
            r.child_id,
            Child.child_ref,
            r.kind,
            r.worker_id,
            proposed.first_name,
            proposed.last_name,
            proposed.staff_number,
            r.reason,
            r.requested_by,
            r.requested_at,
        )
        .join(Child, Child.id == r.child_id)
        .outerjoin(proposed, proposed.id == r.worker_id)
        .where(r.authority_id == authority_id, r.answer.is_(None))
        .order_by(r.id)
    ).all()
    return [
        {
            "request_id": row[0],
            "child_id": row[1],
            "child_ref": row[2],
            "kind": row[3],
            "worker_id": row[4],
            "worker": None if row[7] is None else f"{row[5]} {row[6]} ({row[7]})",
            "reason": row[8],
            "requested_by": row[9],
            "requested_at": row[10],
        }
        for row in rows
    ]


def add_request(
    session: Session,
    *,
    authority_id: int,
    child_id: int,
    kind: str,
    worker_id: int | None,
    reason: str,
    by: str,
    now: datetime,
) -> AllocationRequest:
    """A new request; refused when the child already has an open one of the same kind."""
    r = AllocationRequest
    already = session.scalar(
        select(r.id).where(
            r.authority_id == authority_id,
            r.child_id == child_id,
            r.kind == kind,
            r.answer.is_(None),
        )
    )
    if already is not None:
        raise DataIntegrityError(
            "this child already has an open request of that kind; it is on the workbench"
        )
    request = AllocationRequest(
        authority_id=authority_id,
        child_id=child_id,
        kind=kind,
        worker_id=worker_id,
        reason=reason,
        requested_by=by,
        requested_at=now,
    )
    session.add(request)
    session.flush()
    return request


def answer_request(
    session: Session,
    *,
    authority_id: int,
    request_id: int,
    answer: str,
    by: str,
    reason: str | None,
    now: datetime,
) -> AllocationRequest:
    """Write the one answer a request gets (locked first, so two people cannot both answer)."""
    request = session.scalar(
        select(AllocationRequest)
        .where(AllocationRequest.id == request_id, AllocationRequest.authority_id == authority_id)
        .with_for_update()
    )
    if request is None:
        raise NotFoundError(f"there is no request {request_id}; refresh the page")
    if request.answer is not None:
        raise DataIntegrityError(
            f"the request was already {request.answer} by {request.answered_by}; refresh the page"
        )
    request.answer = answer
    request.answered_by = by
    request.answered_at = now
    request.answer_reason = reason
    session.flush()
    return request


def end_open_requests(session: Session, child_id: int, by: str, now: datetime) -> int:
    """End a child's open requests (the child has been allocated); how many were ended."""
    found = session.scalars(
        select(AllocationRequest).where(
            AllocationRequest.child_id == child_id, AllocationRequest.answer.is_(None)
        )
    ).all()
    for request in found:
        request.answer = "ended"
        request.answered_by = by
        request.answered_at = now
        request.answer_reason = "the child was allocated"
    session.flush()
    return len(found)
