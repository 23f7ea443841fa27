"""The council summary: workforce by role and contract, in-post FTE by staff group (each labelled:
the census counts social workers only, the council's own staff include family support workers),
open cases by type, children in need as DfE counts them, allocated and unallocated children.

Who is in post follows the census rule (:mod:`caseload.caseloads.definitions`): someone whose last
day is the as-at date is a leaver, not in post."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Engine

from caseload.caseloads.definitions import (
    StaffGroup,
    children_in_need,
    in_post_fte,
    in_post_spells,
)
from caseload.domain.dates import reporting_date
from caseload.errors import NotFoundError
from caseload.storage import queries, workforce_frames
from caseload.storage.engine import session_scope
from caseload.storage.schema import require_current
from caseload.workforce import CaseSnapshot, case_snapshot, workforce_by_role

GROUPS = (
    StaffGroup.SOCIAL_WORKERS,
    StaffGroup.ALL_OWN_STAFF,
    StaffGroup.AGENCY_SOCIAL_WORKERS,
    StaffGroup.ALL_AGENCY_STAFF,
)
CHILDREN_IN_NEED_LABEL = "Children in need (DfE count: CIN plan, CP plan or looked after)"


@dataclass(frozen=True)
class CouncilSummary:
    authorities: list[dict[str, str]]
    as_at: date
    workforce: list[dict[str, Any]]
    in_post: list[dict[str, Any]]  # group, label, fte (1 dp)
    cases: CaseSnapshot
    children_in_need: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "authorities": self.authorities,
            "as_at": self.as_at.isoformat(),
            "workforce": self.workforce,
            "in_post_fte": self.in_post,
            "open_cases": self.cases.open_by_type
            | {"total": sum(self.cases.open_by_type.values())},
            "children": {
                "open": self.cases.open_children,
                "allocated": self.cases.allocated_children,
                "unallocated": self.cases.unallocated_children,
                "children_in_need": self.children_in_need,
                "children_in_need_label": CHILDREN_IN_NEED_LABEL,
            },
        }


def in_post_by_group(spells: pl.DataFrame, day: date) -> list[dict[str, Any]]:
    """In-post FTE on ``day`` for each staff group, labelled, to 1 dp."""
    return [
        {
            "group": group.value,
            "label": group.label,
            "fte": round(in_post_fte(spells, day, group), 1),
        }
        for group in GROUPS
    ]


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
        data_date = queries.latest_data_date(session, ids)
        if data_date is None:
            raise NotFoundError("the database holds no dated records to summarise")
        day = reporting_date(as_at, data_date, "the date").as_at
        spells = workforce_frames.spells_frame(session, ids).rename({"LEA": "authority_id"})
        statuses = queries.statuses_active_on(session, ids, day)
        allocations = queries.allocations_active_on(session, ids, day)
    in_post = pl.concat(
        [
            in_post_spells(spells, day, StaffGroup.ALL_OWN_STAFF),
            in_post_spells(spells, day, StaffGroup.ALL_AGENCY_STAFF),
        ]
    )
    return CouncilSummary(
        authorities=[{"code": a.code, "name": a.name} for a in found],
        as_at=day,
        workforce=workforce_by_role(in_post).to_dicts(),
        in_post=in_post_by_group(spells, day),
        cases=case_snapshot(statuses, allocations),
        children_in_need=children_in_need(statuses),
    )
