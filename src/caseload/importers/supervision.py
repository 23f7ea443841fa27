"""Supervision records from a CSV or Excel file: check, plan and write.

One row per supervision session: the worker's staff number, the supervisor's (optional), the
day, the type (formal, group, reflective or ad hoc, in the usual words or through the mapping's
``values: kind:``), the minutes it lasted (optional) and the record's id in the source system
(optional). A re-import replaces the council's records for the period the file covers
(:mod:`caseload.importers.practice_plan`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import Connection

from caseload.importers.hr import drop_duplicates
from caseload.importers.plan import LoadPlan, TablePlan, write_changes
from caseload.importers.practice_plan import KEY, record_key, removed_warning, replace_period
from caseload.importers.problems import (
    Severity,
    combine,
    problems_where,
)
from caseload.importers.values import MappedRows, raw

LONGEST_MINUTES = 600
COMPARED = ("worker_id", "supervisor_id", "supervision_date", "kind", "duration_minutes")
UNKNOWN_WORKER_ACTION = "load the HR extract with this worker first, or correct the staff number"


@dataclass(frozen=True)
class SupervisionExtract:
    file: str
    sessions: pl.DataFrame  # staff_number, supervisor_staff_number, supervision_date, kind, ...
    problems: pl.DataFrame
    rows: int
    headers: dict[str, str]

    def column(self, field: str) -> str:
        return self.headers.get(field, field)


def check_supervision(mapped: MappedRows, *, as_at: date) -> SupervisionExtract:
    """The file's sessions and the problems in them, row by row (nothing is matched yet)."""
    file = mapped.file
    frame, repeats = drop_duplicates(mapped.frame, file)
    problems = [mapped.problems, repeats]

    def error(condition: pl.Expr, field: str, problem: str, action: str) -> None:
        problems.append(
            problems_where(
                frame,
                condition,
                severity=Severity.ERROR,
                file=file,
                column=mapped.headers.get(field, field),
                value=pl.col(raw(field)),
                problem=problem,
                action=action,
            )
        )

    error(pl.col("staff_number").is_null(), "staff_number", "no staff number", "fill it in")
    error(
        pl.col(raw("supervision_date")).is_null(),
        "supervision_date",
        "no supervision date",
        "fill it in",
    )
    error(
        pl.col(raw("kind")).is_null(),
        "kind",
        "no supervision type",
        "fill it in: formal, group, reflective or ad hoc",
    )
    error(
        pl.col("supervision_date") > as_at,
        "supervision_date",
        f"the supervision is dated after the extract date {as_at.isoformat()}",
        "correct the date, or load the file with the day it was taken as its extract date",
    )
    minutes = pl.col("duration_minutes")
    error(
        (minutes < 1) | (minutes > LONGEST_MINUTES) | (minutes != minutes.round()),
        "duration_minutes",
        f"the duration is not a whole number of minutes from 1 to {LONGEST_MINUTES}",
        "correct the duration in minutes, or leave it blank",
    )
    error(
        pl.col("supervision_id").str.len_chars() > 80,
        "supervision_id",
        "is longer than 80 characters",
        "shorten the id",
    )
    error(
        pl.col("supervisor_staff_number") == pl.col("staff_number"),
        "supervisor_staff_number",
        "the supervisor is the supervised worker",
        "correct the supervisor's staff number, or leave it blank",
    )
    sessions = frame.filter(
        pl.col("staff_number").is_not_null()
        & pl.col("supervision_date").is_not_null()
        & pl.col("kind").is_not_null()
    ).select(
        "staff_number",
        "supervisor_staff_number",
        "supervision_date",
        "kind",
        pl.col("duration_minutes").round().cast(pl.Int64),
        pl.col("supervision_id").alias("external_id"),
        "_row",
    )
    return SupervisionExtract(
        file, sessions, combine(*problems), mapped.frame.height, mapped.headers
    )


def supervision_key() -> pl.Expr:
    return record_key(
        "external_id",
        [pl.col("worker_id"), pl.col("supervision_date"), pl.col("kind"), pl.col("supervisor_id")],
    )


def plan_supervision(
    extract: SupervisionExtract, *, workers: pl.DataFrame, held: pl.DataFrame
) -> LoadPlan:
    """Match staff numbers to the council's workers and plan the replacement of the period."""
    ids = workers.select(pl.col("id").alias("worker_id"), "staff_number")
    supervisors = ids.rename({"worker_id": "supervisor_id", "staff_number": "supervisor_key"})
    sessions = extract.sessions.join(ids, on="staff_number", how="left").join(
        supervisors,
        left_on="supervisor_staff_number",
        right_on="supervisor_key",
        how="left",
    )
    unknown = problems_where(
        sessions,
        pl.col("worker_id").is_null(),
        severity=Severity.ERROR,
        file=extract.file,
        column=extract.column("staff_number"),
        value=pl.col("staff_number"),
        problem="no worker has this staff number",
        action=UNKNOWN_WORKER_ACTION,
    )
    unknown_supervisor = problems_where(
        sessions,
        pl.col("supervisor_staff_number").is_not_null() & pl.col("supervisor_id").is_null(),
        severity=Severity.ERROR,
        file=extract.file,
        column=extract.column("supervisor_staff_number"),
        value=pl.col("supervisor_staff_number"),
        problem="no worker has this staff number",
        action="load the HR extract with the supervisor first, correct the staff number, or "
        "leave it blank",
    )
    known = sessions.filter(
        pl.col("worker_id").is_not_null()
        & (pl.col("supervisor_staff_number").is_null() | pl.col("supervisor_id").is_not_null())
    ).with_columns(supervision_key())
    clash = problems_where(
        known.with_columns(pl.col("_row").min().over(KEY).alias("_first")),
        pl.col("_row") != pl.col("_first"),
        severity=Severity.ERROR,
        file=extract.file,
        column=extract.column("supervision_date"),
        value=pl.col("supervision_date").cast(pl.Utf8),
        problem=pl.format(
            "the same supervision as row {} with different details", pl.col("_first")
        ),
        action="keep one row per supervision, or give each its own record id",
    )
    replacement = replace_period(
        known,
        held.with_columns(supervision_key()),
        date_column="supervision_date",
        compared=COMPARED,
    )
    plan = LoadPlan()
    plan.add(
        TablePlan(
            "supervision",
            replacement.new.select(*COMPARED, "external_id"),
            replacement.updates,
            added=replacement.new.height,
            changed=replacement.updates.height,
            ended=replacement.removed.height,
            deletes=replacement.removed,
        )
    )
    plan.problems = combine(
        extract.problems,
        unknown,
        unknown_supervisor,
        clash,
        removed_warning(replacement.removed.height, known, "supervision_date", extract.file),
    )
    return plan


def write_supervision_plan(connection: Connection, authority: int, plan: LoadPlan) -> None:
    write_changes(connection, plan.tables["supervision"], authority)
