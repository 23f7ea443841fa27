"""Writing whole frames of records in one transaction (synthetic councils, large loads).

Frames carry local ids (1..n) and local foreign keys; the writer shifts them past the ids already
in the database so that many councils can share one database."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date

import polars as pl
from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    Engine,
    Enum,
    Float,
    Integer,
    Numeric,
    String,
    Table,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError

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
BATCH_ROWS = 20_000  # rows per executemany (SQLite) or SQLAlchemy insert
COPY_ROWS = 100_000  # rows per chunk of CSV sent to COPY (PostgreSQL)
LOAD_CACHE_KIB = 256 * 1024  # SQLite's page cache while a council is written


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
    with _large_page_cache(connection):
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


@contextmanager
def _large_page_cache(connection: Connection) -> Iterator[None]:
    """SQLite: a page cache of ``LOAD_CACHE_KIB`` while a large load runs, then the connection's
    own again. With SQLite's default of 2 MB, a council's index pages no longer fit: they are
    spilled to the write-ahead log and read back many times over (about 20 times the database's
    size written). Only memory changes; what is written and when it is durable do not."""
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
    connection.exec_driver_sql(f"PRAGMA cache_size = -{LOAD_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {previous}")


def insert_rows(connection: Connection, table: Table, frame: pl.DataFrame) -> None:
    """Insert a frame whose columns are ``table``'s, in the caller's transaction.

    PostgreSQL takes the rows as one ``COPY ... FROM STDIN`` stream of CSV that Polars writes;
    SQLite takes them through the driver's ``executemany`` (dates as ISO text and flags as 0/1, as
    SQLAlchemy stores them). Both store exactly what an SQLAlchemy insert of the same values
    would (numbers given to a decimal column included); a column of another kind sends the frame
    through SQLAlchemy."""
    if frame.height == 0:
        return
    dialect = connection.dialect.name
    filled = _with_defaults(table, frame)
    if filled is not None and _fast_columns(table, filled):
        frame = filled
    else:
        dialect = "other"
    if dialect == "postgresql":
        _copy_rows(connection, table, frame)
    elif dialect == "sqlite":
        _execute_many(connection, table, frame)
    else:
        for batch in frame.iter_slices(BATCH_ROWS):
            connection.execute(table.insert(), batch.to_dicts())


FAST_TYPES = (Integer, String, Date, Boolean, Float, Numeric)


def _with_defaults(table: Table, frame: pl.DataFrame) -> pl.DataFrame | None:
    """The frame with the fixed defaults SQLAlchemy would fill in for columns it lacks (a flag
    that defaults to false, say); None when a missing column's default is worked out in Python."""
    missing = []
    for column in table.c:
        if column.name in frame.columns or column.default is None:
            continue
        if not column.default.is_scalar:
            return None
        missing.append(pl.lit(column.default.arg).alias(column.name))  # type: ignore[attr-defined]
    return frame.with_columns(missing) if missing else frame


def _fast_columns(table: Table, frame: pl.DataFrame) -> bool:
    """Whether every column is a number, text, a code stored as its text (checked by a
    constraint), a date or a flag, held in the frame as the matching Polars type."""

    def fits(column: str, kind: pl.DataType) -> bool:
        stored = table.c[column].type
        if isinstance(stored, Enum):
            return not stored.native_enum and kind in (pl.Utf8, pl.Null)
        if not isinstance(stored, FAST_TYPES):
            return False
        if kind == pl.Null:
            return True
        if isinstance(stored, Boolean):
            return kind == pl.Boolean
        if isinstance(stored, Date):
            return kind == pl.Date
        if isinstance(stored, Integer):
            return kind.is_integer()
        if isinstance(stored, Float | Numeric):  # Float is a Numeric too
            return kind.is_float() or kind.is_integer()
        return kind == pl.Utf8

    return all(fits(column, kind) for column, kind in frame.schema.items())


def _execute_many(connection: Connection, table: Table, frame: pl.DataFrame) -> None:
    """SQLite: the rows as tuples through the driver's ``executemany``."""
    schema = frame.schema
    prepared = frame.with_columns(
        [pl.col(c).dt.strftime("%Y-%m-%d") for c, t in schema.items() if t == pl.Date]
        + [pl.col(c).cast(pl.Int8) for c, t in schema.items() if t == pl.Boolean]
        # SQLAlchemy hands SQLite a decimal column's value as a float.
        + [
            pl.col(c).cast(pl.Float64)
            for c, t in schema.items()
            if isinstance(table.c[c].type, Numeric) and not t.is_float() and t != pl.Null
        ]
    )
    quote = connection.dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in frame.columns)
    marks = ", ".join("?" for _ in frame.columns)
    statement = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})"
    for batch in prepared.iter_slices(BATCH_ROWS):
        connection.exec_driver_sql(statement, batch.rows())


def _copy_rows(connection: Connection, table: Table, frame: pl.DataFrame) -> None:
    """PostgreSQL: the rows as CSV through ``COPY ... FROM STDIN``. In CSV an unquoted empty
    field is NULL and a quoted one ("") is empty text, which Polars writes that way."""
    prepared = frame.with_columns(
        _as_decimal_text(c)
        for c, t in frame.schema.items()
        if t.is_float() and _is_decimal(table.c[c].type)
    )
    quote = connection.dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in frame.columns)
    statement = f"COPY {quote(table.name)} ({names}) FROM STDIN (FORMAT csv)"
    raw = connection.connection.dbapi_connection
    dbapi = connection.dialect.loaded_dbapi
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
            for batch in prepared.iter_slices(COPY_ROWS):
                copy.write(batch.write_csv(include_header=False))
    except dbapi.Error as error:
        # As SQLAlchemy raises a failed statement's error (IntegrityError, ...), values hidden.
        raise DBAPIError.instance(
            statement, None, error, dbapi.Error, hide_parameters=True, dialect=connection.dialect
        ) from error


def _is_decimal(kind: object) -> bool:
    """A fixed-point column (``numeric``), not a binary float one."""
    return isinstance(kind, Numeric) and not isinstance(kind, Float)


def _as_decimal_text(column: str) -> pl.Expr:
    """A float as PostgreSQL casts a bound float to ``numeric``: 15 significant digits (then
    rounded to the column's scale by the server), so that COPY stores what an insert would."""
    return (
        pl.col(column)
        .map_elements(lambda value: f"{value:.15g}", return_dtype=pl.Utf8, skip_nulls=True)
        .alias(column)
    )


def refresh_statistics(engine: Engine) -> None:
    """After a large load, let PostgreSQL's planner see the new rows (``ANALYZE``): until
    autovacuum catches up it plans from the empty tables' statistics and reads the loaded ones
    slowly (counting a national set's cases took 2.7 times as long). SQLite plans from its
    indexes alone and needs nothing."""
    if engine.dialect.name != "postgresql":
        return
    names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text(f"ANALYZE {names}"))


def table_of(name: str) -> Table:
    return Base.metadata.tables[name]


def _max_id(connection: Connection, table: Table) -> int:
    return int(connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())
