"""Progression up the practice ladder on a day: the framework's steps, who is eligible for their
next step, who applied and with what outcome, who progressed, and the counts per census year.
One context for the page /progression, the API's /api/v1/progression and ``caseload
progression``.

Who sees what: as the ASYE page (:func:`caseload.services.asye.audience_of`): the service leader
every team, a team manager their teams, a social worker their own path, the performance analyst
every team with pseudonyms. Views of named people are written to the audit trail. Caseload has
no HR role: the service leader holds the council-wide view."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

import polars as pl
from sqlalchemy import Engine

from caseload.auth.principal import Principal
from caseload.domain.dates import census_year_of, reporting_date
from caseload.errors import NotFoundError
from caseload.retention import progression
from caseload.retention.ladder import Framework, default_framework, load_framework
from caseload.services import audit
from caseload.services.asye import Audience, audience_of
from caseload.services.caseload_views import pseudonyms_of
from caseload.services.caseloads import (
    REPORTING_DATE_FIELD,
    CouncilData,
    check_audience_date,
    council_data,
)
from caseload.services.view_rows import role_text
from caseload.storage import learning_frames
from caseload.storage.engine import session_scope

FRAMEWORK_SETTING = "CASELOAD_PROGRESSION_FRAMEWORK"
TARGET = "progression"
YEARS_SHOWN = 5


def progression_framework() -> Framework:
    """The framework ``CASELOAD_PROGRESSION_FRAMEWORK`` names, else the built-in one."""
    named = (os.environ.get(FRAMEWORK_SETTING) or "").strip()
    return load_framework(Path(named)) if named else default_framework()


def council_framework(council: CouncilData) -> Framework:
    """:func:`progression_framework`, parsed once while the file stays as it is."""
    named = (os.environ.get(FRAMEWORK_SETTING) or "").strip()
    path = Path(named) if named else None
    stamp = path.stat().st_mtime_ns if path is not None and path.is_file() else None
    found: Framework = council.snapshots.policies.get_or_build(
        ("progression framework", named, stamp), progression_framework
    )
    return found


def applications_of(engine: Engine, council: CouncilData) -> pl.DataFrame:
    """The council's progression applications, read once per state of its data."""

    def build() -> pl.DataFrame:
        with session_scope(engine) as session:
            return learning_frames.progression_applications_frame(session, [council.authority.id])

    found: pl.DataFrame = council.snapshots.council_data.get_or_build(
        (*council.key, "progression applications"), build
    )
    return found


@dataclass(frozen=True)
class Scope:
    worker_ids: list[int] | None  # None: every worker


def _worker_scope(
    council: CouncilData, principal: Principal, audience: Audience, day: date
) -> Scope:
    if audience == "own":
        return Scope([principal.worker_id] if principal.worker_id is not None else [])
    visible = principal.visible_team_ids()
    if visible is None:
        return Scope(None)
    names = council.data.teams.filter(pl.col("team_id").is_in(sorted(visible)))["team"]
    spells = council.data.spells.filter(
        (pl.col("start_date") <= day)
        & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
        & pl.col("team").is_in(names.implode())
    )
    return Scope(sorted(spells["worker_id"].unique().to_list()))


def _in(frame: pl.DataFrame, scope: Scope) -> pl.DataFrame:
    if scope.worker_ids is None:
        return frame
    return frame.filter(pl.col("worker_id").is_in(scope.worker_ids))


def _date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def progression_view(
    engine: Engine, principal: Principal, *, as_at: date | None = None
) -> dict[str, Any]:
    """The /progression page's context on ``as_at`` (default the data date)."""
    audience = audience_of(engine, principal, TARGET)
    council = council_data(engine, authority_id=principal.authority_id)
    if council.latest is None:
        raise NotFoundError("your council holds no dated records yet")
    day = reporting_date(as_at, council.latest, REPORTING_DATE_FIELD).as_at
    check_audience_date(principal, day, council.latest)
    framework = council_framework(council)
    data = council.data
    applications = applications_of(engine, council)
    own_spells = data.spells.filter(pl.col("contract") == "own")
    scope = _worker_scope(council, principal, audience, day)

    def build() -> tuple[pl.DataFrame, pl.DataFrame]:
        eligible = progression.eligibility(own_spells, data.workers, framework, day)
        joined = progression.eligible_with_applications(eligible, applications, day)
        return joined, progression.application_status(applications, day)

    eligible, statuses = cast(
        tuple[pl.DataFrame, pl.DataFrame],
        council.snapshots.views.get_or_build((*council.key, "progression", day, framework), build),
    )
    names = pseudonyms_of(engine, council) if audience == "pseudonymised" else None
    people = data.workers.select("worker_id", "name")

    def who(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.join(people, on="worker_id", how="left")

    def label(row: dict[str, Any]) -> str | None:
        return names.worker(row["worker_id"]) if names is not None else row["name"]

    def href(row: dict[str, Any]) -> str | None:
        return f"/workers/{row['worker_id']}" if audience == "named" else None

    eligible_rows = [
        {
            "worker": label(row),
            "href": href(row),
            "team": row["team"],
            "role": role_text(row["role"]),
            "next_role": role_text(row["next_role"]),
            "role_since": _date(row["role_since"]),
            "months_in_role": row["months_in_role"],
            "pqe_months": row["pqe_months"],
            "eligible_from": _date(row["eligible_from"]),
            "application": None
            if row["application"] is None
            else progression.APPLICATION_STATUS_LABELS[row["application"]],
        }
        for row in who(_in(eligible.filter(pl.col("eligible")), scope))
        .sort("eligible_from", "worker_id")
        .iter_rows(named=True)
    ]
    application_rows = [
        {
            "worker": label(row),
            "href": href(row),
            "from_role": role_text(row["from_role"]),
            "to_role": role_text(row["to_role"]),
            "applied_date": _date(row["applied_date"]),
            "decided_date": _date(row["decided_date"]) if row["status"] != "pending" else None,
            "status": row["status"],
            "status_label": progression.APPLICATION_STATUS_LABELS[row["status"]],
        }
        for row in who(_in(statuses, scope))
        .sort("applied_date", descending=True)
        .iter_rows(named=True)
    ]
    year = census_year_of(day)
    since = date(day.year - 1, day.month, 1)
    moves = progression.progressed_between(own_spells, since, day)
    progressed_rows = [
        {
            "worker": label(row),
            "href": href(row),
            "from_role": role_text(row["from_role"]),
            "to_role": role_text(row["to_role"]),
            "moved_on": _date(row["moved_on"]),
        }
        for row in who(_in(moves, scope)).sort("moved_on", descending=True).iter_rows(named=True)
    ]
    years = list(range(year - YEARS_SHOWN + 1, year + 1))
    counts = progression.yearly_counts(_in(own_spells, scope), _in(applications, scope), years, day)
    shown = len(eligible_rows) + len(application_rows) + len(progressed_rows)
    if audience != "pseudonymised" and shown:
        audit.record(
            engine,
            principal,
            "view",
            TARGET,
            None,
            {
                "eligible": len(eligible_rows),
                "applications": len(application_rows),
                "progressed": len(progressed_rows),
                "as_at": day.isoformat(),
                "audience": audience,
                "every_team": audience != "own" and principal.visible_team_ids() is None,
            },
        )
    authority = council.authority
    return {
        "title": "Progression",
        "as_at": day.isoformat(),
        "data_date": council.latest.isoformat(),
        "authority": {"code": authority.code, "name": authority.name},
        "audience": audience,
        "framework": {
            "version": framework.version,
            "steps": [
                {
                    **step.to_dict(),
                    "from_label": role_text(step.from_role),
                    "to_label": role_text(step.to_role),
                }
                for step in framework.steps
            ],
        },
        "eligible": eligible_rows,
        "applications": application_rows,
        "progressed": progressed_rows,
        "progressed_since": since.isoformat(),
        "counts": counts.to_dicts(),
    }
