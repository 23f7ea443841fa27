"""Reading the Standard Safeguarding Dataset: a folder of CSV dumps named after the tables
(``ssd_involvements.csv``, ...) or the tables themselves in the council's database, through a
SQLAlchemy URL and an optional schema. Either way each table becomes a frame of text, so the same
checks apply. For a database table, a problem's row is the record's position when the table is
read in order of its first column (its id)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import MetaData, Table, create_engine, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from caseload.errors import DatabaseUnavailableError, InvalidInputError
from caseload.importers.tables import ROW, RawTable, read_source

REQUIRED_TABLES = ("ssd_professionals", "ssd_involvements")
OPTIONAL_TABLES = (
    "ssd_department",
    "ssd_person",
    "ssd_family",
    "ssd_cin_episodes",
    "ssd_cin_plans",
    "ssd_cp_plans",
    "ssd_cla_episodes",
    "ssd_care_leavers",
    "ssd_cin_visits",
    "ssd_cp_visits",
    "ssd_cla_visits",
    "ssd_cp_reviews",
    "ssd_cla_reviews",
)
ALL_TABLES = REQUIRED_TABLES + OPTIONAL_TABLES


@dataclass(frozen=True)
class SsdSource:
    """The SSD tables found, by table name; ``name`` is the folder or the URL without password."""

    name: str
    tables: dict[str, RawTable]
    sha256: str
    rows: int


def _source(name: str, tables: dict[str, RawTable]) -> SsdSource:
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise InvalidInputError(
            f"{name}: has no {' or '.join(missing)}; the SSD import needs at least "
            f"{' and '.join(REQUIRED_TABLES)} (found: {', '.join(sorted(tables)) or 'none'})"
        )
    digest = hashlib.sha256()
    for table_name in sorted(tables):
        digest.update(f"{table_name}:{tables[table_name].sha256};".encode())
    rows = sum(table.height for table in tables.values())
    return SsdSource(name, tables, digest.hexdigest(), rows)


def read_ssd_folder(folder: Path, *, encoding: str | None = None) -> SsdSource:
    if not folder.is_dir():
        raise InvalidInputError(f"{folder}: is not a folder; give the folder holding the SSD CSVs")
    found: dict[str, RawTable] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() != ".csv":
            continue
        table_name = path.stem.lower()
        if table_name in ALL_TABLES:
            found[table_name] = read_source(path, encoding=encoding)
    return _source(str(folder), found)


def _text_frame(rows: list[Any], columns: list[str]) -> pl.DataFrame:
    frame = pl.DataFrame(
        [tuple(row) for row in rows], schema=columns, orient="row", infer_schema_length=None
    )
    converted = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype == pl.Datetime or isinstance(dtype, pl.Datetime):
            column = column.dt.date()
        converted.append(column.cast(pl.Utf8).str.strip_chars().replace("", None).alias(name))
    return frame.with_columns(converted).with_columns(
        pl.Series(ROW, range(1, frame.height + 1), dtype=pl.Int64)
    )


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date | int | float | str) or value is None:
        return value
    return str(value)


def read_ssd_url(url: str, *, schema: str | None = None) -> SsdSource:
    """Read the SSD tables from a database; the URL's password never appears in messages."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidInputError(
            "--from-url is not a database URL; use e.g. postgresql+psycopg://USER@HOST/DB"
        ) from None
    shown = parsed.render_as_string(hide_password=True) + (f" schema {schema}" if schema else "")
    try:
        engine = create_engine(parsed)
    except (NoSuchModuleError, ArgumentError, ImportError) as exc:
        raise InvalidInputError(f"cannot use {shown}: {exc}") from None
    found: dict[str, RawTable] = {}
    try:
        with engine.connect() as connection:
            names = {n.lower(): n for n in inspect(connection).get_table_names(schema=schema)}
            for table_name in ALL_TABLES:
                if table_name not in names:
                    continue
                table = Table(
                    names[table_name], MetaData(), schema=schema, autoload_with=connection
                )
                columns = [c.name for c in table.columns]
                query = select(table).order_by(table.columns[columns[0]])
                rows = [[_plain(v) for v in row] for row in connection.execute(query)]
                frame = _text_frame(rows, columns)
                digest = hashlib.sha256(frame.drop(ROW).write_csv().encode()).hexdigest()
                label = f"{schema}.{table_name}" if schema else table_name
                found[table_name] = RawTable(label, frame, tuple(columns), digest)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise DatabaseUnavailableError(f"cannot read the SSD from {shown}: {reason}") from None
    finally:
        engine.dispose()
    return _source(shown, found)
