"""Settings, read from ``CASELOAD_*`` environment variables and validated once.

Each setting is declared here with its default and help text; ``docs/settings.md`` lists them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from caseload.errors import ConfigurationError

DEFAULT_DATABASE_URL = "sqlite:///caseload.db"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS = (
    Setting(
        "CASELOAD_DATABASE_URL",
        DEFAULT_DATABASE_URL,
        "SQLAlchemy URL of the database: sqlite:///FILE or postgresql+psycopg://USER@HOST/DB.",
    ),
    Setting(
        "CASELOAD_USER",
        "the operating-system login",
        "The person recorded against changes made from the command line when --user is not given.",
    ),
    Setting(
        "CASELOAD_COMPARATORS",
        "none",
        "Comparator council codes for benchmarking, comma-separated (e.g. 301,302).",
    ),
)


@dataclass(frozen=True)
class Settings:
    database_url: URL

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(database_url=parse_database_url(env.get("CASELOAD_DATABASE_URL")))


def parse_database_url(raw: str | None, *, setting: str = "CASELOAD_DATABASE_URL") -> URL:
    """Parse and check a database URL, naming the setting in any error."""
    value = (raw or "").strip() or DEFAULT_DATABASE_URL
    try:
        url = make_url(value)
    except ArgumentError:
        raise ConfigurationError(
            f"{setting} is not a database URL ({value!r}); use sqlite:///caseload.db or "
            "postgresql+psycopg://USER@HOST:PORT/DATABASE"
        ) from None
    if url.get_backend_name() not in SUPPORTED_BACKENDS:
        raise ConfigurationError(
            f"{setting} uses {url.get_backend_name()!r}, which Caseload does not support; "
            "use sqlite:///FILE or postgresql+psycopg://USER@HOST:PORT/DATABASE"
        )
    if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url
