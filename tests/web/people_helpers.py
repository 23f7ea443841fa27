"""Helpers for the caseload, people and allocation page tests: the audit events written, the
council's report, and a CSRF token from a page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from caseload.caseloads.report import CaseloadReport
from caseload.services.caseloads import caseload_report
from caseload.storage.account_models import AuditEvent

from .council import WebCouncil


@dataclass(frozen=True)
class Event:
    actor: str
    action: str
    outcome: str
    target_type: str
    target_id: str | None
    detail: dict[str, Any]


def events(engine: Engine, *, after: int = 0) -> list[Event]:
    """Audit events with an id above ``after``, oldest first."""
    with Session(engine) as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.id > after).order_by(AuditEvent.id)
        ).all()
        return [
            Event(
                row.actor,
                row.action,
                row.outcome,
                row.target_type,
                row.target_id,
                json.loads(row.detail or "{}"),
            )
            for row in rows
        ]


def last_event_id(engine: Engine) -> int:
    with Session(engine) as session:
        found = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    return int(found or 0)


def report(council: WebCouncil) -> CaseloadReport:
    return caseload_report(council.engine, authority_code=council.code)[1]


def csrf_token(client: TestClient, path: str = "/account/password") -> str:
    page = client.get(path)
    return page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
