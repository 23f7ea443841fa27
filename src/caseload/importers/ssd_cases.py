"""Planning and writing children's statuses and allocations from the SSD.

Both are matched on their SSD id. An open record the source ends is ended; an open record whose
dates, worker or status the source corrects is corrected; a record that has ended in Caseload is
never rewritten (a warning names it). An open record missing from the source is ended the day
before the as-at date (an allocation ends before the child's next allocation if sooner). Only the
status tables present in the source are reconciled. Records without an SSD id (allocations made
in Caseload) are never touched, but no loaded allocation may overlap them."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import polars as pl
from sqlalchemy import Connection

from caseload.domain import AllocationRole
from caseload.importers.plan import LoadPlan, TablePlan, as_date, clamp_end, same
from caseload.importers.problems import Severity, combine, problems_where
from caseload.importers.ssd import SsdExtract
from caseload.storage import import_writes as store

if TYPE_CHECKING:
    from caseload.importers.ssd_plan import SsdState


def _reconcile(
    incoming: pl.DataFrame,
    existing: pl.DataFrame,
    compare: tuple[str, ...],
    as_at: date,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Split into (new rows, ended, corrected, history conflicts, vanished open records).
    ``existing`` has id, external_id, start_date, end_date and the ``compare`` columns."""
    current = existing.rename({c: f"{c}_db" for c in (*compare, "start_date", "end_date")})
    joined = incoming.join(current, on="external_id", how="left")
    new = joined.filter(pl.col("id").is_null())
    matched = joined.filter(pl.col("id").is_not_null())
    open_db = pl.col("end_date_db").is_null()
    same_rest = pl.all_horizontal([same(c, f"{c}_db") for c in (*compare, "start_date")])
    ended = matched.filter(open_db & pl.col("end_date").is_not_null())
    corrected = matched.filter(open_db & pl.col("end_date").is_null() & ~same_rest)
    history = matched.filter(~open_db & ~(same_rest & same("end_date", "end_date_db")))
    gone = current.filter(pl.col("end_date_db").is_null()).join(
        incoming.select("external_id"), on="external_id", how="anti"
    )
    fallback = clamp_end(as_date(as_at) - pl.duration(days=1), pl.col("start_date_db"))
    vanished = gone.with_columns(fallback.alias("end_date"))
    return new, ended, corrected, history, vanished


def _history_warnings(history: pl.DataFrame, file: pl.Expr, what: str) -> pl.DataFrame:
    if history.height == 0:
        return combine()
    return combine(
        *[
            problems_where(
                group,
                pl.lit(True),
                severity=Severity.WARNING,
                file=str(name[0]),
                column=None,
                value=pl.col("external_id"),
                problem=pl.format(
                    f"the source changes {what} that has already ended in Caseload (from {{}} to "
                    "{}); history is not rewritten",
                    pl.col("start_date_db"),
                    pl.col("end_date_db"),
                ),
                action="if the source is right, correct the record in Caseload; otherwise "
                "no action",
            )
            for name, group in history.with_columns(file.alias("_f")).group_by("_f")
        ]
    )


def plan_statuses(
    extract: SsdExtract, state: SsdState, as_at: date
) -> tuple[TablePlan, pl.DataFrame]:
    kinds = list(extract.status_kinds)
    existing = state.statuses.filter(pl.col("status").is_in(kinds)).select(
        "id", "external_id", "child_ref", "status", "start_date", "end_date"
    )
    new, ended, corrected, history, vanished = _reconcile(
        extract.statuses, existing, ("status", "child_ref"), as_at
    )
    updates = pl.concat(
        [
            ended.select("id", "status", "start_date", "end_date"),
            corrected.select("id", "status", "start_date", "end_date"),
            vanished.select(
                "id",
                pl.col("status_db").alias("status"),
                pl.col("start_date_db").alias("start_date"),
                "end_date",
            ),
        ]
    )
    inserts = new.select("child_ref", "status", "start_date", "end_date", "external_id")
    plan = TablePlan(
        "child_status",
        inserts,
        updates,
        added=new.height,
        changed=corrected.height,
        ended=ended.height + vanished.height,
    )
    return plan, _history_warnings(history, pl.col("_file"), "a child status")


def plan_allocations(
    extract: SsdExtract, state: SsdState, links: pl.DataFrame, as_at: date
) -> tuple[TablePlan, pl.DataFrame]:
    file = extract.files.get("ssd_involvements", "ssd_involvements")
    incoming = extract.allocations.join(links, on="prof_id", how="left")
    unlinked = problems_where(
        incoming,
        pl.col("staff_number").is_null(),
        severity=Severity.ERROR,
        file=file,
        column="invo_professional_id",
        value=pl.col("prof_id"),
        problem="the involvement's worker could not be linked to a worker record",
        action="give the worker a SWE number or staff number in ssd_professionals",
    )
    incoming = incoming.filter(pl.col("staff_number").is_not_null()).drop("prof_id")
    loaded = state.allocations.filter(pl.col("external_id").is_not_null()).select(
        "id",
        "external_id",
        "child_ref",
        "staff_number",
        "role",
        "start_date",
        "end_date",
        "change_reason",
    )
    new, ended, corrected, history, vanished = _reconcile(
        incoming.drop("change_reason"),
        loaded.drop("change_reason"),
        ("child_ref", "staff_number", "role"),
        as_at,
    )
    new = new.join(incoming.select("external_id", "change_reason"), on="external_id", how="left")
    ended = ended.join(
        incoming.select("external_id", "change_reason"), on="external_id", how="left"
    )
    corrected = corrected.join(
        incoming.select("external_id", "change_reason"), on="external_id", how="left"
    )
    # A vanished allocation ends before the child's next allocated worker starts, if sooner.
    next_start = (
        vanished.select("id", "child_ref_db", "start_date_db")
        .join(
            incoming.filter(pl.col("role") == AllocationRole.ALLOCATED_WORKER.value).select(
                pl.col("child_ref").alias("child_ref_db"), pl.col("start_date").alias("_next")
            ),
            on="child_ref_db",
        )
        .filter(pl.col("_next") > pl.col("start_date_db"))
        .group_by("id")
        .agg(pl.col("_next").min())
    )
    vanished = vanished.join(next_start, on="id", how="left").with_columns(
        clamp_end(
            pl.min_horizontal("end_date", pl.col("_next") - pl.duration(days=1)),
            pl.col("start_date_db"),
        ).alias("end_date")
    )
    columns = ("id", "worker", "child_ref", "role", "start_date", "end_date", "change_reason")
    updates = pl.concat(
        [
            ended.select(
                "id",
                pl.col("staff_number").alias("worker"),
                "child_ref",
                "role",
                "start_date",
                "end_date",
                "change_reason",
            ),
            corrected.select(
                "id",
                pl.col("staff_number").alias("worker"),
                "child_ref",
                "role",
                "start_date",
                "end_date",
                "change_reason",
            ),
            vanished.join(
                loaded.select("id", pl.col("change_reason").alias("_reason")), on="id"
            ).select(
                "id",
                pl.col("staff_number_db").alias("worker"),
                pl.col("child_ref_db").alias("child_ref"),
                pl.col("role_db").alias("role"),
                pl.col("start_date_db").alias("start_date"),
                "end_date",
                pl.col("_reason").alias("change_reason"),
            ),
        ]
    ).select(columns)
    inserts = new.select(
        pl.col("staff_number").alias("worker"),
        "child_ref",
        "role",
        "start_date",
        "end_date",
        "change_reason",
        "external_id",
    )
    problems = combine(
        unlinked,
        _history_warnings(history, pl.lit(file), "an allocation"),
        problems_where(
            vanished.with_columns(pl.lit(None, dtype=pl.Int64).alias("_row")),
            pl.lit(True),
            severity=Severity.WARNING,
            file=file,
            column=None,
            value=pl.col("external_id"),
            problem=pl.format(
                "the involvement is no longer in the source; its allocation is ended on {}",
                pl.col("end_date"),
            ),
            action="if the involvement was deleted in error, restore it in the case system",
        ),
        _overlaps(state.allocations, updates, new, file),
    )
    plan = TablePlan(
        "allocation",
        inserts,
        updates,
        added=new.height,
        changed=corrected.height,
        ended=ended.height + vanished.height,
    )
    return plan, problems


def _overlaps(
    existing: pl.DataFrame, updates: pl.DataFrame, new: pl.DataFrame, file: str
) -> pl.DataFrame:
    """New allocated-worker rows that overlap another allocated worker Caseload holds for the
    child after this load's updates (including allocations made in Caseload)."""
    allocated = AllocationRole.ALLOCATED_WORKER.value
    incoming = new.filter(pl.col("role") == allocated)
    if incoming.height == 0 or existing.height == 0:
        return combine()
    planned = updates.select("id", pl.col("end_date").alias("_planned"), pl.lit(True).alias("_u"))
    held = (
        existing.filter(pl.col("role") == allocated)
        .join(planned, on="id", how="left")
        .select(
            "child_ref",
            pl.col("id").alias("held_id"),
            pl.col("start_date").alias("held_start"),
            pl.when(pl.col("_u"))
            .then(pl.col("_planned"))
            .otherwise(pl.col("end_date"))
            .alias("held_end"),
        )
    )
    clash = incoming.join(held, on="child_ref").filter(
        (pl.col("held_start") <= pl.col("end_date").fill_null(date.max))
        & (pl.col("start_date") <= pl.col("held_end").fill_null(date.max))
    )
    return problems_where(
        clash.unique(subset=["external_id"], keep="first"),
        pl.lit(True),
        severity=Severity.ERROR,
        file=file,
        column="invo_involvement_start_date",
        value=pl.col("start_date").cast(pl.Utf8),
        problem=pl.format(
            "involvement {} allocates child {} while Caseload holds another allocated worker for "
            "them (allocation {} from {})",
            pl.col("external_id"),
            pl.col("child_ref"),
            pl.col("held_id"),
            pl.col("held_start"),
        ),
        action="end the other allocation (in the case system or in Caseload) before this one "
        "starts",
    )


def write_cases(
    connection: Connection, authority: int, plan: LoadPlan, children: pl.DataFrame
) -> None:
    """Statuses, then allocations: ends and corrections before new rows."""
    statuses = plan.tables["child_status"]
    store.update_frame(connection, "child_status", statuses.updates)
    store.insert_frame(
        connection,
        "child_status",
        statuses.inserts.join(children, on="child_ref")
        .drop("child_ref")
        .with_columns(pl.lit(authority).alias("authority_id")),
    )
    workers = store.workers_frame(connection, authority).select(
        pl.col("id").alias("worker_id"), pl.col("staff_number").alias("worker")
    )
    allocations = plan.tables["allocation"]

    def resolve(frame: pl.DataFrame) -> pl.DataFrame:
        return (
            frame.join(children, on="child_ref")
            .join(workers, on="worker")
            .drop("child_ref", "worker")
        )

    store.update_frame(connection, "allocation", resolve(allocations.updates))
    store.insert_frame(
        connection,
        "allocation",
        resolve(allocations.inserts).with_columns(pl.lit(authority).alias("authority_id")),
    )
