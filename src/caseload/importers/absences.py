"""Absence episodes from the HR system: check, plan and write.

An episode is identified by its absence id when the extract has one, else by its start date and
reason for the worker. A re-import updates an episode's end date and working days lost (an episode
that gains an end date counts as ended); episodes missing from a later extract are kept. With no
working-days-lost column, the weekdays from start to end (or to the as-at date while open) are
counted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl
from sqlalchemy import Connection

from caseload.importers.load import write_absences
from caseload.importers.plan import LoadPlan, TablePlan, given_and_different, same_number
from caseload.importers.problems import Severity, combine, problems_where
from caseload.importers.values import MappedRows, raw

UPDATABLE = ("end_date", "reason", "working_days_lost")


@dataclass(frozen=True)
class AbsenceExtract:
    file: str
    episodes: pl.DataFrame  # staff_number, external_id, start_date, end_date, reason, days, _row
    problems: pl.DataFrame
    rows: int
    staff_column: str


def weekdays(start: pl.Series, end: pl.Series) -> pl.Series:
    """Weekdays from ``start`` to ``end`` inclusive, element-wise."""
    first = start.to_numpy().astype("datetime64[D]")
    last = end.to_numpy().astype("datetime64[D]") + np.timedelta64(1, "D")
    return pl.Series(np.busday_count(first, last).astype(np.float64))


def check_absences(mapped: MappedRows, *, as_at: date) -> AbsenceExtract:
    frame = mapped.frame.unique(
        subset=[c for c in mapped.frame.columns if c.startswith("raw_")],
        keep="first",
        maintain_order=True,
    )
    file = mapped.file
    problems = [mapped.problems]

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
    error(pl.col("raw_start_date").is_null(), "start_date", "no start date", "fill it in")
    error(pl.col("raw_reason").is_null(), "reason", "no absence reason", "fill it in")
    error(
        pl.col("end_date") < pl.col("start_date"),
        "end_date",
        "end date before start date",
        "correct the dates",
    )
    error(
        pl.col("working_days_lost") < 0,
        "working_days_lost",
        "working days lost below 0",
        "correct the days lost",
    )
    error(
        pl.col("absence_id").str.len_chars() > 60,
        "absence_id",
        "is longer than 60 characters",
        "shorten the id",
    )
    valid = frame.filter(
        pl.col("staff_number").is_not_null()
        & pl.col("start_date").is_not_null()
        & pl.col("reason").is_not_null()
    )
    counted_to = pl.min_horizontal(pl.col("end_date").fill_null(as_at), pl.lit(as_at))
    valid = valid.with_columns(counted_to.alias("_to"))
    if valid.height:
        counted = weekdays(valid["start_date"], valid["_to"]).clip(lower_bound=0)
    else:
        counted = pl.Series([], dtype=pl.Float64)
    episodes = valid.with_columns(
        pl.coalesce(pl.col("working_days_lost"), counted).round(2).alias("working_days_lost"),
        pl.coalesce(
            pl.col("absence_id"),
            pl.col("start_date").cast(pl.Utf8) + pl.lit("/") + pl.col("reason"),
        ).alias("external_id"),
    ).select(
        "staff_number",
        "external_id",
        "start_date",
        "end_date",
        "reason",
        "working_days_lost",
        "_row",
    )
    key = ["staff_number", "external_id"]
    clash = episodes.with_columns(pl.col("_row").min().over(key).alias("_first")).filter(
        pl.col("_row") != pl.col("_first")
    )
    problems.append(
        problems_where(
            clash,
            pl.lit(True),
            severity=Severity.ERROR,
            file=file,
            column=mapped.headers.get("start_date", "start_date"),
            value=pl.col("start_date").cast(pl.Utf8),
            problem=pl.format(
                "the same absence as row {} with different details", pl.col("_first")
            ),
            action="keep one row per absence episode",
        )
    )
    staff_column = mapped.headers.get("staff_number", "staff_number")
    return AbsenceExtract(file, episodes, combine(*problems), mapped.frame.height, staff_column)


def plan_absences(
    extract: AbsenceExtract, *, workers: pl.DataFrame, existing: pl.DataFrame
) -> LoadPlan:
    ids = workers.select(pl.col("id").alias("worker_id"), "staff_number")
    episodes = extract.episodes.join(ids, on="staff_number", how="left")
    unknown = problems_where(
        episodes,
        pl.col("worker_id").is_null(),
        severity=Severity.ERROR,
        file=extract.file,
        column=extract.staff_column,
        value=pl.col("staff_number"),
        problem="no worker has this staff number",
        action="load the HR extract with this worker first, or correct the staff number",
    )
    known = episodes.filter(pl.col("worker_id").is_not_null())
    current = existing.rename({c: f"{c}_db" for c in (*UPDATABLE, "start_date")})
    joined = known.join(current, on=["worker_id", "external_id"], how="left")
    new = joined.filter(pl.col("id").is_null())
    matched = joined.filter(pl.col("id").is_not_null())
    differs = (
        given_and_different("end_date", "end_date_db")
        | given_and_different("reason", "reason_db")
        | ~same_number("working_days_lost", "working_days_lost_db")
    )
    updates = matched.filter(differs).select(
        "id",
        pl.coalesce("end_date", "end_date_db").alias("end_date"),
        pl.coalesce("reason", "reason_db").alias("reason"),
        pl.col("working_days_lost"),
        (pl.col("end_date_db").is_null() & pl.col("end_date").is_not_null()).alias("_ended"),
    )
    ended = int(updates["_ended"].sum())
    overlap = _overlapping(known, extract.file)
    plan = LoadPlan()
    plan.add(
        TablePlan(
            "absence",
            new.select(
                "staff_number",
                "external_id",
                "start_date",
                "end_date",
                "reason",
                "working_days_lost",
            ),
            updates.drop("_ended"),
            added=new.height,
            changed=updates.height - ended,
            ended=ended,
        )
    )
    plan.problems = combine(extract.problems, unknown, overlap)
    return plan


def _overlapping(episodes: pl.DataFrame, file: str) -> pl.DataFrame:
    ordered = episodes.sort("staff_number", "start_date")
    reach = pl.col("end_date").fill_null(date.max).cum_max().shift(1).over("staff_number")
    return problems_where(
        ordered.with_columns(reach.alias("_reach")),
        pl.col("_reach").is_not_null() & (pl.col("start_date") <= pl.col("_reach")),
        severity=Severity.WARNING,
        file=file,
        column=None,
        value=pl.col("start_date").cast(pl.Utf8),
        problem=pl.format("staff number {} has overlapping absences", pl.col("staff_number")),
        action="check the absence dates; overlapping days may be counted twice",
    )


def write_absence_plan(connection: Connection, authority: int, plan: LoadPlan) -> None:
    write_absences(connection, authority, plan.tables["absence"])
