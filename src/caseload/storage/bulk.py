"""Writing whole frames of records in one transaction (synthetic councils, large loads).

Frames carry local ids (1..n) and local foreign keys; the writer shifts them past the ids already
in the database so that many councils can share one database."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl
from sqlalchemy import Connection, Table, func, insert, select, text

from caseload.storage.models import Authority, Base

# Foreign-key columns of each table and the table they point to.
LOCAL_KEYS: dict[str, dict[str, str]] = {
    "team": {"parent_id": "team"},
    "worker": {},
    "team_management": {"team_id": "team", "worker_id": "worker"},
    "post": {"team_id": "team"},
    "employment_spell": {"worker_id": "worker", "team_id": "team", "post_id": "post"},
    "absence": {"worker_id": "worker"},
    "child": {},
    "referral": {"child_id": "child"},
    "child_status": {"child_id": "child"},
    "proceedings": {"child_id": "child"},
    "allocation": {"child_id": "child", "worker_id": "worker"},
}
INSERT_ORDER = tuple(LOCAL_KEYS)
BATCH_ROWS = 20_000


def insert_authority(
    connection: Connection, *, code: str, name: str, region: str | None, data_as_at: date | None
) -> int:
    result = connection.execute(
        insert(Authority).returning(Authority.id),
        {"code": code, "name": name, "region": region, "data_as_at": data_as_at},
    )
    return int(result.scalar_one())


def keyed_frames(
    connection: Connection, authority_id: int, frames: Mapping[str, pl.DataFrame]
) -> dict[str, pl.DataFrame]:
    """The frames with their local ids shifted past the ids already in the database and the
    authority filled in, ready to insert."""
    offsets = {name: _max_id(connection, table_of(name)) for name in INSERT_ORDER if name in frames}
    keyed: dict[str, pl.DataFrame] = {}
    for name in INSERT_ORDER:
        if name not in frames:
            continue
        shifts = [pl.col("id") + offsets[name]]
        shifts += [pl.col(column) + offsets[target] for column, target in LOCAL_KEYS[name].items()]
        frame = frames[name].with_columns(shifts)
        if "authority_id" in table_of(name).c:
            frame = frame.with_columns(pl.lit(authority_id).alias("authority_id"))
        keyed[name] = frame
    return keyed


def write_frames(
    connection: Connection, authority_id: int, frames: Mapping[str, pl.DataFrame]
) -> dict[str, int]:
    """Insert the frames (table name -> frame) for one authority; returns rows written per table.
    Runs inside the caller's transaction, so a failure leaves nothing behind."""
    written: dict[str, int] = {}
    for name, frame in keyed_frames(connection, authority_id, frames).items():
        table = table_of(name)
        for batch in frame.iter_slices(BATCH_ROWS):
            connection.execute(table.insert(), batch.to_dicts())
        written[name] = frame.height
    if connection.dialect.name == "postgresql":
        for name in written:
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"
                )
            )
    return written


def table_of(name: str) -> Table:
    return Base.metadata.tables[name]


def _max_id(connection: Connection, table: Table) -> int:
    return int(connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())
