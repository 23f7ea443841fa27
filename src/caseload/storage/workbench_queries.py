"""Reads for the allocation workbench: the decisions a user has just taken, for the page's
confirmation, and the decisions since a plan was made, to keep the plan in step."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from caseload.storage.models import Child, Worker
from caseload.storage.operations_models import AllocationDecision


def decisions_by(
    session: Session, authority_id: int, decision_ids: Collection[int], user: str
) -> list[dict[str, Any]]:
    """The decisions with these ids taken by ``user`` in the authority (others are skipped, so an
    id in a link shows nothing about someone else's decision), oldest first."""
    chosen = aliased(Worker)
    recommended = aliased(Worker)
    d = AllocationDecision
    rows = session.execute(
        select(
            d.id,
            d.decision,
            d.effective_date,
            Child.child_ref,
            chosen.first_name,
            chosen.last_name,
            chosen.staff_number,
            recommended.first_name,
            recommended.last_name,
            recommended.staff_number,
            d.position_as_at,
        )
        .join(Child, Child.id == d.child_id)
        .outerjoin(chosen, chosen.id == d.chosen_worker_id)
        .outerjoin(recommended, recommended.id == d.recommended_worker_id)
        .where(
            d.authority_id == authority_id,
            d.id.in_(sorted(decision_ids)),
            d.decided_by == user,
        )
        .order_by(d.id)
    ).all()

    def label(first: str | None, last: str | None, number: str | None) -> str | None:
        return None if number is None else f"{first} {last} ({number})"

    return [
        {
            "decision_id": row[0],
            "decision": row[1],
            "effective_date": row[2],
            "child": row[3],
            "worker": label(row[4], row[5], row[6]),
            "recommended": label(row[7], row[8], row[9]),
            "position_as_at": row[10],
        }
        for row in rows
    ]


def decisions_after(session: Session, authority_id: int, after_id: int) -> list[dict[str, Any]]:
    """The authority's decisions with an id above ``after_id``, oldest first: what, for which
    child, the worker recommended and the worker chosen."""
    d = AllocationDecision
    rows = session.execute(
        select(d.id, d.child_id, d.decision, d.recommended_worker_id, d.chosen_worker_id)
        .where(d.authority_id == authority_id, d.id > after_id)
        .order_by(d.id)
    ).all()
    return [
        {
            "decision_id": row[0],
            "child_id": row[1],
            "decision": row[2],
            "recommended_worker_id": row[3],
            "chosen_worker_id": row[4],
        }
        for row in rows
    ]


def child_ref_of(session: Session, child_id: int) -> str:
    found = session.scalar(select(Child.child_ref).where(Child.id == child_id))
    if found is None:
        raise ValueError(f"no child {child_id}")
    return str(found)
