"""Statutory visits and reviews from the Standard Safeguarding Dataset: the columns read from
``ssd_cin_visits``, ``ssd_cp_visits``, ``ssd_cla_visits``, ``ssd_cp_reviews`` and
``ssd_cla_reviews`` (data-to-insight's SSD specification), and the checks that need no database.

- A visit is identified by its table and id (``cin:V1``, ``cp:V1``, ``cla:V1``: the ids of two
  tables may clash). The SSD has no worker on a visit, so the visit's worker is left blank (the
  analysis takes the child's allocated worker on the day). Only ``ssd_cp_visits`` can say when
  the visit was written up: ``cppv_casenote_date`` (the case note's creation date, in earlier
  versions of the specification); other visits have no recording date.
- ``seen`` and ``seen alone`` are Y/N flags read like every SSD flag; a flag that is neither is
  left blank (a warning). A child marked seen alone but not seen is loaded as not seen alone (a
  warning).
- A CP review names its child in ``cppr_person_id``; a CLA review names the child's looked-after
  record (``clar_cla_id``), found through ``clae_cla_id`` in ``ssd_cla_episodes``. A review marked
  cancelled is not loaded. A review needs a due date or the date it was held.
- A visit or review dated after the extract's as-at date is an error, as is a recording date
  after it; a recording date before the visit is left blank (a warning)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

import polars as pl

from caseload.importers.fields import FieldKind
from caseload.importers.problems import Severity, combine, one_problem, problems_where

T, D, B = FieldKind.TEXT, FieldKind.DATE, FieldKind.BOOL
# table -> column -> (kind, required), as ssd.COLUMNS
PRACTICE_COLUMNS: Final[dict[str, dict[str, tuple[FieldKind, bool]]]] = {
    "ssd_cin_visits": {
        "cinv_cin_visit_id": (T, True),
        "cinv_person_id": (T, True),
        "cinv_cin_visit_date": (D, True),
        "cinv_cin_visit_seen": (B, False),
        "cinv_cin_visit_seen_alone": (B, False),
    },
    "ssd_cp_visits": {
        "cppv_cp_visit_id": (T, True),
        "cppv_person_id": (T, True),
        "cppv_cp_plan_id": (T, False),
        "cppv_cp_visit_date": (D, True),
        "cppv_cp_visit_seen": (B, False),
        "cppv_cp_visit_seen_alone": (B, False),
        "cppv_casenote_date": (D, False),
    },
    "ssd_cla_visits": {
        "clav_cla_visit_id": (T, True),
        "clav_person_id": (T, True),
        "clav_cla_id": (T, False),
        "clav_cla_visit_date": (D, True),
        "clav_cla_visit_seen": (B, False),
        "clav_cla_visit_seen_alone": (B, False),
    },
    "ssd_cp_reviews": {
        "cppr_cp_review_id": (T, True),
        "cppr_person_id": (T, True),
        "cppr_cp_plan_id": (T, False),
        "cppr_cp_review_due": (D, False),
        "cppr_cp_review_date": (D, False),
        "cppr_cp_review_cancelled": (B, False),
    },
    "ssd_cla_reviews": {
        "clar_cla_review_id": (T, True),
        "clar_cla_id": (T, True),
        "clar_cla_review_due_date": (D, False),
        "clar_cla_review_date": (D, False),
        "clar_cla_review_cancelled": (B, False),
    },
}
PRACTICE_TABLES: Final = tuple(PRACTICE_COLUMNS)

VISIT_SCHEMA: Final = pl.Schema(
    {
        "external_id": pl.Utf8,
        "child_ref": pl.Utf8,
        "case_type": pl.Utf8,
        "visit_date": pl.Date,
        "seen": pl.Boolean,
        "seen_alone": pl.Boolean,
        "recorded_date": pl.Date,
        "_row": pl.Int64,
        "_file": pl.Utf8,
    }
)
REVIEW_SCHEMA: Final = pl.Schema(
    {
        "external_id": pl.Utf8,
        "child_ref": pl.Utf8,
        "case_type": pl.Utf8,
        "due_date": pl.Date,
        "review_date": pl.Date,
        "_row": pl.Int64,
        "_file": pl.Utf8,
    }
)


@dataclass(frozen=True)
class VisitTable:
    table: str
    case_type: str
    id: str
    person: str
    visited: str
    seen: str
    alone: str
    recorded: str | None


@dataclass(frozen=True)
class ReviewTable:
    table: str
    case_type: str
    id: str
    subject: str  # the person id, or the looked-after record id (CLA)
    due: str
    held: str
    cancelled: str


VISIT_TABLES: Final = (
    VisitTable("ssd_cin_visits", "cin", "cinv_cin_visit_id", "cinv_person_id",
               "cinv_cin_visit_date", "cinv_cin_visit_seen", "cinv_cin_visit_seen_alone", None),
    VisitTable("ssd_cp_visits", "cp", "cppv_cp_visit_id", "cppv_person_id", "cppv_cp_visit_date",
               "cppv_cp_visit_seen", "cppv_cp_visit_seen_alone", "cppv_casenote_date"),
    VisitTable("ssd_cla_visits", "cla", "clav_cla_visit_id", "clav_person_id",
               "clav_cla_visit_date", "clav_cla_visit_seen", "clav_cla_visit_seen_alone", None),
)  # fmt: skip
REVIEW_TABLES: Final = (
    ReviewTable("ssd_cp_reviews", "cp", "cppr_cp_review_id", "cppr_person_id",
                "cppr_cp_review_due", "cppr_cp_review_date", "cppr_cp_review_cancelled"),
    ReviewTable("ssd_cla_reviews", "cla", "clar_cla_review_id", "clar_cla_id",
                "clar_cla_review_due_date", "clar_cla_review_date", "clar_cla_review_cancelled"),
)  # fmt: skip
LATER_AS_AT = "correct the date in the case management system, or import with a later --as-at"


@dataclass(frozen=True)
class PracticeExtract:
    """Visits and reviews from the SSD, with the case types whose tables the source has (only
    those are reconciled with what Caseload holds)."""

    visits: pl.DataFrame  # VISIT_SCHEMA
    reviews: pl.DataFrame  # REVIEW_SCHEMA
    visit_kinds: tuple[str, ...]
    review_kinds: tuple[str, ...]
    problems: pl.DataFrame


def no_practice() -> PracticeExtract:
    return PracticeExtract(
        pl.DataFrame(schema=VISIT_SCHEMA), pl.DataFrame(schema=REVIEW_SCHEMA), (), (), combine()
    )


def repeated_ids(frame: pl.DataFrame, file: str, column: str) -> pl.DataFrame:
    """An error for each row whose id an earlier row of the table already has."""
    marked = frame.filter(pl.col(column).is_not_null()).with_columns(
        pl.col("_row").min().over(column).alias("_first")
    )
    return problems_where(
        marked,
        pl.col("_row") != pl.col("_first"),
        severity=Severity.ERROR,
        file=file,
        column=column,
        value=pl.col(column),
        problem=pl.format("the same id as row {}", pl.col("_first")),
        action="each row needs its own id; remove the repeated row",
    )


def _after(frame: pl.DataFrame, file: str, column: str, as_at: date) -> pl.DataFrame:
    return problems_where(
        frame,
        (pl.col(column) > as_at).fill_null(False),
        severity=Severity.ERROR,
        file=file,
        column=column,
        value=pl.col(f"raw_{column}"),
        problem=f"is after the extract's as-at date ({as_at.isoformat()})",
        action=LATER_AS_AT,
    )


def _visits(
    spec: VisitTable, frame: pl.DataFrame, file: str, as_at: date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    visited = pl.col(spec.visited)
    recorded = pl.col(spec.recorded) if spec.recorded else pl.lit(None, dtype=pl.Date)
    problems = [repeated_ids(frame, file, spec.id), _after(frame, file, spec.visited, as_at)]
    if spec.recorded:
        problems.append(_after(frame, file, spec.recorded, as_at))
        problems.append(
            problems_where(
                frame,
                (recorded < visited).fill_null(False),
                severity=Severity.WARNING,
                file=file,
                column=spec.recorded,
                value=pl.col(f"raw_{spec.recorded}"),
                problem=f"is before the visit ({spec.visited}); the recording date is left blank",
                action="correct the date in the case management system",
            )
        )
    contradiction = pl.col(spec.alone).fill_null(False) & ~pl.col(spec.seen).fill_null(True)
    problems.append(
        problems_where(
            frame,
            contradiction,
            severity=Severity.WARNING,
            file=file,
            column=spec.alone,
            value=pl.col(f"raw_{spec.alone}"),
            problem="the child is marked seen alone but not seen; loaded as not seen alone",
            action="correct the visit in the case management system",
        )
    )
    visits = (
        frame.filter(
            pl.col(spec.id).is_not_null()
            & pl.col(spec.person).is_not_null()
            & visited.is_not_null()
        )
        .unique(subset=[spec.id], keep="first", maintain_order=True)
        .select(
            (pl.lit(f"{spec.case_type}:") + pl.col(spec.id)).alias("external_id"),
            pl.col(spec.person).alias("child_ref"),
            pl.lit(spec.case_type).alias("case_type"),
            visited.alias("visit_date"),
            pl.col(spec.seen).alias("seen"),
            pl.when(contradiction).then(False).otherwise(pl.col(spec.alone)).alias("seen_alone"),
            pl.when(recorded >= visited).then(recorded).alias("recorded_date"),
            "_row",
            pl.lit(file).alias("_file"),
        )
    )
    return visits.cast(VISIT_SCHEMA), combine(*problems)


def _cla_records(episodes: pl.DataFrame | None) -> pl.DataFrame | None:
    """Looked-after record id -> child, from ``ssd_cla_episodes`` (None when it has no ids)."""
    if episodes is None or episodes["clae_cla_id"].is_null().all():
        return None
    return (
        episodes.filter(
            pl.col("clae_cla_id").is_not_null() & pl.col("clae_person_id").is_not_null()
        )
        .unique(subset=["clae_cla_id"], keep="first", maintain_order=True)
        .select(pl.col("clae_cla_id").alias("_subject"), pl.col("clae_person_id").alias("_child"))
    )


def _reviews(
    spec: ReviewTable,
    frame: pl.DataFrame,
    file: str,
    as_at: date,
    typed: dict[str, pl.DataFrame],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    held = pl.col(spec.held)
    live = frame.filter(~pl.col(spec.cancelled).fill_null(False))
    problems = [
        repeated_ids(frame, file, spec.id),
        _after(live, file, spec.held, as_at),
        problems_where(
            live,
            pl.col(spec.due).is_null() & held.is_null(),
            severity=Severity.ERROR,
            file=file,
            column=spec.due,
            value=None,
            problem=f"the review has neither a due date ({spec.due}) nor a date held ({spec.held})",
            action="fill in the due date in the case management system",
        ),
    ]
    subject = live.with_columns(pl.col(spec.subject).alias("_subject"))
    if spec.case_type == "cla":
        records = _cla_records(typed.get("ssd_cla_episodes"))
        if records is None:
            if live.height:
                problems.append(
                    one_problem(
                        severity=Severity.ERROR,
                        file=file,
                        column=spec.subject,
                        problem="a CLA review names the child's looked-after record, found through "
                        "clae_cla_id in ssd_cla_episodes, which the extract does not have",
                        action="export ssd_cla_episodes with its clae_cla_id column",
                    )
                )
            records = pl.DataFrame(schema={"_subject": pl.Utf8, "_child": pl.Utf8})
        else:
            unknown = subject.filter(pl.col("_subject").is_not_null()).join(
                records, on="_subject", how="anti"
            )
            problems.append(
                problems_where(
                    unknown,
                    pl.lit(True),
                    severity=Severity.ERROR,
                    file=file,
                    column=spec.subject,
                    value=pl.col("_subject"),
                    problem="no looked-after record in ssd_cla_episodes has this clae_cla_id",
                    action="include the child's episode in ssd_cla_episodes, or correct the id",
                )
            )
        subject = subject.join(records, on="_subject", how="inner")
    else:
        subject = subject.with_columns(pl.col("_subject").alias("_child"))
    reviews = (
        subject.filter(
            pl.col(spec.id).is_not_null()
            & pl.col("_child").is_not_null()
            & (pl.col(spec.due).is_not_null() | held.is_not_null())
        )
        .unique(subset=[spec.id], keep="first", maintain_order=True)
        .select(
            (pl.lit(f"{spec.case_type}:") + pl.col(spec.id)).alias("external_id"),
            pl.col("_child").alias("child_ref"),
            pl.lit(spec.case_type).alias("case_type"),
            pl.col(spec.due).alias("due_date"),
            held.alias("review_date"),
            "_row",
            pl.lit(file).alias("_file"),
        )
    )
    return reviews.cast(REVIEW_SCHEMA), combine(*problems)


def check_practice(
    typed: dict[str, pl.DataFrame], files: dict[str, str], as_at: date
) -> PracticeExtract:
    """Visits and reviews from the typed SSD tables present (see the module's rules)."""
    visits, reviews, problems = [], [], []
    for visit_table in VISIT_TABLES:
        if visit_table.table in typed:
            name = visit_table.table
            found, trouble = _visits(visit_table, typed[name], files[name], as_at)
            visits.append(found)
            problems.append(trouble)
    for review_table in REVIEW_TABLES:
        if review_table.table in typed:
            name = review_table.table
            found, trouble = _reviews(review_table, typed[name], files[name], as_at, typed)
            reviews.append(found)
            problems.append(trouble)
    return PracticeExtract(
        visits=pl.concat(visits) if visits else pl.DataFrame(schema=VISIT_SCHEMA),
        reviews=pl.concat(reviews) if reviews else pl.DataFrame(schema=REVIEW_SCHEMA),
        visit_kinds=tuple(t.case_type for t in VISIT_TABLES if t.table in typed),
        review_kinds=tuple(t.case_type for t in REVIEW_TABLES if t.table in typed),
        problems=combine(*problems),
    )
