"""What commands need: the configured database engine and the person acting."""

from __future__ import annotations

import getpass
import os

from sqlalchemy import Engine

from caseload.errors import ConfigurationError
from caseload.services.database import configured_engine


def engine() -> Engine:
    return configured_engine()


def acting_user(given: str | None) -> str:
    """The named user recorded against changes: ``--user``, else ``CASELOAD_USER``, else the
    operating-system login. Until accounts exist (the web application), this is how a change is
    attributed to a person."""
    name = (given or os.environ.get("CASELOAD_USER") or _login() or "").strip()
    if not name:
        raise ConfigurationError("say who is acting: pass --user NAME or set CASELOAD_USER")
    if len(name) > 80:
        raise ConfigurationError("--user must be at most 80 characters")
    return name


def _login() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None
