"""The installation's own secrets (:class:`~caseload.storage.account_models.InstallationSecret`)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from caseload.storage.account_models import InstallationSecret
from caseload.storage.engine import session_scope

SECRET_BYTES = 32


def installation_secret(engine: Engine, name: str) -> str:
    """The secret called ``name``, made (random, 32 bytes as hex) and stored the first time it
    is asked for when the migration's own has gone; the same value every time after."""
    with session_scope(engine) as session:
        found = session.scalar(
            select(InstallationSecret.value).where(InstallationSecret.name == name)
        )
    if found is not None:
        return found
    try:
        with session_scope(engine) as session:
            session.add(
                InstallationSecret(
                    name=name, value=secrets.token_hex(SECRET_BYTES), created_at=datetime.now(UTC)
                )
            )
    except IntegrityError:
        pass  # made at the same moment by another process: read theirs
    with session_scope(engine) as session:
        return session.scalars(
            select(InstallationSecret.value).where(InstallationSecret.name == name)
        ).one()
