"""Fixtures for the import tests (helpers live in import_support)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from importers.import_support import load_first


@pytest.fixture
def loaded(engine: Engine) -> Engine:
    """A database holding the awkward HR extract, its absences and the SSD folder."""
    load_first(engine)
    return engine
