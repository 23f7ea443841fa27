"""The people API: described in OpenAPI with its models, open to service-account tokens, and
answering each role as its pages do."""

from __future__ import annotations

import polars as pl
import pytest

from caseload.auth.roles import AccountRole
from caseload.services import accounts
from caseload.services.audit import cli_actor
from caseload.services.caseloads import council_data

from .council import WebCouncil
from .people_helpers import report

PATHS = (
    "/api/v1/workers",
    "/api/v1/workers/{worker_id}",
    "/api/v1/teams",
    "/api/v1/teams/{team_id}",
    "/api/v1/caseloads",
    "/api/v1/caseloads/queue",
    "/api/v1/allocations",
    "/api/v1/allocations/decisions",
    "/api/v1/me",
)


def test_the_description_has_a_model_for_each_answer(shared_council: WebCouncil) -> None:
    description = shared_council.client().get("/api/v1/openapi.json").json()
    paths = description["paths"]
    for path in PATHS:
        assert path in paths, path
        for operation in paths[path].values():
            answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
            assert "$ref" in answer, (path, answer)
            assert {"403", "404"} <= set(operation["responses"]), path
    schemas = description["components"]["schemas"]
    assert {"WorkerRow", "WorkerContext", "CaseloadsContext", "DecisionRequest"} <= set(schemas)
    decision = schemas["DecisionRequest"]
    assert decision["properties"]["action"]["enum"] == ["accept", "override", "reject"]
    assert decision["additionalProperties"] is False


def test_a_service_account_token_reads_the_api(shared_council: WebCouncil) -> None:
    engine = shared_council.engine
    by = cli_actor("tests")
    name = "people-api-reader"
    if name not in {a.username for a in accounts.list_users(engine)}:
        accounts.add_user(
            engine,
            by,
            username=name,
            display_name="People API",
            role=AccountRole.ANALYST,
            authority_code=shared_council.code,
            service=True,
        )
    token = accounts.create_api_token(engine, by, name, name="tests", days=1)
    client = shared_council.client()
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/workers", headers=headers)
    assert listed.status_code == 200
    assert listed.json()["detail"] == "pseudonymised"
    assert len(listed.json()["workers"]) == report(shared_council).workers.height
    refused = client.get(f"/api/v1/workers/{shared_council.own_worker_id}", headers=headers)
    assert refused.status_code == 403
    assert refused.json()["error"] == "Not allowed"
    assert client.get("/api/v1/caseloads").status_code == 401


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        (AccountRole.LEADER, "/api/v1/allocations", 200),
        (AccountRole.TEAM_MANAGER, "/api/v1/allocations", 200),
        (AccountRole.ANALYST, "/api/v1/allocations", 403),
        (AccountRole.MEMBER, "/api/v1/teams", 200),
        (AccountRole.SOCIAL_WORKER, "/api/v1/teams", 403),
        (AccountRole.SOCIAL_WORKER, "/api/v1/me", 200),
        (AccountRole.LEADER, "/api/v1/me", 404),
        (AccountRole.ADMIN, "/api/v1/caseloads", 200),
        (AccountRole.ADMIN, "/api/v1/workers", 403),
    ],
)
def test_each_role_is_answered_as_its_pages_are(
    shared_council: WebCouncil, role: AccountRole, path: str, status: int
) -> None:
    assert shared_council.client(role).get(path).status_code == status


def test_a_service_areas_page_covers_its_teams(shared_council: WebCouncil) -> None:
    council = council_data(shared_council.engine, authority_code=shared_council.code)
    teams = council.data.teams
    area = teams.filter(pl.col("kind") == "service_area").row(0, named=True)
    inside = set(teams.filter(pl.col("parent_id") == area["team_id"])["team_id"].to_list())
    full = report(shared_council)
    expected = full.teams.filter(pl.col("team_id").is_in(sorted(inside)))
    data = shared_council.client(AccountRole.LEADER).get(f"/api/v1/teams/{area['team_id']}")
    assert data.status_code == 200
    shown = data.json()
    assert shown["team"] == {
        "team_id": area["team_id"],
        "name": area["team"],
        "kind": "service_area",
        "service": None,
    }
    assert sorted((t["team_id"], t["cases"]) for t in shown["teams"]) == sorted(
        expected.select("team_id", "cases").iter_rows()
    )
    assert shown["history"][-1]["cases"] == int(expected["cases"].sum())
