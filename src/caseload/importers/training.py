"""Training records from a CSV or Excel file: check, plan and write.

One row per course a worker completed: the worker's staff number, the course (its code or its
title in the academy's catalogue, ``caseload academy load``), the day it was completed, the day
it expires (optional: when blank, worked out from the course's renewal period; a course never
renewed does not expire) and the record's id in the source system (optional). A re-import
replaces the council's records for the period of completion days the file covers
(:mod:`caseload.importers.practice_plan`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import Connection

from caseload.importers.hr import drop_duplicates
from caseload.importers.mapping import normal
from caseload.importers.plan import LoadPlan, TablePlan, write_changes
from caseload.importers.practice_plan import KEY, record_key, removed_warning, replace_period
from caseload.importers.problems import Severity, combine, problems_where
from caseload.importers.supervision import UNKNOWN_WORKER_ACTION
from caseload.importers.values import MappedRows, raw
from caseload.practice.training import expiry_after

COMPARED = ("worker_id", "course_id", "completed_date", "expiry_date")


@dataclass(frozen=True)
class TrainingExtract:
    file: str
    records: pl.DataFrame  # staff_number, course, completed_date, expiry_date, external_id, _row
    problems: pl.DataFrame
    rows: int
    headers: dict[str, str]

    def column(self, field: str) -> str:
        return self.headers.get(field, field)


def check_training(mapped: MappedRows, *, as_at: date) -> TrainingExtract:
    """The file's training records and the problems in them, row by row (courses and workers
    are matched when the load is planned)."""
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
    error(pl.col("course").is_null(), "course", "no course", "fill in the course code or title")
    error(
        pl.col(raw("completed_date")).is_null(),
        "completed_date",
        "no completion date",
        "fill in the day the course was completed",
    )
    error(
        pl.col("completed_date") > as_at,
        "completed_date",
        f"the course is completed after the extract date {as_at.isoformat()}",
        "correct the date, or load the file with the day it was taken as its extract date",
    )
    error(
        pl.col("expiry_date") <= pl.col("completed_date"),
        "expiry_date",
        "the expiry date is not after the completion date",
        "correct the expiry date, or leave it blank to work it out from the course",
    )
    error(
        pl.col("training_id").str.len_chars() > 80,
        "training_id",
        "is longer than 80 characters",
        "shorten the id",
    )
    records = frame.filter(
        pl.col("staff_number").is_not_null()
        & pl.col("course").is_not_null()
        & pl.col("completed_date").is_not_null()
    ).select(
        "staff_number",
        "course",
        "completed_date",
        "expiry_date",
        pl.col("training_id").alias("external_id"),
        "_row",
    )
    return TrainingExtract(file, records, combine(*problems), mapped.frame.height, mapped.headers)


def training_key() -> pl.Expr:
    return record_key(
        "external_id", [pl.col("worker_id"), pl.col("course_id"), pl.col("completed_date")]
    )


def course_names(courses: pl.DataFrame) -> pl.DataFrame:
    """course_key, course_id, renewal_months: each course found by its code or its title (case
    and spaces ignored)."""
    keys = [
        courses.select(pl.col(column).alias("course_key"), "course_id", "renewal_months")
        for column in ("code", "title")
    ]
    return (
        pl.concat(keys)
        .with_columns(pl.col("course_key").map_elements(normal, return_dtype=pl.Utf8))
        .unique("course_key", keep="first")
    )


def plan_training(
    extract: TrainingExtract,
    *,
    workers: pl.DataFrame,
    courses: pl.DataFrame,
    held: pl.DataFrame,
) -> LoadPlan:
    """Match staff numbers and courses, work out blank expiry dates and plan the replacement of
    the period."""
    ids = workers.select(pl.col("id").alias("worker_id"), "staff_number")
    records = (
        extract.records.with_columns(
            pl.col("course").map_elements(normal, return_dtype=pl.Utf8).alias("course_key")
        )
        .join(ids, on="staff_number", how="left")
        .join(course_names(courses), on="course_key", how="left")
    )
    unknown = problems_where(
        records,
        pl.col("worker_id").is_null(),
        severity=Severity.ERROR,
        file=extract.file,
        column=extract.column("staff_number"),
        value=pl.col("staff_number"),
        problem="no worker has this staff number",
        action=UNKNOWN_WORKER_ACTION,
    )
    unknown_course = problems_where(
        records,
        pl.col("course_id").is_null(),
        severity=Severity.ERROR,
        file=extract.file,
        column=extract.column("course"),
        value=pl.col("course"),
        problem="no course in the academy's catalogue has this code or title",
        action="correct the course, or add it to the academy's catalogue file and load that first",
    )
    known = (
        records.filter(pl.col("worker_id").is_not_null() & pl.col("course_id").is_not_null())
        .with_columns(
            pl.coalesce(
                "expiry_date", expiry_after(pl.col("completed_date"), pl.col("renewal_months"))
            ).alias("expiry_date")
        )
        .with_columns(training_key())
    )
    clash = problems_where(
        known.with_columns(pl.col("_row").min().over(KEY).alias("_first")),
        pl.col("_row") != pl.col("_first"),
        severity=Severity.ERROR,
        file=extract.file,
        column=extract.column("completed_date"),
        value=pl.col("completed_date").cast(pl.Utf8),
        problem=pl.format(
            "the same training record as row {} with different details", pl.col("_first")
        ),
        action="keep one row per course completed, or give each its own record id",
    )
    replacement = replace_period(
        known,
        held.with_columns(training_key()),
        date_column="completed_date",
        compared=COMPARED,
    )
    plan = LoadPlan()
    plan.add(
        TablePlan(
            "training_record",
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
        unknown_course,
        clash,
        removed_warning(replacement.removed.height, known, "completed_date", extract.file),
    )
    return plan


def write_training_plan(connection: Connection, authority: int, plan: LoadPlan) -> None:
    write_changes(connection, plan.tables["training_record"], authority)
