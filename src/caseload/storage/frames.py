"""Reading query results into Polars frames with a fixed schema (analysis never sees rows)."""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import ColumnElement, Connection, Executable, Float, String, type_coerce
from sqlalchemy.orm import Session


def read_frame(
    source: Session | Connection, statement: Executable, schema: dict[str, Any]
) -> pl.DataFrame:
    """Run a select (in a session or on a connection inside a load's transaction) and return its
    rows as a frame with the given column names and types. The statement runs on the session's
    connection (SQLAlchemy Core): the ORM's per-row result handling is not needed for columns."""
    connection = source.connection() if isinstance(source, Session) else source
    rows = connection.execute(statement).all()
    return pl.DataFrame(rows, schema=schema, orient="row")


def as_text(column: Any) -> ColumnElement[str]:
    """Read a code column as its stored string rather than an enum member."""
    return type_coerce(column, String)


def as_float(column: Any) -> ColumnElement[float]:
    """Read a numeric column as a float rather than a Decimal."""
    return type_coerce(column, Float)
