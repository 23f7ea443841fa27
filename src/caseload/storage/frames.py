"""Reading query results into Polars frames with a fixed schema (analysis never sees rows)."""

from __future__ import annotations

from typing import Any, Protocol

import polars as pl
from sqlalchemy import ColumnElement, Connection, Executable, Float, Select, String, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType


class FrameReader(Protocol):
    """Reads many frames in one read transaction (:mod:`caseload.storage.columnar`)."""

    def frame(self, statement: Select[Any], schema: dict[str, Any]) -> pl.DataFrame: ...


# Where a table reader reads from: a session, a connection inside a load's transaction, or a
# columnar reader (committed data only, for snapshots and many councils at once).
FrameSource = Session | Connection | FrameReader


def read_frame(source: FrameSource, statement: Executable, schema: dict[str, Any]) -> pl.DataFrame:
    """Run a select (in a session, on a connection inside a load's transaction, or through a
    columnar reader) and return its rows as a frame with the given column names and types.

    The statement runs on the session's connection (SQLAlchemy Core) with the columns' Python-side
    conversions switched off: the driver's values (text dates from SQLite, dates from PostgreSQL,
    0/1 for booleans, decimals) go to Polars as they are and are converted column by column, which
    costs a fraction of converting them value by value."""
    if not isinstance(source, Session | Connection):
        if not isinstance(statement, Select):
            raise TypeError("a columnar reader reads select statements only")
        return source.frame(statement, schema)
    connection = source.connection() if isinstance(source, Session) else source
    if not isinstance(statement, Select) or any(dtype == pl.Datetime for dtype in schema.values()):
        rows = connection.execute(statement).all()
        return pl.DataFrame(rows, schema=schema, orient="row")
    raw = statement.with_only_columns(
        *(type_coerce(column, NullType()) for column in statement.selected_columns),
        maintain_column_froms=True,
    )
    # The driver's own rows: SQLAlchemy's row objects would cost as much again as fetching.
    result = connection.execute(raw)
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    if not rows:
        return pl.DataFrame(schema=schema)
    # Column by column: transposing the rows and building each series from its list is about
    # twice as fast as Polars reading the rows one by one.
    frame = pl.DataFrame(
        [
            pl.Series(name, values, strict=False)
            for name, values in zip(schema, zip(*rows, strict=True), strict=True)
        ]
    )
    return frame.with_columns(conform_column(frame[name], dtype) for name, dtype in schema.items())


def conform_column(column: pl.Series, dtype: Any) -> pl.Series:
    """The driver's values of one column as ``dtype``."""
    if column.dtype == dtype:
        return column
    if dtype == pl.Date and column.dtype == pl.Utf8:
        return column.str.slice(0, 10).str.to_date("%Y-%m-%d")
    if dtype == pl.Utf8 and column.dtype != pl.Null:
        return column.cast(pl.Utf8)
    return column.cast(dtype)


def as_text(column: Any) -> ColumnElement[str]:
    """Read a code column as its stored string rather than an enum member."""
    return type_coerce(column, String)


def as_float(column: Any) -> ColumnElement[float]:
    """Read a numeric column as a float rather than a Decimal."""
    return type_coerce(column, Float)
