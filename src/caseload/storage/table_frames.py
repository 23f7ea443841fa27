"""Whole tables as Polars frames, one query each, for the analysts' Parquet export
(:mod:`caseload.services.parquet_export`).

A table's rows are those of the councils asked for: by its ``authority_id``, or for a table that
has none (a team's managers, an audit's domain grades, an ASYE programme's reviews, a census
return's records) through the first foreign key to a table that has one. The columns keep their
database names; their Polars types follow the column types (numbers with decimals as floats,
small integers as 16 bits, times as UTC)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl
from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Date,
    DateTime,
    Float,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Table,
    select,
)
from sqlalchemy.orm import Session

from caseload.storage.frames import read_frame
from caseload.storage.models import Base


def table_of(name: str) -> Table:
    """The table called ``name`` (every model is registered by importing the models)."""
    return Base.metadata.tables[name]


def table_names() -> list[str]:
    """Every table of the database, in an order where a table follows those it refers to."""
    return [table.name for table in Base.metadata.sorted_tables]


def polars_type(column: Column[Any]) -> Any:
    """The Polars type a column is read as."""
    kind = column.type
    if isinstance(kind, Boolean):
        return pl.Boolean
    if isinstance(kind, SmallInteger):
        return pl.Int16
    if isinstance(kind, Integer):
        return pl.Int64
    if isinstance(kind, Numeric | Float):
        return pl.Float64
    if isinstance(kind, DateTime):
        return pl.Datetime("us", "UTC")
    if isinstance(kind, Date):
        return pl.Date
    if isinstance(kind, String):
        return pl.Utf8
    raise TypeError(f"no Polars type for {column.table.name}.{column.name} ({kind!r})")


def _owned_by(table: Table, authority_ids: Sequence[int]) -> ColumnElement[bool]:
    """The condition that keeps the rows of the councils ``authority_ids``."""
    ids = list(authority_ids)
    if table.name == "authority":
        return table.c.id.in_(ids)
    if "authority_id" in table.c:
        return table.c.authority_id.in_(ids)
    for column in table.c:
        for key in column.foreign_keys:
            parent = key.column.table
            if isinstance(parent, Table) and "authority_id" in parent.c:
                owned = select(key.column).where(parent.c.authority_id.in_(ids))
                return column.in_(owned)
    raise ValueError(f"table {table.name} belongs to no council")


def table_frame(session: Session, name: str, authority_ids: Sequence[int]) -> pl.DataFrame:
    """Every column of table ``name`` for the councils ``authority_ids``, in id order."""
    table = table_of(name)
    schema = {column.name: polars_type(column) for column in table.c}
    timed = [name for name, dtype in schema.items() if dtype == pl.Datetime]
    statement = (
        select(*table.c).where(_owned_by(table, authority_ids)).order_by(*table.primary_key.columns)
    )
    if not timed:
        return read_frame(session, statement, schema)
    # Times come back as the driver's (aware on PostgreSQL, naive UTC on SQLite): read as text,
    # with everything else, and parse in one step.
    text = {name: pl.Utf8 if name in timed else dtype for name, dtype in schema.items()}
    frame = read_frame(session, statement, text)
    return frame.with_columns(
        pl.col(name)
        .str.slice(0, 19)
        .str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us")
        .dt.replace_time_zone("UTC")
        for name in timed
    )
