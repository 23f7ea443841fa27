"""The application factory that server processes call: each builds its own engine from the
settings (``CASELOAD_DATABASE_URL``), so ``caseload serve --workers N`` can start N processes."""

from __future__ import annotations

from fastapi import FastAPI

from caseload.services.database import configured_engine
from caseload.web.app import create_app


def app_from_settings() -> FastAPI:
    return create_app(configured_engine())
