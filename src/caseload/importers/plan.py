"""What a load will do to each table: rows to add and rows to update, with counts of what was
added, changed and ended. Plans are computed from the source and the database's current records
before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl
from sqlalchemy import Connection

from caseload.importers.problems import no_problems
from caseload.storage import import_writes as store


@dataclass(frozen=True)
class TablePlan:
    """Inserts carry natural keys (staff number, team key, post reference, child reference) that
    the loader resolves to ids; updates carry ``id`` and the columns' final values; ``deletes``
    the ``id`` of each row to remove: records the source no longer has (visits, reviews) or that a
    re-import replaces (supervision records, audits), counted as ended."""

    table: str
    inserts: pl.DataFrame
    updates: pl.DataFrame
    added: int = 0
    changed: int = 0
    ended: int = 0
    deletes: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema={"id": pl.Int64}))

    def counts(self) -> dict[str, int]:
        return {"added": self.added, "changed": self.changed, "ended": self.ended}


def write_changes(connection: Connection, changes: TablePlan, authority: int) -> None:
    """Write one table's plan for a council: its deletes, then its updates, then its inserts
    (stamped with the council), in the caller's transaction."""
    store.delete_where_in(connection, changes.table, "id", changes.deletes["id"])
    store.update_frame(connection, changes.table, changes.updates)
    store.insert_frame(
        connection,
        changes.table,
        changes.inserts.with_columns(pl.lit(authority).alias("authority_id")),
    )


@dataclass
class LoadPlan:
    tables: dict[str, TablePlan] = field(default_factory=dict)
    problems: pl.DataFrame = field(default_factory=no_problems)

    def add(self, plan: TablePlan) -> None:
        self.tables[plan.table] = plan

    def total(self, what: str) -> int:
        return sum(getattr(plan, what) for plan in self.tables.values())

    def counts(self) -> dict[str, dict[str, int]]:
        return {name: plan.counts() for name, plan in self.tables.items()}


def day_before(column: str) -> pl.Expr:
    return pl.col(column) - timedelta(days=1)


def clamp_end(end: pl.Expr, start: pl.Expr) -> pl.Expr:
    """An end date that is never before the start (a spell lasts at least its first day)."""
    return pl.max_horizontal(end, start)


def same(a: str, b: str) -> pl.Expr:
    """Null-safe equality of two columns."""
    return pl.col(a).eq_missing(pl.col(b))


def same_number(a: str, b: str) -> pl.Expr:
    return ((pl.col(a) - pl.col(b)).abs() < 1e-6).fill_null(
        pl.col(a).is_null() & pl.col(b).is_null()
    )


def given_and_different(new: str, old: str) -> pl.Expr:
    """The source gives a value and it differs from the database's (blanks never erase)."""
    return pl.col(new).is_not_null() & ~pl.col(new).eq_missing(pl.col(old))


def as_date(value: date) -> pl.Expr:
    return pl.lit(value, dtype=pl.Date)
