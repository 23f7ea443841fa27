"""Import services: one transaction each, so a failure part-way leaves nothing behind."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Connection, Engine

from caseload.errors import DataIntegrityError, InvalidInputError, NotFoundError
from caseload.services.imports import AuthorityChoice, import_hr, import_runs
from caseload.storage import import_writes

FIXTURES = Path(__file__).resolve().parents[1] / "importers" / "fixtures"
AS_AT = date(2025, 3, 31)
COUNCIL = AuthorityChoice("301", "Testshire Council")


def table_rows(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar_one())


def load(engine: Engine, **options: object) -> object:
    return import_hr(
        engine,
        path=FIXTURES / "hr_awkward.csv",
        mapping="generic",
        as_at=AS_AT,
        loaded_by="tester",
        **options,  # type: ignore[arg-type]
    )


def test_a_failure_while_writing_rolls_everything_back(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = import_writes.insert_frame

    def failing(connection: Connection, table: str, frame: pl.DataFrame) -> int:
        if table == "employment_spell":
            raise OSError("disk full")
        return real(connection, table, frame)

    monkeypatch.setattr(import_writes, "insert_frame", failing)
    with pytest.raises(OSError, match="disk full"):
        load(engine, authority=COUNCIL)
    for table in ("authority", "team", "post", "worker", "employment_spell", "import_run"):
        assert table_rows(engine, table) == 0, table


def test_a_database_refusal_is_one_line_and_loads_nothing(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = import_writes.insert_frame

    def bad_code(connection: Connection, table: str, frame: pl.DataFrame) -> int:
        if table == "worker":
            frame = frame.with_columns(pl.lit(7).alias("gender"))
        return real(connection, table, frame)

    monkeypatch.setattr(import_writes, "insert_frame", bad_code)
    with pytest.raises(DataIntegrityError) as caught:
        load(engine, authority=COUNCIL)
    message = str(caught.value)
    assert message.startswith("the database refused the load, so nothing was loaded:")
    assert "\n" not in message
    assert "Asha" not in message  # no personal data from the failing row
    assert table_rows(engine, "worker") == 0


def test_the_authority_must_be_named_when_new_or_ambiguous(engine: Engine) -> None:
    with pytest.raises(NotFoundError, match="the database holds no authority yet"):
        load(engine)
    with pytest.raises(
        NotFoundError, match="authority 301 is not in the database; pass --authority-name"
    ):
        load(engine, authority=AuthorityChoice("301"))
    with pytest.raises(InvalidInputError, match="--authority must be the 3-digit DfE code"):
        load(engine, authority=AuthorityChoice("3011", "Too long"))
    load(engine, authority=COUNCIL)
    load(engine, authority=AuthorityChoice("302", "Second Council"))
    with pytest.raises(InvalidInputError, match="the database holds 2 authorities; say which"):
        load(engine)


def test_runs_record_who_loaded_what(engine: Engine) -> None:
    load(engine, authority=COUNCIL)
    runs = import_runs(engine, authority_code="301")
    assert runs.select(
        "run", "authority", "kind", "source", "mapping", "loaded_by", "added", "warnings"
    ).rows() == [(1, "301", "hr", "hr_awkward.csv", "generic", "tester", 24, 1)]
