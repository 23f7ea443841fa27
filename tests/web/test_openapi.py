"""The JSON API against its own OpenAPI description: the description lists the resources and
declares bearer tokens, and schemathesis sends generated requests (valid and invalid) to every
operation of the ASGI app directly, checking for server errors and responses that break the
schema.

The fuzzing runs on a copy of ``shared_council``'s SQLite file, signed in with a token of a
service account in the leader role: generated POSTs may change data and the account adds a row,
and ``shared_council`` is for tests that only read. Examples are bounded (20 per operation) and
deterministic, so a run takes the same requests every time."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from caseload.auth.roles import AccountRole
from caseload.services import accounts
from caseload.services.audit import cli_actor
from caseload.storage.engine import make_engine
from caseload.web import create_app

from .council import WebCouncil

OPENAPI = "/api/v1/openapi.json"
RESOURCES = (
    "/api/v1/workers",
    "/api/v1/teams",
    "/api/v1/caseloads",
    "/api/v1/census/indicators",
    "/api/v1/allocations",
)
SERVICE_ACCOUNT = "openapi-fuzz"
MAX_EXAMPLES = 20
SEED = 6
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def _bearer_schemes(description: dict[str, Any]) -> set[str]:
    schemes = description.get("components", {}).get("securitySchemes", {})
    return {
        name
        for name, scheme in schemes.items()
        if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "bearer"
    }


def test_the_description_lists_the_resources_and_declares_bearer_tokens(
    shared_council: WebCouncil,
) -> None:
    response = shared_council.client().get(OPENAPI)
    assert response.status_code == 200
    description = response.json()
    assert description["openapi"].startswith("3.")
    paths = description["paths"]
    missing = [path for path in RESOURCES if path not in paths]
    assert not missing, f"not in the OpenAPI description: {missing}"
    bearer = _bearer_schemes(description)
    assert bearer, "no http bearer security scheme in components.securitySchemes"
    default = description.get("security", [])
    unprotected = [
        f"{method.upper()} {path}"
        for path, item in paths.items()
        for method, operation in item.items()
        if method in HTTP_METHODS
        and not any(set(need) & bearer for need in operation.get("security", default))
    ]
    assert not unprotected, f"operations without bearer security: {unprotected}"


@pytest.fixture(scope="module")
def fuzz_database(shared_council: WebCouncil, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shared council's database with a leader service account in it."""
    source = shared_council.engine.url.database
    assert source, "shared_council is expected on a SQLite file"
    copy = tmp_path_factory.mktemp("openapi") / "council.db"
    original, target = sqlite3.connect(source), sqlite3.connect(copy)
    try:
        original.backup(target)
    finally:
        original.close()
        target.close()
    return copy


@pytest.fixture(scope="module")
def fuzz_target(shared_council: WebCouncil, fuzz_database: Path) -> Iterator[tuple[FastAPI, str]]:
    """The application on the copy, and a bearer token of a leader service account."""
    engine = make_engine(f"sqlite:///{fuzz_database}")
    by = cli_actor("tests")
    accounts.add_user(
        engine,
        by,
        username=SERVICE_ACCOUNT,
        display_name="OpenAPI fuzzing",
        role=AccountRole.LEADER,
        authority_code=shared_council.code,
        service=True,
    )
    token = accounts.create_api_token(engine, by, SERVICE_ACCOUNT, name="schemathesis", days=1)
    yield create_app(engine), token
    engine.dispose()


# The operations are read at collection from an application on an empty in-memory database
# (describing the API opens no connection); the requests go to ``fuzz_target``'s application.
# (``schemathesis.pytest.from_fixture`` would load it from a fixture, but the installed
# schemathesis's lazy loader does not work with pytest 9.)
schema = schemathesis.openapi.from_asgi(
    OPENAPI,
    create_app(make_engine("sqlite://")),
    config=schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
        }
    ),
)


def _fuzz(case: schemathesis.Case, fuzz_target: tuple[FastAPI, str]) -> None:
    app, token = fuzz_target
    case.call_and_validate(
        app=app,
        headers={"Authorization": f"Bearer {token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )


if schema.statistic.operations.total:
    test_every_operation_answers_without_server_errors_and_as_described = schema.parametrize()(
        _fuzz
    )
else:  # schemathesis fails the whole collection for a test with no operations to call

    def test_every_operation_answers_without_server_errors_and_as_described() -> None:
        pytest.fail(f"{OPENAPI} describes no operations to fuzz")
