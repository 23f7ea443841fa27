"""The bulk writer (COPY on PostgreSQL, executemany on SQLite) stores exactly what SQLAlchemy's
own inserts of the same frames store, and a failure leaves nothing behind."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import IntegrityError

from caseload.storage import bulk
from caseload.storage.import_writes import insert_frame
from caseload.synthetic import CouncilSpec, generate_council
from storage.table_contents import TABLES, another_database, table_contents

COUNCILS = (
    CouncilSpec(code="801", name="Small 801", region="London", size_fte=60.0, preset="typical"),
    CouncilSpec(code="802", name="Small 802", region="London", size_fte=70.0, preset="struggling"),
    CouncilSpec(code="803", name="Small 803", region="London", size_fte=60.0, preset="recovering"),
)


@pytest.fixture
def reference_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """A second upgraded database of the backend, written the reference way."""
    with another_database(backend, tmp_path) as engine:
        yield engine


def reference_write(connection: Connection, frames: dict[str, pl.DataFrame]) -> None:
    """SQLAlchemy's own insert of the frames' rows as dicts, table by table, as the writer did
    for every table on PostgreSQL before it used COPY."""
    for name, frame in frames.items():
        if frame.height:
            connection.execute(bulk.table_of(name).insert(), frame.to_dicts())


def write_both(
    engine: Engine, reference: Engine, code: str, frames: dict[str, pl.DataFrame]
) -> None:
    with engine.begin() as connection:
        authority = bulk.insert_authority(
            connection, code=code, name=f"Council {code}", region=None, data_as_at=None
        )
        bulk.write_frames(connection, authority, frames)
    with reference.begin() as connection:
        authority = bulk.insert_authority(
            connection, code=code, name=f"Council {code}", region=None, data_as_at=None
        )
        reference_write(connection, bulk.keyed_frames(connection, authority, frames))


def test_councils_are_stored_as_sqlalchemy_stores_them(
    engine: Engine, reference_engine: Engine
) -> None:
    for seed, spec in enumerate(COUNCILS, start=1):
        council = generate_council(spec, start=date(2024, 10, 1), years=2, seed=seed)
        write_both(engine, reference_engine, spec.code, council.frames())
    written, expected = table_contents(engine), table_contents(reference_engine)
    assert len(written["visit"]) > 10_000
    assert {name: len(rows) for name, rows in written.items() if not rows} == {}
    for name in TABLES:
        assert written[name] == expected[name], name


def awkward_frames() -> dict[str, pl.DataFrame]:
    """Text that CSV must quote, empty text beside a missing value, a float whose 15-digit
    rounding crosses the decimal column's half (0.1234565 to 6 places), a missing date."""
    teams = pl.DataFrame(
        {
            "id": [1, 2],
            "name": ['Team "A", north\nside', ""],
            "kind": ["service_area", "team"],
            "parent_id": [None, 1],
            "external_id": [None, "\\N"],
        }
    )
    workers = pl.DataFrame(
        {
            "id": [1, 2],
            "staff_number": ["S1", "S,2"],
            "first_name": ["Ann", "Ó'Brien"],
            "last_name": ["", "Smith"],
            "birth_date": [date(1980, 2, 29), None],
            "step_up": [True, False],
            "frontline": [False, True],
        }
    )
    posts = pl.DataFrame(
        {
            "id": [1, 2, 3],
            "reference": ["P1", "P2", "P3"],
            "team_id": [2, 2, 2],
            "role": ["social_worker", "asye", "social_worker"],
            "funded_fte": [0.12345649999999999, 0.1 + 0.2, 1.0],
            "start_date": [date(2020, 1, 1)] * 3,
            "end_date": [None, date(2021, 12, 31), None],
        }
    )
    return {"team": teams, "worker": workers, "post": posts}


def test_awkward_values_are_stored_as_sqlalchemy_stores_them(
    engine: Engine, reference_engine: Engine
) -> None:
    write_both(engine, reference_engine, "801", awkward_frames())
    written, expected = table_contents(engine), table_contents(reference_engine)
    assert written["team"] == expected["team"]
    assert written["worker"] == expected["worker"]
    assert written["post"] == expected["post"]
    with engine.connect() as connection:
        names = connection.execute(text("SELECT name, external_id FROM team ORDER BY id")).all()
        fte = connection.scalar(text("SELECT funded_fte FROM post WHERE id = 1"))
    assert [tuple(row) for row in names] == [('Team "A", north\nside', None), ("", "\\N")]
    if engine.dialect.name == "postgresql":
        assert str(fte) == "0.123457"  # as a bound float: 15 digits, then the column's 6 places
    else:
        assert fte == 0.12345649999999999  # SQLite keeps the float


def test_a_failing_write_leaves_nothing(engine: Engine) -> None:
    council = generate_council(COUNCILS[0], start=date(2025, 10, 1), years=1, seed=1)
    frames = council.frames()
    # The last table written breaks a constraint after every other table went in.
    frames["placement"] = frames["placement"].with_columns(pl.lit(999_999).alias("team_id"))
    with pytest.raises(IntegrityError), engine.begin() as connection:
        authority = bulk.insert_authority(
            connection, code="801", name="Small", region=None, data_as_at=None
        )
        bulk.write_frames(connection, authority, frames)
    with engine.connect() as connection:
        for name in TABLES:
            table = bulk.table_of(name)
            assert connection.scalar(select(func.count()).select_from(table)) == 0, name


def test_an_import_gets_the_defaults_sqlalchemy_fills_in(engine: Engine) -> None:
    """Columns the frame lacks take the model's default (``step_up`` and ``frontline`` false)."""
    with engine.begin() as connection:
        authority = bulk.insert_authority(
            connection, code="801", name="Small", region=None, data_as_at=None
        )
        workers = pl.DataFrame(
            {
                "staff_number": ["A1", "A2"],
                "first_name": ["Ann", "Bo"],
                "last_name": ["Lee", "Ng"],
                "authority_id": [authority] * 2,
            }
        )
        assert insert_frame(connection, "worker", workers) == 2
        stored = connection.execute(
            text("SELECT staff_number, step_up, frontline FROM worker ORDER BY staff_number")
        ).all()
    assert [(row[0], bool(row[1]), bool(row[2])) for row in stored] == [
        ("A1", False, False),
        ("A2", False, False),
    ]
