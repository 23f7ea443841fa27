"""Upgrading and downgrading the database schema with Alembic, without an ini file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from caseload.errors import DatabaseUnavailableError
from caseload.storage.engine import check_connection

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration in migrations/versions (a test checks it is Alembic's head). Every command
# checks the database against it, so it is written here rather than worked out by Alembic, which
# would read every migration file on each check.
HEAD_REVISION = "0018"


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest migration, as Alembic finds it in the migration files."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The database's revision (None before the first upgrade)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return None if found is None else str(found)


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    check_connection(engine)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    from alembic import command

    check_connection(engine)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def require_current(engine: Engine) -> None:
    """Refuse to work on a database that is missing or behind the code's schema."""
    check_connection(engine)
    if current_revision(engine) != HEAD_REVISION:
        raise DatabaseUnavailableError(
            f"the database {engine.url.render_as_string(hide_password=True)} is not set up or is "
            "out of date; run 'caseload db upgrade' first"
        )
