"""Writing whole frames of records in one transaction (synthetic councils, large loads).

Frames carry local ids (1..n) and local foreign keys; the writer shifts them past the ids already
in the database so that many councils can share one database."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl
from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    Enum,
    Float,
    Integer,
    String,
    Table,
    func,
    insert,
    select,
    text,
)

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
    "visit": {"child_id": "child", "worker_id": "worker"},
    "review": {"child_id": "child"},
    "supervision": {"worker_id": "worker", "supervisor_id": "worker"},
    "case_audit": {"child_id": "child", "worker_id": "worker"},
    "case_audit_grade": {"audit_id": "case_audit"},
    "asye_programme": {"worker_id": "worker"},
    "asye_review": {"programme_id": "asye_programme"},
    "progression_application": {"worker_id": "worker"},
    "survey": {},
    "survey_question": {"survey_id": "survey"},
    "survey_response": {"survey_id": "survey", "team_id": "team"},
    "survey_answer": {"response_id": "survey_response", "question_id": "survey_question"},
    "agency_engagement": {"worker_id": "worker"},
    "course": {},
    "training_record": {"worker_id": "worker", "course_id": "course"},
    "learning_item": {"course_id": "course"},
    "attendance": {"worker_id": "worker", "item_id": "learning_item"},
    "practice_educator": {"worker_id": "worker"},
    "placement": {"team_id": "team", "educator_id": "worker", "converted_worker_id": "worker"},
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
        insert_rows(connection, table_of(name), frame)
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


def _plain_columns(table: Table, frame: pl.DataFrame) -> bool:
    """Whether every column is a plain number, text (or a code stored as its text), date or
    flag, so that SQLite can take the values as Polars writes them."""
    simple = (Integer, String, Date, Boolean, Float)

    def plain(kind: object) -> bool:
        if isinstance(kind, Enum):
            return not kind.native_enum  # stored as its value, checked by a constraint
        return isinstance(kind, simple)

    return all(plain(table.c[c].type) for c in frame.columns)


def insert_rows(connection: Connection, table: Table, frame: pl.DataFrame) -> None:
    """Insert a frame whose columns are ``table``'s. On SQLite, a table of plain columns goes
    straight to the driver (dates as ISO text and flags as 0/1, as SQLAlchemy stores them), which
    is many times faster for large tables such as visits; otherwise through SQLAlchemy."""
    if connection.dialect.name == "sqlite" and _plain_columns(table, frame):
        prepared = frame.with_columns(
            [pl.col(c).dt.strftime("%Y-%m-%d") for c, t in frame.schema.items() if t == pl.Date]
            + [pl.col(c).cast(pl.Int8) for c, t in frame.schema.items() if t == pl.Boolean]
        )
        names = ", ".join(f'"{c}"' for c in frame.columns)
        marks = ", ".join("?" for _ in frame.columns)
        statement = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'
        for batch in prepared.iter_slices(BATCH_ROWS):
            connection.exec_driver_sql(statement, batch.rows())
        return
    for batch in frame.iter_slices(BATCH_ROWS):
        connection.execute(table.insert(), batch.to_dicts())


def table_of(name: str) -> Table:
    return Base.metadata.tables[name]


def _max_id(connection: Connection, table: Table) -> int:
    return int(connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())
