"""Agency engagements from a CSV or Excel file: check, plan and write.

One row per agency worker's assignment: the worker's staff number (the worker is loaded from the
HR extract first, as an agency spell), the agency, the DfE core job type, the dates, the hourly
pay rate, on-costs and agency fee, post-qualifying experience, the previous substantive role,
the notice period, the reference and the sign-offs above the price cap. A re-import replaces the
council's engagements starting in the period the file covers
(:mod:`caseload.importers.practice_plan`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import Connection

from caseload.importers.hr import drop_duplicates
from caseload.importers.plan import LoadPlan, TablePlan, write_changes
from caseload.importers.practice_plan import KEY, record_key, removed_warning, replace_period
from caseload.importers.problems import Severity, combine, problems_where
from caseload.importers.values import MappedRows, raw

HIGHEST_RATE = 200.0
COMPARED = (
    "worker_id",
    "agency",
    "job_type",
    "start_date",
    "end_date",
    "pay_rate",
    "on_costs",
    "agency_fee",
    "pqe_date",
    "pqe_years",
    "pqe_evidence",
    "previous_council",
    "previous_region",
    "previous_end_date",
    "previous_exemption",
    "notice_weeks",
    "reference_practice_based",
    "reference_date",
    "director_signoff_date",
    "chief_executive_signoff_date",
    "project_team",
)
FILE_COLUMNS = tuple(c for c in COMPARED if c != "worker_id")
UNKNOWN_WORKER_ACTION = (
    "load the HR extract with this agency worker first, or correct the staff number"
)


@dataclass(frozen=True)
class AgencyExtract:
    file: str
    engagements: pl.DataFrame  # staff_number, the FILE_COLUMNS, external_id, _row
    problems: pl.DataFrame
    rows: int
    headers: dict[str, str]

    def column(self, field: str) -> str:
        return self.headers.get(field, field)


def check_agency(mapped: MappedRows, *, as_at: date) -> AgencyExtract:
    """The file's engagements and the problems in them, row by row (nothing is matched yet)."""
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
    error(pl.col("agency").is_null(), "agency", "no agency", "fill in the agency's name")
    error(
        pl.col(raw("job_type")).is_null(),
        "job_type",
        "no job type",
        "fill it in: social worker, senior social worker, advanced practitioner, team manager, "
        "or independent reviewing officer",
    )
    error(pl.col(raw("start_date")).is_null(), "start_date", "no start date", "fill it in")
    error(
        pl.col("start_date") > as_at,
        "start_date",
        f"the engagement starts after the extract date {as_at.isoformat()}",
        "correct the date, or load the file with the day it was taken as its extract date",
    )
    error(
        pl.col("end_date") < pl.col("start_date"),
        "end_date",
        "the engagement ends before it starts",
        "correct the start or end date",
    )
    error(pl.col(raw("pay_rate")).is_null(), "pay_rate", "no hourly pay rate", "fill it in")
    for field in ("pay_rate", "on_costs", "agency_fee"):
        error(
            (pl.col(field) <= 0) if field == "pay_rate" else (pl.col(field) < 0),
            field,
            "is not an hourly amount in pounds",
            "write the amount per hour, such as 32.50",
        )
        error(
            pl.col(field) > HIGHEST_RATE,
            field,
            f"is above £{HIGHEST_RATE:.0f} an hour",
            "write the amount per hour, not per day or week",
        )
    error(
        (pl.col("pqe_years") < 0) | (pl.col("pqe_years") > 60),
        "pqe_years",
        "is not a number of years from 0 to 60",
        "correct the years of post-qualifying experience",
    )
    error(
        pl.col("pqe_date") > pl.col("start_date"),
        "pqe_date",
        "post-qualifying experience begins after the engagement starts",
        "correct the date experience began",
    )
    error(
        (pl.col("notice_weeks") < 0) | (pl.col("notice_weeks") > 26),
        "notice_weeks",
        "is not a notice period from 0 to 26 weeks",
        "write the notice period in weeks",
    )
    error(
        pl.col("previous_council").is_not_null()
        & ~pl.col("previous_council").str.contains(r"^\d{3}$"),
        "previous_council",
        "is not a 3-digit council code",
        "write the council's 3-digit code (as in the census LEA), or leave it blank",
    )
    engagements = frame.filter(
        pl.col("staff_number").is_not_null()
        & pl.col("agency").is_not_null()
        & pl.col("job_type").is_not_null()
        & pl.col("start_date").is_not_null()
        & pl.col("pay_rate").is_not_null()
    ).select(
        "staff_number",
        *FILE_COLUMNS,
        pl.col("engagement_id").alias("external_id"),
        "_row",
    )
    return AgencyExtract(file, engagements, combine(*problems), mapped.frame.height, mapped.headers)


def engagement_key() -> pl.Expr:
    return record_key("external_id", [pl.col("worker_id"), pl.col("start_date"), pl.col("agency")])


def plan_agency(extract: AgencyExtract, *, workers: pl.DataFrame, held: pl.DataFrame) -> LoadPlan:
    """Match staff numbers to the council's workers and plan the replacement of the period."""
    ids = workers.select(pl.col("id").alias("worker_id"), "staff_number")
    rows = extract.engagements.join(ids, on="staff_number", how="left").with_columns(
        pl.col("project_team").fill_null(False)
    )
    unknown = problems_where(
        rows,
        pl.col("worker_id").is_null(),
        severity=Severity.ERROR,
        file=extract.file,
        column=extract.column("staff_number"),
        value=pl.col("staff_number"),
        problem="no worker has this staff number",
        action=UNKNOWN_WORKER_ACTION,
    )
    known = rows.filter(pl.col("worker_id").is_not_null()).with_columns(engagement_key())
    clash = problems_where(
        known.with_columns(pl.col("_row").min().over(KEY).alias("_first")),
        pl.col("_row") != pl.col("_first"),
        severity=Severity.ERROR,
        file=extract.file,
        column=extract.column("start_date"),
        value=pl.col("start_date").cast(pl.Utf8),
        problem=pl.format("the same engagement as row {} with different details", pl.col("_first")),
        action="keep one row per engagement, or give each its own engagement id",
    )
    replacement = replace_period(
        known,
        held.with_columns(engagement_key()),
        date_column="start_date",
        compared=COMPARED,
    )
    plan = LoadPlan()
    plan.add(
        TablePlan(
            "agency_engagement",
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
        clash,
        removed_warning(replacement.removed.height, known, "start_date", extract.file),
    )
    return plan


def write_agency_plan(connection: Connection, authority: int, plan: LoadPlan) -> None:
    write_changes(connection, plan.tables["agency_engagement"], authority)
