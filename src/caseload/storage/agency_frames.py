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
from caseload.storage.frames import as_float, read_frame


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
