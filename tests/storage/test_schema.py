"""Migrations: empty to head and back, and the models agree with the migrations."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from caseload.storage import schema
from caseload.storage.models import Base


def test_upgrade_downgrade_upgrade(empty_engine: Engine) -> None:
    assert schema.current_revision(empty_engine) is None
    schema.upgrade(empty_engine)
    assert schema.current_revision(empty_engine) == schema.head_revision()
    tables = set(inspect(empty_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    schema.downgrade(empty_engine, "base")
    assert schema.current_revision(empty_engine) is None
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    schema.upgrade(empty_engine)
    assert schema.current_revision(empty_engine) == schema.head_revision()


def test_models_match_migrations(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_overlap_guard_survives_stepping_down_and_up(empty_engine: Engine) -> None:
    """Later migrations must not recreate the allocation table and lose its trigger."""
    from datetime import date

    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    schema.upgrade(empty_engine)
    schema.downgrade(empty_engine, "0002")
    schema.upgrade(empty_engine)
    with empty_engine.begin() as connection:
        connection.execute(text("INSERT INTO authority (id, code, name) VALUES (1, '301', 'A')"))
        connection.execute(
            text(
                "INSERT INTO worker (id, authority_id, staff_number, first_name, last_name, "
                "step_up, frontline) VALUES (1, 1, 'E1', 'A', 'B', false, false)"
            )
        )
        connection.execute(
            text("INSERT INTO child (id, authority_id, child_ref) VALUES (1, 1, 'C1')")
        )
    insert = text(
        "INSERT INTO allocation (authority_id, child_id, worker_id, role, start_date, end_date) "
        "VALUES (1, 1, 1, 'allocated', :start, :end)"
    )
    with empty_engine.begin() as connection:
        connection.execute(insert, {"start": date(2024, 1, 1), "end": date(2024, 3, 1)})
    with (
        pytest.raises(DBAPIError, match="two allocated workers"),
        empty_engine.begin() as connection,
    ):
        connection.execute(insert, {"start": date(2024, 2, 1), "end": date(2024, 2, 10)})


def test_the_head_every_command_checks_is_alembics() -> None:
    assert schema.head_revision() == schema.HEAD_REVISION
