"""Opening the configured database and keeping its schema current."""

from __future__ import annotations

from sqlalchemy import Engine

from caseload.config import Settings
from caseload.storage import schema
from caseload.storage.engine import check_connection, make_engine
from caseload.storage.schema import require_current as require_current


def configured_engine(settings: Settings | None = None) -> Engine:
    """The engine for ``CASELOAD_DATABASE_URL``."""
    return make_engine((settings or Settings.from_env()).database_url)


def upgrade_database(engine: Engine) -> tuple[str | None, str]:
    """Bring the schema to the code's head revision; returns the revisions before and after."""
    check_connection(engine)
    before = schema.current_revision(engine)
    schema.upgrade(engine)
    return before, schema.head_revision()
