"""Settings, read from ``CASELOAD_*`` environment variables and validated once.

Each setting is declared here with its default and help text; ``docs/settings.md`` lists them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

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
    Setting(
        "CASELOAD_POLICY",
        "the built-in default policy",
        "Path of a caseload policy YAML file, used where no policy was set with "
        "'caseload policy set'.",
    ),
    Setting(
        "CASELOAD_MAPPINGS_DIR",
        "none (only the built-in example mappings)",
        "Folder of the council's saved HR column mappings (NAME.yaml), used by --mapping NAME.",
    ),
    Setting(
        "CASELOAD_PSEUDONYM_SECRET",
        "a random secret made when the database is set up, stored in it and reused",
        "Secret key for the keyed pseudonyms analysts see on pages and in pseudonymised exports; "
        "at least 32 random characters, kept out of version control. Changing it changes every "
        "pseudonym.",
    ),
    Setting(
        "CASELOAD_TARGETS",
        "the built-in targets (reference/workforce_targets.yaml)",
        "Path of the council's own workforce targets (YAML, as the built-in file), which the "
        "board pack and the scrutiny report rate their headline measures against.",
    ),
    Setting(
        "CASELOAD_COST_MODEL",
        "the built-in cost model (reference/cost_model.yaml)",
        "Path of the council's cost model for workforce plans (YAML, as the built-in file): "
        "salaries, on-costs, agency charges, market supplements and retention payments.",
    ),
    Setting(
        "CASELOAD_PRACTICE_STANDARDS",
        "the built-in standards (reference/practice_standards.yaml)",
        "Path of the council's practice standards (YAML, as the built-in file): visits, "
        "recording, reviews, supervision and audit instruments.",
    ),
    Setting(
        "CASELOAD_PROGRESSION_FRAMEWORK",
        "the built-in framework (reference/progression_framework.yaml)",
        "Path of the council's progression framework (YAML, as the built-in file): the steps "
        "up the ladder with the months in role and since qualifying each asks.",
    ),
    Setting(
        "CASELOAD_AGENCY_PRICE_CAPS",
        "the built-in placeholder caps (reference/agency_price_caps.yaml)",
        "Path of the council's agency price caps and agency rule settings (YAML, as the "
        "built-in file): the region's hourly caps by DfE core job type.",
    ),
    Setting(
        "CASELOAD_UPLOAD_MAX_MB",
        "50",
        "Largest file (or .zip) the web application's Data page accepts, in MB (1 to 500).",
    ),
    Setting(
        "CASELOAD_UPLOAD_DIR",
        "a private folder in the system's temporary folder",
        "Folder where uploaded files wait (at most an hour) between the check and the load; "
        "created readable by the server's user only.",
    ),
    Setting(
        "CASELOAD_SURVEY_MINIMUM",
        "10",
        "Fewest responses a group of the staff health check (a team, role, experience band or "
        "service area) must have to be shown (2 to 100); smaller groups, and those that would give "
        "them away by subtraction, are hidden.",
    ),
)
MIN_SECRET_CHARS = 32
# Placeholder secrets from examples and documentation, refused outright.
KNOWN_WEAK_SECRETS = frozenset(
    {
        "changeme",
        "change-me",
        "change_me",
        "secret",
        "default",
        "password",
        "example",
        "caseload",
        "test",
        "replace-with-a-long-random-secret",
    }
)


@dataclass(frozen=True)
class Settings:
    database_url: URL

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(database_url=parse_database_url(env.get("CASELOAD_DATABASE_URL")))


def mappings_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    """The folder of saved column mappings (``CASELOAD_MAPPINGS_DIR``), which must exist."""
    env = os.environ if environ is None else environ
    raw = (env.get("CASELOAD_MAPPINGS_DIR") or "").strip()
    if not raw:
        return None
    folder = Path(raw).expanduser()
    if not folder.is_dir():
        raise ConfigurationError(
            f"CASELOAD_MAPPINGS_DIR names {raw!r}, which is not a folder; create it or unset it"
        )
    return folder


def pseudonym_secret(environ: Mapping[str, str] | None = None) -> bytes | None:
    """The key for pseudonyms set in ``CASELOAD_PSEUDONYM_SECRET``, or None when it is not set
    (the installation's own secret is used: :mod:`caseload.services.pseudonyms`). Fails closed:
    a short, placeholder or repetitive secret is refused, so pseudonyms are never keyed with a
    guessable value."""
    env = os.environ if environ is None else environ
    raw = env.get("CASELOAD_PSEUDONYM_SECRET") or ""
    value = raw.strip()
    if not value:
        return None
    if len(value) < MIN_SECRET_CHARS:
        raise ConfigurationError(
            f"CASELOAD_PSEUDONYM_SECRET is {len(value)} characters; use at least "
            f"{MIN_SECRET_CHARS} random characters (e.g. from 'openssl rand -hex 32')"
        )
    placeholder = any(word in value.lower() for word in KNOWN_WEAK_SECRETS if len(word) > 6)
    if placeholder or len(set(value)) < 10:
        raise ConfigurationError(
            "CASELOAD_PSEUDONYM_SECRET looks like a placeholder or is too repetitive to be "
            "secret; set a random value (e.g. from 'openssl rand -hex 32')"
        )
    return value.encode("utf-8")


DEFAULT_UPLOAD_MAX_MB = 50
MAX_UPLOAD_MAX_MB = 500


def upload_max_bytes(environ: Mapping[str, str] | None = None) -> int:
    """The largest upload the Data page accepts (``CASELOAD_UPLOAD_MAX_MB``), in bytes."""
    env = os.environ if environ is None else environ
    raw = (env.get("CASELOAD_UPLOAD_MAX_MB") or "").strip()
    if not raw:
        return DEFAULT_UPLOAD_MAX_MB * 1024 * 1024
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_UPLOAD_MAX_MB:
        raise ConfigurationError(
            f"CASELOAD_UPLOAD_MAX_MB must be a whole number of MB from 1 to {MAX_UPLOAD_MAX_MB}, "
            f"not {raw!r}"
        )
    return int(raw) * 1024 * 1024


DEFAULT_SURVEY_MINIMUM = 10


def survey_minimum(environ: Mapping[str, str] | None = None) -> int:
    """The fewest responses a staff health check group must have to be shown
    (``CASELOAD_SURVEY_MINIMUM``)."""
    env = os.environ if environ is None else environ
    raw = (env.get("CASELOAD_SURVEY_MINIMUM") or "").strip()
    if not raw:
        return DEFAULT_SURVEY_MINIMUM
    if not raw.isdigit() or not 2 <= int(raw) <= 100:
        raise ConfigurationError(
            "CASELOAD_SURVEY_MINIMUM must be a whole number of responses from 2 to 100, "
            f"not {raw!r}"
        )
    return int(raw)


def upload_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    """The folder for uploads waiting to be loaded (``CASELOAD_UPLOAD_DIR``); None for the
    default private folder in the system's temporary folder."""
    env = os.environ if environ is None else environ
    raw = (env.get("CASELOAD_UPLOAD_DIR") or "").strip()
    return Path(raw).expanduser() if raw else None


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
