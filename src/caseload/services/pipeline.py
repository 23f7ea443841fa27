"""The pipeline of newly qualified social workers on a day: students and apprentices on
placement, practice educators' capacity, conversions to ASYE posts by year and the intake the
supply model can expect (:mod:`caseload.practice.pipeline`), for the page /pipeline, its API,
the ``caseload pipeline`` command and the board pack. Aggregates only: learners are shown by
their reference, educators by team counts, so the page holds no named person."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Engine

from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.practice import pipeline
from caseload.services import audit
from caseload.services.caseloads import CouncilData, council_data, only_council
from caseload.services.learning import frame_rows, learning_records, reporting_day


def pipeline_figures(engine: Engine, council: CouncilData, day: date) -> dict[str, Any]:
    """Every pipeline figure of the council on ``day`` (one definition for page, API, command
    and pack)."""
    records = learning_records(engine, council)
    placements = records.placements
    teams = council.data.teams.select("team_id", "team")
    running = (
        pipeline.on_placement(placements, day)
        .join(teams, on="team_id", how="left")
        .select(
            "learner_ref",
            "learner_kind",
            "programme",
            "study_year",
            "team",
            "start_date",
            "end_date",
        )
    )
    capacity = pipeline.educator_capacity(records.educators, placements, day)
    return {
        "as_at": day.isoformat(),
        "data_date": council.latest.isoformat() if council.latest else None,
        "has_pipeline": placements.height > 0 or records.educators.height > 0,
        "learners": frame_rows(pipeline.learners_on(placements, day)),
        "placements": frame_rows(running),
        "educators": pipeline.capacity_summary(capacity),
        "conversions": frame_rows(pipeline.conversions_by_year(placements, day)),
        "intake": frame_rows(pipeline.pipeline_intake(placements, day)),
    }


def pipeline_view(
    engine: Engine, principal: Principal, *, as_at: date | None = None
) -> dict[str, Any]:
    """The pipeline page's context (and the API's answer) for the service leader and the
    analyst."""
    audit.require(engine, principal, Permission.VIEW_PIPELINE, "pipeline")
    council = council_data(engine, authority_id=principal.authority_id)
    day = reporting_day(council, as_at)
    return {"title": "Pipeline", **pipeline_figures(engine, council, day)}


def council_pipeline(
    engine: Engine, *, authority_code: str | None, as_at: date | None
) -> dict[str, Any]:
    """The command line's pipeline figures (``caseload pipeline``)."""
    council = council_data(engine, authority_code=authority_code or only_council(engine))
    return pipeline_figures(engine, council, reporting_day(council, as_at, "--as-at"))


def intake_by_year(figures: dict[str, Any]) -> pl.DataFrame:
    """year, expected_intake: the pipeline's expected newly qualified workers (for the supply
    model's "students and apprentices converting")."""
    return pl.DataFrame(
        figures["intake"],
        schema={
            "year": pl.Int64,
            "learners": pl.Int64,
            "conversion_rate": pl.Float64,
            "expected_intake": pl.Float64,
        },
    ).select("year", "expected_intake")
