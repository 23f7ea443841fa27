"""What every command needs: the configured database engine."""

from __future__ import annotations

from sqlalchemy import Engine

from caseload.services.database import configured_engine


def engine() -> Engine:
    return configured_engine()
