"""Reads and writes of DfE's published indicators (``published_indicator``) for benchmarking.
Values stay text here; :func:`caseload.census.benchmarking.published_numbers` turns them into
numbers."""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import CursorResult, String, delete, func, insert, select
from sqlalchemy.orm import Session

from caseload.storage.census_models import PublishedIndicator
from caseload.storage.frames import read_frame
from caseload.storage.models import Authority

P = PublishedIndicator
# The table's columns, DfE's own names, in DfE's order (the identifying columns, then the 22
# indicators); the census definitions check they are the indicators they define.
ROW_COLUMNS: tuple[str, ...] = tuple(column.name for column in P.__table__.columns)[1:]
ROW_SCHEMA: dict[str, Any] = {
    column: (pl.Int64 if column == "time_period" else pl.Utf8) for column in ROW_COLUMNS
}
INSERT_BATCH = 5_000


def column_widths() -> dict[str, int]:
    """The width of every text column the importer fills (values longer than this do not fit)."""
    widths: dict[str, int] = {}
    for column in ROW_COLUMNS:
        kind = P.__table__.c[column].type
        if isinstance(kind, String) and kind.length is not None and column != "release":
            widths[column] = kind.length
    return widths


def replace_release(session: Session, release: str, rows: pl.DataFrame) -> int:
    """Delete the release's rows and insert ``rows`` (without ``release``) in its place, inside
    the caller's transaction. Returns the number of rows deleted."""
    result = session.execute(delete(P).where(P.release == release))
    deleted = result.rowcount if isinstance(result, CursorResult) else 0
    labelled = rows.with_columns(pl.lit(release).alias("release")).select(ROW_COLUMNS)
    for batch in labelled.iter_slices(INSERT_BATCH):
        session.execute(insert(P), batch.to_dicts())
    return int(deleted)


def release_counts(session: Session, release: str) -> pl.DataFrame:
    """Rows per level with the first and last year: ``geographic_level``, ``rows``, ``first``,
    ``last``."""
    query = (
        select(P.geographic_level, func.count(), func.min(P.time_period), func.max(P.time_period))
        .where(P.release == release)
        .group_by(P.geographic_level)
        .order_by(P.geographic_level)
    )
    return read_frame(
        session,
        query,
        {"geographic_level": pl.Utf8, "rows": pl.Int64, "first": pl.Int64, "last": pl.Int64},
    )


def releases(session: Session) -> pl.DataFrame:
    """Every imported release: ``release``, ``first``, ``last`` (years) and ``latest_id`` (larger
    means imported more recently)."""
    query = select(
        P.release, func.min(P.time_period), func.max(P.time_period), func.max(P.id)
    ).group_by(P.release)
    return read_frame(
        session,
        query,
        {"release": pl.Utf8, "first": pl.Int64, "last": pl.Int64, "latest_id": pl.Int64},
    )


def release_years(session: Session, release: str) -> list[int]:
    query = select(P.time_period).where(P.release == release).distinct().order_by(P.time_period)
    return [int(year) for year in session.scalars(query)]


def published_rows(session: Session, *, release: str, year: int | None = None) -> pl.DataFrame:
    """The release's rows (all levels) as text, for one year or all years."""
    query = select(*(getattr(P, column) for column in ROW_COLUMNS)).where(P.release == release)
    if year is not None:
        query = query.where(P.time_period == year)
    query = query.order_by(P.time_period, P.id)
    return read_frame(session, query, ROW_SCHEMA)


def authority(session: Session, code: str) -> Authority | None:
    """The authority with this 3-digit code, if the database holds one."""
    return session.scalars(select(Authority).where(Authority.code == code)).one_or_none()
