"""Settings are validated with messages that name the setting."""

from __future__ import annotations

import pytest

from caseload.config import DEFAULT_DATABASE_URL, Settings
from caseload.errors import ConfigurationError


def test_default_database_is_a_local_sqlite_file() -> None:
    settings = Settings.from_env({})
    assert settings.database_url.render_as_string() == DEFAULT_DATABASE_URL


def test_plain_postgresql_urls_use_psycopg() -> None:
    url = Settings.from_env({"CASELOAD_DATABASE_URL": "postgresql://u@h:5432/db"}).database_url
    assert url.drivername == "postgresql+psycopg"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not a url", "CASELOAD_DATABASE_URL is not a database URL"),
        ("mysql://root@localhost/x", "uses 'mysql', which Caseload does not support"),
    ],
)
def test_bad_database_urls(value: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Settings.from_env({"CASELOAD_DATABASE_URL": value})
