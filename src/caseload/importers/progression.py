"""Progression applications from a CSV or Excel file: check, plan and write.

One row per application: the worker's staff number, the role held and the role applied for (in
Caseload's codes or the usual words: social worker, senior social worker, advanced practitioner,
team manager), the day of the application, and, once decided, the day and the outcome
(approved, refused or withdrawn), with an optional note of the evidence offered. A re-import is
safe: an application is known by its worker, the role applied for and the day; one the file
repeats unchanged is left alone, one it changes is updated, and others are kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import Connection

from caseload.importers.fields import LADDER_CODES
from caseload.importers.hr import drop_duplicates
from caseload.importers.plan import LoadPlan, TablePlan, write_changes
from caseload.importers.problems import Severity, combine, problems_where
from caseload.importers.values import MappedRows, raw

KEY = ("worker_id", "to_role", "applied_date")
COMPARED = ("from_role", "decided_date", "outcome", "evidence_note")
RANK = {role: index for index, role in enumerate(LADDER_CODES)}


@dataclass(frozen=True)
class ProgressionExtract:
    file: str
    applications: pl.DataFrame
    problems: pl.DataFrame
    rows: int
    headers: dict[str, str]

    def column(self, field: str) -> str:
        return self.headers.get(field, field)


def check_progression(mapped: MappedRows, *, as_at: date) -> ProgressionExtract:
    """The file's applications and the problems in them, row by row."""
    file = mapped.file
    frame, repeats = drop_duplicates(mapped.frame, file)
    problems = [mapped.problems, repeats]

    def error(condition: pl.Expr, field: str, problem: str, action: str) -> None:
        problems.append(
            problems_where(
                frame,
                condition.fill_null(False),
                severity=Severity.ERROR,
                file=file,
                column=mapped.headers.get(field, field),
                value=pl.col(raw(field)),
                problem=problem,
                action=action,
            )
        )

    for field, what in (
        ("staff_number", "no staff number"),
        ("from_role", "no role held"),
        ("to_role", "no role applied for"),
        ("applied_date", "no application date"),
    ):
        error(pl.col(raw(field)).is_null(), field, what, "fill it in")

    def rank(column: str) -> pl.Expr:
        return pl.col(column).replace_strict(RANK, default=None, return_dtype=pl.Int64)

    error(
        rank("to_role") <= rank("from_role"),
        "to_role",
        "the role applied for is not above the role held",
        "correct the roles: an application is to a higher role",
    )
    applied, decided = pl.col("applied_date"), pl.col("decided_date")
    error(
        applied > as_at,
        "applied_date",
        f"the application is dated after the extract date {as_at.isoformat()}",
        "correct the date",
    )
    error(
        decided < applied,
        "decided_date",
        "the decision is dated before the application",
        "correct the decision date or the application date",
    )
    error(
        decided > as_at,
        "decided_date",
        f"the decision is dated after the extract date {as_at.isoformat()}",
        "correct the date, or leave it blank until the decision is made",
    )
    error(
        pl.col("outcome").is_not_null() & decided.is_null(),
        "decided_date",
        "an outcome without the day of the decision",
        "fill in the decision date",
    )
    error(
        pl.col("outcome").is_null() & decided.is_not_null(),
        "outcome",
        "a decision date without an outcome",
        "fill in approved, refused or withdrawn, or clear the date",
    )
    applications = frame.filter(
        pl.col("staff_number").is_not_null()
        & pl.col("from_role").is_not_null()
        & pl.col("to_role").is_not_null()
        & applied.is_not_null()
    ).select("staff_number", "to_role", "applied_date", *COMPARED, "_row")
    return ProgressionExtract(
        file, applications, combine(*problems), mapped.frame.height, mapped.headers
    )


def plan_progression(
    extract: ProgressionExtract, *, workers: pl.DataFrame, held: pl.DataFrame
) -> LoadPlan:
    """Match staff numbers to workers and plan the new and the changed applications."""
    ids = workers.select(pl.col("id").alias("worker_id"), "staff_number")
    rows = extract.applications.join(ids, on="staff_number", how="left")
    unknown = problems_where(
        rows,
        pl.col("worker_id").is_null(),
        severity=Severity.ERROR,
        file=extract.file,
        column=extract.column("staff_number"),
        value=pl.col("staff_number"),
        problem="no worker has this staff number",
        action="load the HR extract with this worker first, or correct the staff number",
    )
    known = rows.filter(pl.col("worker_id").is_not_null()).with_columns(
        pl.col("_row").min().over(KEY).alias("_first")
    )
    clash = problems_where(
        known,
        pl.col("_row") != pl.col("_first"),
        severity=Severity.ERROR,
        file=extract.file,
        column=extract.column("applied_date"),
        value=pl.col("applied_date").cast(pl.Utf8),
        problem=pl.format(
            "the same application as row {} with different details", pl.col("_first")
        ),
        action="keep one row per worker, role applied for and day",
    )
    known = known.filter(pl.col("_row") == pl.col("_first"))
    old = held.rename({c: f"old_{c}" for c in COMPARED})
    matched = known.join(old, on=list(KEY), how="left")
    unchanged = pl.all_horizontal([pl.col(c).eq_missing(pl.col(f"old_{c}")) for c in COMPARED])
    new = matched.filter(pl.col("id").is_null())
    changed = matched.filter(pl.col("id").is_not_null() & ~unchanged)
    plan = LoadPlan()
    plan.add(
        TablePlan(
            "progression_application",
            new.select(*KEY, *COMPARED),
            changed.select("id", *COMPARED),
            added=new.height,
            changed=changed.height,
        )
    )
    plan.problems = combine(extract.problems, unknown, clash)
    return plan


def write_progression_plan(connection: Connection, authority: int, plan: LoadPlan) -> None:
    write_changes(connection, plan.tables["progression_application"], authority)
