"""Whole tables read as frames for the councils asked for, on both databases: through the
table's own council or its parent's, with the column types the export writes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
from sqlalchemy import Engine, text

from caseload.services.generation import build_council
from caseload.storage import schema
from caseload.storage.census_models import CensusReturn
from caseload.storage.engine import session_scope
from caseload.storage.models import Authority
from caseload.storage.table_frames import polars_type, table_frame, table_of
from caseload.synthetic import CouncilSpec


def spec(code: str) -> CouncilSpec:
    return CouncilSpec(
        code=code, name=f"Small {code}", region="London", size_fte=25.0, preset="typical"
    )


def authority_id(engine: Engine, code: str) -> int:
    with engine.connect() as connection:
        found = connection.scalar(text("SELECT id FROM authority WHERE code = :c"), {"c": code})
    assert found is not None
    return int(found)


def test_column_types() -> None:
    worker = table_of("worker").c
    assert [polars_type(worker[c]) for c in ("id", "gender", "birth_date", "step_up")] == [
        pl.Int64,
        pl.Int16,
        pl.Date,
        pl.Boolean,
    ]
    assert polars_type(table_of("employment_spell").c.fte) == pl.Float64
    assert polars_type(table_of("employment_spell").c.role) == pl.Utf8
    assert polars_type(table_of("census_return").c.imported_at) == pl.Datetime("us", "UTC")


def test_rows_are_the_councils_own_or_their_parents(engine: Engine) -> None:
    schema.upgrade(engine)
    build_council(engine, spec("801"), years=1, seed=1)
    build_council(engine, spec("802"), years=1, seed=2)
    first = authority_id(engine, "801")
    with engine.connect() as connection:
        expected = {
            table: sorted(connection.scalars(text(query), {"a": first}))
            for table, query in {
                "worker": "SELECT id FROM worker WHERE authority_id = :a",
                "team_management": "SELECT m.id FROM team_management m JOIN team t "
                "ON t.id = m.team_id WHERE t.authority_id = :a",
                "case_audit_grade": "SELECT g.id FROM case_audit_grade g JOIN case_audit c "
                "ON c.id = g.audit_id WHERE c.authority_id = :a",
                "authority": "SELECT id FROM authority WHERE id = :a",
            }.items()
        }
        every_worker = connection.scalar(text("SELECT COUNT(*) FROM worker"))
    with session_scope(engine) as session:
        for table, ids in expected.items():
            frame = table_frame(session, table, [first])
            assert ids and frame["id"].to_list() == ids, table
        workers = table_frame(session, "worker", [first])
        both = table_frame(session, "worker", [first, authority_id(engine, "802")])
    assert workers.columns == [c.name for c in table_of("worker").c]
    assert workers.schema["birth_date"] == pl.Date
    assert workers.schema["gender"] == pl.Int16
    assert both.height == every_worker > workers.height


def test_times_are_read_as_utc(engine: Engine) -> None:
    schema.upgrade(engine)
    moment = datetime(2025, 10, 6, 9, 30, 15, tzinfo=UTC)
    with session_scope(engine) as session:
        council = Authority(code="301", name="Testshire")
        session.add(council)
        session.flush()
        session.add(
            CensusReturn(
                authority_id=council.id,
                census_year=2025,
                reference_date=date(2025, 9, 30),
                content_sha256="0" * 64,
                source_name="return.xml",
                imported_at=moment,
            )
        )
        session.flush()
        frame = table_frame(session, "census_return", [council.id])
    assert frame.schema["imported_at"] == pl.Datetime("us", "UTC")
    assert frame["imported_at"].to_list() == [moment]
    assert frame["reference_date"].to_list() == [date(2025, 9, 30)]
