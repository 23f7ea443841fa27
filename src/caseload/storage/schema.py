"""Upgrading and downgrading the database schema with Alembic, without an ini file."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from caseload.errors import DatabaseUnavailableError
from caseload.storage.engine import check_connection

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    check_connection(engine)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    check_connection(engine)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def require_current(engine: Engine) -> None:
    """Refuse to work on a database that is missing or behind the code's schema."""
    check_connection(engine)
    if current_revision(engine) != head_revision():
        raise DatabaseUnavailableError(
            f"the database {engine.url.render_as_string(hide_password=True)} is not set up or is "
            "out of date; run 'caseload db upgrade' first"
        )
