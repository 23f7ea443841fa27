"""ASYE programmes from a CSV or Excel file: check, plan and write.

One row per programme: the worker's staff number, the first day, the assessor and the mentor or
practice educator (optional), the outcome (pass, extend or fail, in the usual words) with its
day, the extension's last day, and each review's held day and judgement (3, 6 and 12 months and
the extension's). A re-import is safe: a programme is known by its worker and first day; one
the file repeats unchanged is left alone, one it changes is replaced with its reviews, and
programmes the file does not mention are kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import Connection

from caseload.importers.hr import drop_duplicates
from caseload.importers.plan import LoadPlan, TablePlan
from caseload.importers.problems import Severity, combine, problems_where
from caseload.importers.values import MappedRows, raw
from caseload.storage import import_writes as store
from caseload.storage.learning_frames import REVIEW_PREFIXES, programme_ids

PROGRAMME_COLUMNS = (
    "assessor",
    "mentor",
    "outcome",
    "outcome_date",
    "extended_to",
)
REVIEW_COLUMNS = tuple(
    f"{prefix}_{part}" for prefix in REVIEW_PREFIXES.values() for part in ("held", "judgement")
)
COMPARED = (*PROGRAMME_COLUMNS, *REVIEW_COLUMNS)
UNKNOWN_WORKER_ACTION = "load the HR extract with this worker first, or correct the staff number"


@dataclass(frozen=True)
class AsyeExtract:
    file: str
    programmes: pl.DataFrame
    problems: pl.DataFrame
    rows: int
    headers: dict[str, str]

    def column(self, field: str) -> str:
        return self.headers.get(field, field)


def check_asye(mapped: MappedRows, *, as_at: date) -> AsyeExtract:
    """The file's programmes and the problems in them, row by row (nothing is matched yet)."""
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

    start, outcome = pl.col("start_date"), pl.col("outcome")
    error(pl.col("staff_number").is_null(), "staff_number", "no staff number", "fill it in")
    error(pl.col(raw("start_date")).is_null(), "start_date", "no start date", "fill it in")
    error(
        start > as_at,
        "start_date",
        f"the programme starts after the extract date {as_at.isoformat()}",
        "correct the date, or load it once the programme has started",
    )
    error(
        outcome.is_not_null() & pl.col("outcome_date").is_null(),
        "outcome_date",
        "an outcome without its date",
        "fill in the day of the outcome",
    )
    error(
        outcome.is_null() & pl.col("outcome_date").is_not_null(),
        "outcome",
        "an outcome date without an outcome",
        "fill in the outcome (pass, extend or fail), or clear the date",
    )
    error(
        pl.col("outcome_date") < start,
        "outcome_date",
        "the outcome is dated before the programme started",
        "correct the outcome date or the start date",
    )
    error(
        pl.col("outcome_date") > as_at,
        "outcome_date",
        f"the outcome is dated after the extract date {as_at.isoformat()}",
        "correct the date, or leave the outcome blank until it is decided",
    )
    error(
        (outcome == "extend") & pl.col("extended_to").is_null(),
        "extended_to",
        "an extension without the day it ends",
        "fill in the last day of the extension",
    )
    error(
        pl.col("extended_to") <= start,
        "extended_to",
        "the extension ends before the programme started",
        "correct the extension's last day",
    )
    for prefix in REVIEW_PREFIXES.values():
        held = pl.col(f"{prefix}_held")
        error(
            held < start,
            f"{prefix}_held",
            "the review is dated before the programme started",
            "correct the review date or the start date",
        )
        error(
            held > as_at,
            f"{prefix}_held",
            f"the review is dated after the extract date {as_at.isoformat()}",
            "correct the date, or leave it blank until the review is held",
        )
        error(
            pl.col(f"{prefix}_judgement").is_not_null() & held.is_null(),
            f"{prefix}_judgement",
            "a judgement without the day the review was held",
            "fill in the review date, or clear the judgement",
        )
    programmes = frame.filter(pl.col("staff_number").is_not_null() & start.is_not_null()).select(
        "staff_number", "start_date", *COMPARED, "_row"
    )
    return AsyeExtract(file, programmes, combine(*problems), mapped.frame.height, mapped.headers)


def plan_asye(extract: AsyeExtract, *, workers: pl.DataFrame, held: pl.DataFrame) -> LoadPlan:
    """Match staff numbers to workers and plan the new and the replaced programmes."""
    ids = workers.select(pl.col("id").alias("worker_id"), "staff_number")
    rows = extract.programmes.join(ids, on="staff_number", how="left")
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
    known = rows.filter(pl.col("worker_id").is_not_null()).with_columns(
        pl.col("_row").min().over("worker_id", "start_date").alias("_first")
    )
    clash = problems_where(
        known,
        pl.col("_row") != pl.col("_first"),
        severity=Severity.ERROR,
        file=extract.file,
        column=extract.column("start_date"),
        value=pl.col("start_date").cast(pl.Utf8),
        problem=pl.format("the same programme as row {} with different details", pl.col("_first")),
        action="keep one row per worker and programme start",
    )
    known = known.filter(pl.col("_row") == pl.col("_first"))
    old = held.rename({c: f"old_{c}" for c in COMPARED}).rename({"id": "old_id"})
    matched = known.join(old, on=["worker_id", "start_date"], how="left")
    unchanged = pl.all_horizontal([pl.col(c).eq_missing(pl.col(f"old_{c}")) for c in COMPARED])
    new = matched.filter(pl.col("old_id").is_null())
    changed = matched.filter(pl.col("old_id").is_not_null() & ~unchanged)
    plan = LoadPlan()
    plan.add(
        TablePlan(
            "asye_programme",
            pl.concat([new, changed]).select("worker_id", "start_date", *COMPARED),
            pl.DataFrame(schema={"id": pl.Int64}),
            added=new.height,
            changed=changed.height,
            deletes=changed.select(pl.col("old_id").alias("id")),
        )
    )
    plan.problems = combine(extract.problems, unknown, clash)
    return plan


def write_asye_plan(connection: Connection, authority: int, plan: LoadPlan) -> None:
    table = plan.tables["asye_programme"]
    replaced = table.deletes["id"]
    store.delete_where_in(connection, "asye_review", "programme_id", replaced)
    store.delete_where_in(connection, "asye_programme", "id", replaced)
    store.insert_frame(
        connection,
        "asye_programme",
        table.inserts.select("worker_id", "start_date", *PROGRAMME_COLUMNS).with_columns(
            pl.lit(authority).alias("authority_id")
        ),
    )
    written = programme_ids(connection, authority).join(
        table.inserts, on=["worker_id", "start_date"]
    )
    reviews = pl.concat(
        [
            written.filter(
                pl.col(f"{prefix}_held").is_not_null() | pl.col(f"{prefix}_judgement").is_not_null()
            ).select(
                pl.col("id").alias("programme_id"),
                pl.lit(point).alias("review_point"),
                pl.col(f"{prefix}_held").alias("held_date"),
                pl.col(f"{prefix}_judgement").alias("judgement"),
            )
            for point, prefix in REVIEW_PREFIXES.items()
        ]
    )
    store.insert_frame(connection, "asye_review", reviews)
