"""The ASYE programme: each newly qualified worker's Assessed and Supported Year in Employment,
its reviews against the Knowledge and Skills Statement, its outcome and its cohort.

**The programme.** One row per programme (``programmes``: programme_id, worker_id, start_date,
assessor, mentor, outcome, outcome_date, extended_to). ``outcome`` is ``pass``, ``extend`` or
``fail`` (null while none is recorded); it counts from ``outcome_date`` on. An extension runs the
year on to ``extended_to``; a programme extended and later passed keeps its ``extended_to``.

**Review due dates.** Reviews fall 3, 6 and 12 calendar months after the start
(:data:`REVIEW_MONTHS`): the same day of the month, or the month's last day when it has no such
day, so a programme started on 31 January has its first review due on 30 April, and one started
on 30 November has it due on 28 February (29 in a leap year). An extension adds one more point,
``extension``, due on the day the extension ends. A recorded due date (``reviews.due_date``)
stands in for the calculated one. Points falling after a pass or fail are not needed.

**Overdue.** On ``as_at`` a review is *overdue* when it was due before ``as_at``, is not held on
or before ``as_at``, and the programme has no pass or fail recorded by then; *missed* when the
programme ended (pass or fail) without it; *held* (``late`` when held after its due date) or
*due* (not yet due) otherwise.

**The year used by the caseload rules.** :func:`asye_years` gives each worker's recorded ASYE
year (first and last day) for :func:`caseload.caseloads.definitions.asye_status`, which prefers
it to the year worked out from the qualification date and first post."""

from __future__ import annotations

from datetime import date
from typing import Final

import polars as pl

from caseload.caseloads.definitions import over_case_cap
from caseload.domain.learning_records import PROGRAMME_SCHEMA as PROGRAMME_SCHEMA
from caseload.domain.learning_records import REVIEW_SCHEMA as REVIEW_SCHEMA

REVIEW_MONTHS: Final = (3, 6, 12)
EXTENSION: Final = "extension"
ENDING: Final = ("pass", "fail")
JUDGEMENT_LABELS: Final = {
    "on_track": "On track",
    "concerns": "Some concerns",
    "not_on_track": "Not on track",
}
STATUS_LABELS: Final = {
    "not_started": "Not started",
    "in_programme": "In programme",
    "extended": "Extended",
    "passed": "Passed",
    "failed": "Failed",
}
REVIEW_STATUS_LABELS: Final = {
    "held": "Held on time",
    "late": "Held late",
    "overdue": "Overdue",
    "due": "Not yet due",
    "missed": "Not held before the outcome",
}


def months_after(day: pl.Expr, months: int) -> pl.Expr:
    """The day ``months`` calendar months after ``day`` (the month's last day when it is short)."""
    return day.dt.offset_by(f"{months}mo")


def _ended(as_at: date) -> pl.Expr:
    """The programme has a pass or fail recorded on or before ``as_at``."""
    return pl.col("outcome").is_in(list(ENDING)) & (pl.col("outcome_date") <= as_at)


def due_points(programmes: pl.DataFrame) -> pl.DataFrame:
    """Each programme's review points and calculated due dates: programme_id, worker_id,
    review_point ("3", "6", "12", "extension"), due_date. Points after a pass or fail are
    dropped."""
    regular = [
        programmes.select(
            "programme_id",
            "worker_id",
            pl.lit(str(months)).alias("review_point"),
            months_after(pl.col("start_date"), months).alias("due_date"),
            "outcome",
            "outcome_date",
        )
        for months in REVIEW_MONTHS
    ]
    extension = programmes.filter(pl.col("extended_to").is_not_null()).select(
        "programme_id",
        "worker_id",
        pl.lit(EXTENSION).alias("review_point"),
        pl.col("extended_to").alias("due_date"),
        "outcome",
        "outcome_date",
    )
    after_end = pl.col("outcome").is_in(list(ENDING)) & (
        pl.col("due_date") > pl.col("outcome_date")
    )
    return (
        pl.concat([*regular, extension])
        .filter(~after_end.fill_null(False))
        .select("programme_id", "worker_id", "review_point", "due_date")
        .sort("programme_id", "due_date")
    )


def review_schedule(programmes: pl.DataFrame, reviews: pl.DataFrame, as_at: date) -> pl.DataFrame:
    """Each review point of the programmes started on or before ``as_at``, with its state:
    programme_id, worker_id, review_point, due_date, held_date (null unless held on or before
    ``as_at``), judgement, status (held, late, overdue, due, missed), days_overdue (0 unless
    overdue)."""
    started = programmes.filter(pl.col("start_date") <= as_at)
    recorded = reviews.select(
        "programme_id",
        "review_point",
        pl.col("due_date").alias("_recorded_due"),
        pl.when(pl.col("held_date") <= as_at).then(pl.col("held_date")).alias("held_date"),
        pl.when(pl.col("held_date") <= as_at).then(pl.col("judgement")).alias("judgement"),
    )
    ended = started.select("programme_id", _ended(as_at).alias("_ended"))
    frame = (
        due_points(started)
        .join(recorded, on=["programme_id", "review_point"], how="left")
        .join(ended, on="programme_id")
        .with_columns(pl.coalesce("_recorded_due", "due_date").alias("due_date"))
    )
    held, due = pl.col("held_date"), pl.col("due_date")
    status = (
        pl.when(held.is_not_null() & (held > due))
        .then(pl.lit("late"))
        .when(held.is_not_null())
        .then(pl.lit("held"))
        .when(pl.col("_ended"))
        .then(pl.lit("missed"))
        .when(due < as_at)
        .then(pl.lit("overdue"))
        .otherwise(pl.lit("due"))
    )
    return (
        frame.with_columns(status.alias("status"))
        .with_columns(
            pl.when(pl.col("status") == "overdue")
            .then((pl.lit(as_at) - due).dt.total_days())
            .otherwise(0)
            .cast(pl.Int64)
            .alias("days_overdue")
        )
        .select(
            "programme_id",
            "worker_id",
            "review_point",
            "due_date",
            "held_date",
            "judgement",
            "status",
            "days_overdue",
        )
        .sort("programme_id", "due_date")
    )


def overdue_reviews(schedule: pl.DataFrame) -> pl.DataFrame:
    """The overdue review points of :func:`review_schedule`, longest overdue first."""
    return schedule.filter(pl.col("status") == "overdue").sort(
        "days_overdue", "programme_id", descending=[True, False]
    )


def programme_status(programmes: pl.DataFrame, as_at: date) -> pl.DataFrame:
    """The programmes with their status on ``as_at`` (not_started, in_programme, extended,
    passed, failed) and ``year_ends`` (the last day of the year: the extension's end when
    extended, else the day before the 12-month point)."""
    decided = pl.col("outcome_date") <= as_at
    status = (
        pl.when(pl.col("start_date") > as_at)
        .then(pl.lit("not_started"))
        .when(decided & (pl.col("outcome") == "pass"))
        .then(pl.lit("passed"))
        .when(decided & (pl.col("outcome") == "fail"))
        .then(pl.lit("failed"))
        .when(decided & (pl.col("outcome") == "extend"))
        .then(pl.lit("extended"))
        .otherwise(pl.lit("in_programme"))
    )
    year_ends = pl.coalesce(
        "extended_to", months_after(pl.col("start_date"), 12) - pl.duration(days=1)
    )
    return programmes.with_columns(status.alias("status"), year_ends.alias("year_ends"))


def census_year(day: pl.Expr) -> pl.Expr:
    """The census year (1 October to 30 September, named by the year it ends in) of a day."""
    return (day.dt.year() + (day.dt.month() >= 10).cast(pl.Int32)).cast(pl.Int64)


COHORT_COLUMNS: Final = ("in_programme", "extended", "passed", "failed")


def cohorts(programmes: pl.DataFrame, as_at: date) -> pl.DataFrame:
    """Programmes started on or before ``as_at`` by cohort (the census year of the start):
    cohort, started, in_programme, extended, passed, failed (on ``as_at``)."""
    status = programme_status(programmes.filter(pl.col("start_date") <= as_at), as_at)
    return (
        status.group_by(census_year(pl.col("start_date")).alias("cohort"))
        .agg(
            pl.len().cast(pl.Int64).alias("started"),
            *[
                (pl.col("status") == name).sum().cast(pl.Int64).alias(name)
                for name in COHORT_COLUMNS
            ],
        )
        .sort("cohort")
    )


def asye_years(programmes: pl.DataFrame) -> pl.DataFrame:
    """Each worker's recorded ASYE year, for the caseload rules: worker_id, asye_recorded_from
    (the programme's start), asye_recorded_until (its last day: the extension's end when
    extended, else the day before the 12-month point, cut to the day before a pass or fail).
    A worker with more than one programme: the latest started."""
    year_ends = pl.coalesce(
        "extended_to", months_after(pl.col("start_date"), 12) - pl.duration(days=1)
    )
    decided = pl.col("outcome").is_in(list(ENDING)) & pl.col("outcome_date").is_not_null()
    until = (
        pl.when(decided)
        .then(pl.min_horizontal(year_ends, pl.col("outcome_date") - pl.duration(days=1)))
        .otherwise(year_ends)
    )
    return (
        programmes.sort("start_date")
        .group_by("worker_id")
        .last()
        .select(
            "worker_id",
            pl.col("start_date").alias("asye_recorded_from"),
            until.alias("asye_recorded_until"),
        )
        .sort("worker_id")
    )


def with_asye_years(workers: pl.DataFrame, programmes: pl.DataFrame) -> pl.DataFrame:
    """``workers`` with the recorded ASYE year columns of :func:`asye_years` (null where none)."""
    years = asye_years(programmes)
    kept = workers.drop("asye_recorded_from", "asye_recorded_until", strict=False)
    return kept.join(years, on="worker_id", how="left")


def protected_caseload(caseloads: pl.DataFrame) -> pl.DataFrame:
    """ASYE workers' caseload against the ASYE cap on the day of a caseload report
    (``caseloads``: the report's workers, with role, in_post, case_holding, cases and
    cap_cases): worker_id, cases, cap_cases, over_cap (the caseload engine's
    :func:`caseload.caseloads.definitions.over_case_cap`)."""
    return caseloads.filter(pl.col("role") == "asye").select(
        "worker_id", "cases", "cap_cases", over_case_cap().fill_null(False).alias("over_cap")
    )


def programme_view(
    programmes: pl.DataFrame,
    schedule: pl.DataFrame,
    as_at: date,
    *,
    caseloads: pl.DataFrame | None = None,
    supervision: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per programme started on or before ``as_at``: the programme, its status, the next
    review point not yet held (next_review, next_due), overdue_reviews (count), and when given,
    the caseload against the ASYE cap (cases, cap_cases, over_cap) and the supervision schedule
    (last_supervision, supervision_next_due, supervision_overdue: from
    :func:`caseload.practice.supervision.supervision_position`)."""
    status = programme_status(programmes.filter(pl.col("start_date") <= as_at), as_at)
    pending = (
        schedule.filter(pl.col("status").is_in(["overdue", "due"]))
        .sort("due_date")
        .group_by("programme_id")
        .agg(
            pl.col("review_point").first().alias("next_review"),
            pl.col("due_date").first().alias("next_due"),
            (pl.col("status") == "overdue").sum().cast(pl.Int64).alias("overdue_reviews"),
        )
    )
    frame = status.join(pending, on="programme_id", how="left").with_columns(
        pl.col("overdue_reviews").fill_null(0)
    )
    if caseloads is not None:
        frame = frame.join(protected_caseload(caseloads), on="worker_id", how="left")
    if supervision is not None:
        frame = frame.join(
            supervision.select(
                "worker_id",
                "last_supervision",
                pl.col("next_due").alias("supervision_next_due"),
                pl.col("overdue").alias("supervision_overdue"),
            ),
            on="worker_id",
            how="left",
        )
    return frame.sort("start_date", "programme_id")
