"""The board pack's section "Learning and the pipeline" (internal pack only): mandatory training
compliance by service on the reporting date (:mod:`caseload.practice.training`) and placements
and conversions to ASYE posts by year (:mod:`caseload.practice.pipeline`). It appears only when
the council's courses or placements are in Caseload."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine

from caseload.practice import training
from caseload.reports.model import Column, ColumnKind, Section, Table
from caseload.services.caseloads import CouncilData
from caseload.services.learning import frame_rows, learning_records, training_status
from caseload.services.pipeline import pipeline_figures

COUNT = ColumnKind.COUNT
PERCENT = ColumnKind.PERCENT


def training_figures(engine: Engine, council: CouncilData, day: date) -> dict[str, Any] | None:
    """The section's figures on ``day`` (None when the council has no courses or placements)."""
    records = learning_records(engine, council)
    if records.courses.height == 0 and records.placements.height == 0:
        return None
    status = training_status(engine, council, day)
    by_service = training.compliance(status, "service").drop_nulls("service")
    return {
        "as_at": day,
        "has_training": records.courses.height > 0,
        "council": frame_rows(training.compliance(status))[0],
        "by_service": frame_rows(by_service),
        "pipeline": pipeline_figures(engine, council, day),
    }


def training_section(figures: dict[str, Any] | None) -> Section | None:
    if figures is None:
        return None
    tables: list[Table] = []
    commentary: list[str] = []
    council = figures["council"]
    if figures["has_training"] and council["pairs"]:
        commentary.append(
            f"{council['compliant']:,} of {council['pairs']:,} mandatory courses required of "
            f"staff in post were up to date ({council['compliance']:.1f}%); "
            f"{council['missing']:,} never completed, {council['expired']:,} expired and "
            f"{council['expiring']:,} expiring within {training.EXPIRING_DAYS} days."
        )
        columns = (
            Column("service", "Service"),
            Column("pairs", "Required", COUNT),
            Column("compliant", "Up to date", COUNT),
            Column("missing", "Never completed", COUNT),
            Column("expired", "Expired", COUNT),
            Column("compliance", "Compliance", PERCENT, 1),
        )
        rows = [*figures["by_service"], {**council, "service": "All services"}]
        tables.append(
            Table(
                "Mandatory training compliance by service",
                columns,
                tuple({column.key: row.get(column.key) for column in columns} for row in rows),
                note="A course counts from its completion to its expiry date; own staff in post "
                "on the day, each with the mandatory courses of their role.",
            )
        )
    pipeline = figures["pipeline"]
    if pipeline["has_pipeline"]:
        on_placement = sum(row["learners"] for row in pipeline["learners"])
        places = pipeline["educators"]
        commentary.append(
            f"{on_placement:,} students and apprentices were on placement; "
            f"{places['educators']:,} practice educators had {places['capacity']:,} places, "
            f"{places['in_use']:,} in use."
        )
        year_columns = (
            Column("year", "Year"),
            Column("qualified", "Passed their final placement", COUNT),
            Column("converted", "Started an ASYE post here", COUNT),
            Column("conversion_rate", "Share", PERCENT, 1),
        )
        tables.append(
            Table(
                "Placements and conversions to ASYE posts by year",
                year_columns,
                tuple(
                    {
                        column.key: (
                            str(row[column.key]) if column.key == "year" else row[column.key]
                        )
                        for column in year_columns
                    }
                    for row in pipeline["conversions"]
                ),
            )
        )
    if not tables:
        return None
    return Section(
        key="learning",
        title="Learning and the pipeline",
        commentary=tuple(commentary),
        tables=tuple(tables),
    )
