"""The frame of agency engagements (one agency worker's assignment with the council), read by
storage and checked by :mod:`caseload.workforce.agency_rules`."""

from __future__ import annotations

import polars as pl

ENGAGEMENT_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "engagement_id": pl.Int64,
    "worker_id": pl.Int64,
    "agency": pl.Utf8,
    "job_type": pl.Utf8,
    "start_date": pl.Date,
    "end_date": pl.Date,
    "pay_rate": pl.Float64,
    "on_costs": pl.Float64,
    "agency_fee": pl.Float64,
    "pqe_date": pl.Date,
    "pqe_years": pl.Float64,
    "pqe_evidence": pl.Utf8,
    "previous_council": pl.Utf8,
    "previous_region": pl.Utf8,
    "previous_end_date": pl.Date,
    "previous_exemption": pl.Utf8,
    "notice_weeks": pl.Float64,
    "reference_practice_based": pl.Boolean,
    "reference_date": pl.Date,
    "director_signoff_date": pl.Date,
    "chief_executive_signoff_date": pl.Date,
    "project_team": pl.Boolean,
}
