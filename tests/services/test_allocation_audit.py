"""Decisions taken through the allocation service (the command line's path) are written to the
audit trail in the transaction that makes them, with ids only."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from caseload.errors import InvalidInputError
from caseload.services import allocation
from caseload.services.generation import build_council
from caseload.storage.account_models import AuditEvent
from caseload.storage.models import Authority, Child
from caseload.storage.operations_models import AllocationDecision
from caseload.synthetic import CouncilSpec

SPEC = CouncilSpec(
    code="804",
    name="Audittown (synthetic)",
    region="London",
    size_fte=40.0,
    preset="typical",
    awaiting_allocation_days=7,
)


@pytest.fixture
def built(engine: Engine) -> Engine:
    build_council(engine, SPEC, years=1, seed=5)
    return engine


def audit_rows(engine: Engine) -> list[tuple[Any, ...]]:
    with Session(engine) as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        return [
            (
                r.actor,
                r.role,
                r.authority_id,
                r.action,
                r.target_type,
                r.target_id,
                json.loads(r.detail),
            )
            for r in rows
        ]


def test_command_line_decisions_are_audited_with_ids_only(
    built: Engine, decide_on_data_date: Callable[[Engine], date]
) -> None:
    decide_on_data_date(built)
    run = allocation.recommend(built)
    first = run.plan.recommendations[0]
    done = allocation.accept(built, user="Alice", children=[first.child_ref])
    with Session(built) as session:
        authority = session.scalar(select(Authority.id))
        ids = dict(session.execute(select(Child.child_ref, Child.id)).all())
        decision_ids = {d.child_id: d.id for d in session.scalars(select(AllocationDecision)).all()}
    expected = [
        (
            "alice",
            "cli",
            authority,
            "allocate",
            "child",
            str(ids[d.child_ref]),
            {
                "decision": "accepted",
                "decision_id": decision_ids[ids[d.child_ref]],
                "allocation_id": d.allocation_id,
                "worker_id": first.worker_id,
                "co_worker_id": d.co_worker_id,
                "effective_date": run.scope.day.isoformat(),
            },
        )
        for d in done.decisions
    ]
    assert audit_rows(built) == expected
    assert first.worker not in json.dumps([row[-1] for row in audit_rows(built)])


def test_a_refused_decision_writes_nothing(built: Engine) -> None:
    run = allocation.recommend(built)
    with pytest.raises(InvalidInputError, match="needs --reason"):
        allocation.reject(
            built, user="alice", child_ref=run.plan.recommendations[0].child_ref, reason=""
        )
    assert audit_rows(built) == []
    rejected = allocation.reject(
        built, user="alice", child_ref=run.plan.recommendations[0].child_ref, reason="senior needed"
    )
    ((actor, _, _, action, _, target, detail),) = audit_rows(built)
    assert (actor, action, target) == ("alice", "reject", str(rejected.child_id))
    assert detail["decision"] == "rejected"
    assert "senior" not in json.dumps(detail)  # the reason's text stays out of the trail
