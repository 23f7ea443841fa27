"""The council summary: workforce by role and contract, open cases, allocated and unallocated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine

from caseload.errors import NotFoundError
from caseload.storage import queries
from caseload.storage.engine import session_scope
from caseload.storage.schema import require_current
from caseload.workforce import CaseSnapshot, case_snapshot, workforce_by_role


@dataclass(frozen=True)
class CouncilSummary:
    authorities: list[dict[str, str]]
    as_at: date
    workforce: list[dict[str, Any]]
    cases: CaseSnapshot

    def to_dict(self) -> dict[str, Any]:
        return {
            "authorities": self.authorities,
            "as_at": self.as_at.isoformat(),
            "workforce": self.workforce,
            "open_cases": self.cases.open_by_type
            | {"total": sum(self.cases.open_by_type.values())},
            "children": {
                "open": self.cases.open_children,
                "allocated": self.cases.allocated_children,
                "unallocated": self.cases.unallocated_children,
            },
        }


def council_summary(
    engine: Engine, *, as_at: date | None = None, authority_code: str | None = None
) -> CouncilSummary:
    """Summarise one authority, or every authority in the database together."""
    require_current(engine)
    with session_scope(engine) as session:
        found = queries.authorities(session, authority_code)
        if not found:
            raise NotFoundError(
                "the database holds no authorities yet; run 'caseload demo' or 'caseload generate'"
            )
        ids = [authority.id for authority in found]
        day = as_at or queries.latest_data_date(session, ids)
        if day is None:
            raise NotFoundError("the database holds no dated records to summarise")
        spells = queries.spells_active_on(session, ids, day)
        statuses = queries.statuses_active_on(session, ids, day)
        allocations = queries.allocations_active_on(session, ids, day)
        return CouncilSummary(
            authorities=[{"code": a.code, "name": a.name} for a in found],
            as_at=day,
            workforce=workforce_by_role(spells).to_dicts(),
            cases=case_snapshot(statuses, allocations),
        )
