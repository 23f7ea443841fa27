"""Reading agency engagements into frames (``ENGAGEMENT_SCHEMA`` of
caseload.domain.agency_records): for the rules and the quarterly return, and with their source
ids for a re-import."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from caseload.domain.agency_records import ENGAGEMENT_SCHEMA
from caseload.storage.agency_models import AgencyEngagement
from caseload.storage.frames import as_float, as_text, read_frame
from caseload.storage.models import EmploymentSpell, Worker


def _columns() -> list[object]:
    e = AgencyEngagement
    return [
        e.id,
        e.worker_id,
        e.agency,
        e.job_type,
        e.start_date,
        e.end_date,
        as_float(e.pay_rate),
        as_float(e.on_costs),
        as_float(e.agency_fee),
        e.pqe_date,
        as_float(e.pqe_years),
        e.pqe_evidence,
        e.previous_council,
        e.previous_region,
        e.previous_end_date,
        e.previous_exemption,
        as_float(e.notice_weeks),
        e.reference_practice_based,
        e.reference_date,
        e.director_signoff_date,
        e.chief_executive_signoff_date,
        e.project_team,
    ]


def engagements_frame(session: Session | Connection, authority_ids: Sequence[int]) -> pl.DataFrame:
    """The councils' agency engagements, one row each, ordered by id."""
    e = AgencyEngagement
    query = select(*_columns()).where(e.authority_id.in_(authority_ids)).order_by(e.id)  # type: ignore[call-overload]
    return read_frame(session, query, ENGAGEMENT_SCHEMA)


def engagements_held(connection: Connection, authority: int) -> pl.DataFrame:
    """The council's engagements with their source ids, for a re-import (``id`` rather than
    ``engagement_id``)."""
    e = AgencyEngagement
    query = select(*_columns(), e.external_id).where(e.authority_id == authority)  # type: ignore[call-overload]
    schema = {**ENGAGEMENT_SCHEMA, "external_id": pl.Utf8}
    return read_frame(connection, query, schema).rename({"engagement_id": "id"})


def worker_spells_frame(session: Session, authority_id: int) -> pl.DataFrame:
    """Every employment spell of the council's workers (worker_id, contract, fte, start_date,
    end_date, end_reason, reason_leave), for the cooling-off rule and the agency FTE."""
    s = EmploymentSpell
    query = select(
        s.worker_id,
        as_text(s.contract),
        as_float(s.fte),
        s.start_date,
        s.end_date,
        as_text(s.end_reason),
        s.reason_leave,
    ).where(s.authority_id == authority_id)
    return read_frame(
        session,
        query,
        {
            "worker_id": pl.Int64,
            "contract": pl.Utf8,
            "fte": pl.Float64,
            "start_date": pl.Date,
            "end_date": pl.Date,
            "end_reason": pl.Utf8,
            "reason_leave": pl.Int64,
        },
    )


def agency_workers_frame(session: Session, worker_ids: Sequence[int]) -> pl.DataFrame:
    """worker_id, staff_number, swe_number and name of the workers named."""
    w = Worker
    query = select(w.id, w.staff_number, w.swe_number, w.first_name, w.last_name).where(
        w.id.in_(list(worker_ids))
    )
    frame = read_frame(
        session,
        query,
        {
            "worker_id": pl.Int64,
            "staff_number": pl.Utf8,
            "swe_number": pl.Utf8,
            "first_name": pl.Utf8,
            "last_name": pl.Utf8,
        },
    )
    return frame.select(
        "worker_id",
        "staff_number",
        "swe_number",
        pl.concat_str("first_name", "last_name", separator=" ").alias("name"),
    )
