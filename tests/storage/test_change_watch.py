"""The change watch: committed writes to council data move an engine's generation on; reads and
writes to the accounts and audit tables do not."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from caseload.storage import change_watch
from caseload.storage.engine import make_engine, session_scope
from caseload.storage.models import Authority


@pytest.mark.parametrize(
    ("statement", "table"),
    [
        ("INSERT INTO allocation (id) VALUES (1)", "allocation"),
        ('INSERT INTO "test_abc".allocation (id) VALUES (1)', "allocation"),
        ("insert or replace into team (id) values (1)", "team"),
        ("UPDATE employment_spell SET end_date = NULL", "employment_spell"),
        ('DELETE FROM "published_indicator" WHERE release = ?', "published_indicator"),
        ("SELECT count(*) FROM allocation", None),
        ("WITH x AS (SELECT 1) SELECT * FROM x", None),
    ],
)
def test_written_table(statement: str, table: str | None) -> None:
    assert change_watch.written_table(statement) == table


def test_generation_moves_on_committed_writes_to_council_data(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'watch.db'}")
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE authority (id INTEGER PRIMARY KEY, code TEXT, "
                "name TEXT, region TEXT, data_as_at DATE)"
            )
        )
        connection.execute(text("CREATE TABLE audit_event (id INTEGER PRIMARY KEY)"))
    start = change_watch.generation(engine)
    with session_scope(engine) as session:
        session.scalars(select(Authority)).all()
    assert change_watch.generation(engine) == start
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO audit_event (id) VALUES (1)"))
    assert change_watch.generation(engine) == start
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO authority (id, code, name) VALUES (1, '999', 'A')"))
    assert change_watch.generation(engine) == start + 1
    with session_scope(engine) as session:
        session.execute(update(Authority).values(name="B"))
    assert change_watch.generation(engine) == start + 2
    engine.dispose()
