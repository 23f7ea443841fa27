"""Planning and writing the SSD's visits and reviews.

Both are matched on their SSD id (``external_id``), like statuses and allocations: a new id is
added, a known id whose child, dates or flags the source corrects is corrected. A visit or review
is an event, not a spell, so one the source no longer has is removed (a warning names it), but
only when it falls inside the period the source covers (on or after the earliest visit, or
review, of that kind in the source): SSD extracts cover a window of years, and older records that
have dropped out of it are kept. Only the kinds whose tables are present are reconciled; records
without an SSD id are never touched. A visit or review of a child that is neither in the extract
nor already in Caseload is an error."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import polars as pl
from sqlalchemy import Connection

from caseload.importers.plan import TablePlan, same
from caseload.importers.problems import Severity, combine, problems_where
from caseload.importers.ssd import SsdExtract
from caseload.storage import import_writes as store

if TYPE_CHECKING:
    from caseload.importers.ssd_plan import SsdState

VISIT_COLUMNS = ("child_ref", "case_type", "visit_date", "seen", "seen_alone", "recorded_date")
REVIEW_COLUMNS = ("child_ref", "case_type", "due_date", "review_date")


def _unknown_children(
    incoming: pl.DataFrame, extract: SsdExtract, state: SsdState, what: str
) -> pl.DataFrame:
    known = pl.concat([extract.children.select("child_ref"), state.children.select("child_ref")])
    unknown = incoming.join(known.unique(), on="child_ref", how="anti")
    return combine(
        *[
            problems_where(
                group,
                pl.lit(True),
                severity=Severity.ERROR,
                file=str(name[0]),
                column=None,
                value=pl.col("child_ref"),
                problem=pl.format(
                    f"{what} {{}} is of a child who has no plan, allocation or referral in the "
                    "extract and is not in Caseload",
                    pl.col("external_id").str.replace(r"^[a-z]+:", ""),
                ),
                action="include the child's plan or involvement in the extract, or correct the "
                "person id",
            )
            for name, group in unknown.group_by("_file")
        ]
    )


def _reconcile(
    table: str,
    incoming: pl.DataFrame,
    existing: pl.DataFrame,
    columns: tuple[str, ...],
    kinds: tuple[str, ...],
    placed: Callable[[str], pl.Expr],
    what: str,
) -> tuple[TablePlan, pl.DataFrame]:
    """``existing``: id, external_id and ``columns`` (the child as child_ref). ``placed(suffix)``
    is the date a record is placed at, over the columns named with ``suffix``."""
    current = existing.filter(pl.col("case_type").is_in(list(kinds))).rename(
        {c: f"{c}_db" for c in columns}
    )
    joined = incoming.join(current, on="external_id", how="left")
    new = joined.filter(pl.col("id").is_null())
    changed = joined.filter(
        pl.col("id").is_not_null() & ~pl.all_horizontal([same(c, f"{c}_db") for c in columns])
    )
    window = incoming.group_by("case_type").agg(
        placed("").min().alias("_from"), pl.col("_file").first()
    )
    gone = (
        current.join(incoming.select("external_id"), on="external_id", how="anti")
        .join(window.rename({"case_type": "case_type_db"}), on="case_type_db")
        .filter(placed("_db") >= pl.col("_from"))
    )
    plan = TablePlan(
        table,
        new.select("external_id", *columns),
        changed.select("id", *columns),
        added=new.height,
        changed=changed.height,
        ended=gone.height,
        deletes=gone.select("id"),
    )
    warnings = combine(
        *[
            problems_where(
                group.with_columns(pl.lit(None, dtype=pl.Int64).alias("_row")),
                pl.lit(True),
                severity=Severity.WARNING,
                file=str(name[0]),
                column=None,
                value=pl.col("external_id").str.replace(r"^[a-z]+:", ""),
                problem=f"the {what} is no longer in the source; it is removed",
                action="if it was deleted in error, restore it in the case system",
            )
            for name, group in gone.group_by("_file")
        ]
    )
    return plan, warnings


def plan_practice(
    extract: SsdExtract, state: SsdState
) -> tuple[TablePlan, TablePlan, pl.DataFrame]:
    """The visit and review plans, with their problems."""
    practice = extract.practice
    visits, visit_warnings = _reconcile(
        "visit",
        practice.visits,
        state.visits,
        VISIT_COLUMNS,
        practice.visit_kinds,
        lambda suffix: pl.col(f"visit_date{suffix}"),
        "visit",
    )
    reviews, review_warnings = _reconcile(
        "review",
        practice.reviews,
        state.reviews,
        REVIEW_COLUMNS,
        practice.review_kinds,
        lambda suffix: pl.coalesce(f"review_date{suffix}", f"due_date{suffix}"),
        "review",
    )
    problems = combine(
        _unknown_children(practice.visits, extract, state, "visit"),
        _unknown_children(practice.reviews, extract, state, "review"),
        visit_warnings,
        review_warnings,
    )
    return visits, reviews, problems


def write_practice(
    connection: Connection,
    authority: int,
    visits: TablePlan,
    reviews: TablePlan,
    children: pl.DataFrame,
) -> None:
    """Removals, corrections, then new rows (``children``: child_id, child_ref)."""
    for plan in (visits, reviews):
        store.delete_where_in(connection, plan.table, "id", plan.deletes["id"])
        store.update_frame(
            connection,
            plan.table,
            plan.updates.join(children, on="child_ref").drop("child_ref"),
        )
        store.insert_frame(
            connection,
            plan.table,
            plan.inserts.join(children, on="child_ref")
            .drop("child_ref")
            .with_columns(pl.lit(authority).alias("authority_id")),
        )
