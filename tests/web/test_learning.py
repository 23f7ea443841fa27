"""The learning and pipeline pages and their API resources on the shared synthetic council: the
page, the API and the command line show the same compliance on two days; each role sees its own
part (the leader every team and named gaps, the team manager their teams only, the analyst no
names, the social worker their own record); named views are audited; the offer search filters on
the server."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from caseload.auth.roles import AccountRole
from caseload.cli.app import main

from .council import WebCouncil
from .people_helpers import events, last_event_id
from .test_one_number import database_url


@pytest.mark.parametrize("days_back", [0, 45])
def test_page_api_and_command_agree(
    shared_council: WebCouncil,
    days_back: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    client = shared_council.client(AccountRole.LEADER)
    latest = date.fromisoformat(client.get("/api/v1/learning").json()["data_date"])
    day = (latest - timedelta(days=days_back)).isoformat()
    api = client.get("/api/v1/learning", params={"as_at": day}).json()
    council = api["council"]
    assert council["pairs"] > 0 and 0 < council["compliance"] < 100
    assert sum(row["pairs"] for row in api["by_team"]) == council["pairs"]
    assert sum(row["compliant"] for row in api["by_role"]) == council["compliant"]
    page = client.get("/learning", params={"as_at": day}).text
    assert f"<strong>{council['compliance']:.1f}%</strong>" in page
    monkeypatch.setenv("CASELOAD_DATABASE_URL", database_url(shared_council.engine))
    capsys.readouterr()
    assert main(["training", "--as-at", day, "--format", "json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert cli["council"] == council
    assert cli["by_team"] == api["by_team"]


def test_each_role_sees_its_part(shared_council: WebCouncil) -> None:
    leader = shared_council.client(AccountRole.LEADER).get("/api/v1/learning").json()
    assert leader["gaps"] and leader["by_service"] and leader["mine"] is None
    manager = shared_council.client(AccountRole.TEAM_MANAGER).get("/api/v1/learning").json()
    assert [row["team"] for row in manager["by_team"]] == [shared_council.own_team]
    assert {row["team"] for row in manager["gaps"]} <= {shared_council.own_team}
    assert manager["by_service"] == []
    analyst = shared_council.client(AccountRole.ANALYST).get("/api/v1/learning").json()
    assert analyst["gaps"] == [] and analyst["council"] == leader["council"]
    worker = shared_council.client(AccountRole.SOCIAL_WORKER).get("/api/v1/learning").json()
    assert worker["council"] is None and worker["gaps"] == []
    mine = worker["mine"]
    assert mine["required"] and {r["status"] for r in mine["required"]} <= {
        "current",
        "expiring",
        "expired",
        "missing",
    }


def test_named_views_are_audited(shared_council: WebCouncil) -> None:
    since = last_event_id(shared_council.engine)
    shared_council.client(AccountRole.LEADER).get("/learning")
    shared_council.client(AccountRole.TEAM_MANAGER).get("/learning")
    shared_council.client(AccountRole.SOCIAL_WORKER).get("/learning")
    found = [
        (e.actor, e.action, e.target_type)
        for e in events(shared_council.engine, after=since)
        if e.target_type in ("training gaps", "training")
    ]
    assert ("leader", "view", "training gaps") in found
    assert ("worker", "view", "training") in found
    # The manager's team (the MASH) has every mandatory course current on the data date: no
    # named gap is shown, so none is recorded.
    manager = shared_council.client(AccountRole.TEAM_MANAGER).get("/api/v1/learning").json()
    assert manager["gaps"] == [] and manager["council"]["compliance"] == 100
    assert ("manager", "view", "training gaps") not in found


def test_the_offer_search_filters_on_the_server(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.SOCIAL_WORKER)
    everything = client.get("/api/v1/learning/offer").json()
    assert everything["total"] == len(everything["items"]) == 30
    court = client.get("/api/v1/learning/offer", params={"q": "court evidence"}).json()
    assert {item["code"] for item in court["items"]} == {"C-COURT", "E-COURT"}
    held = {item["code"]: item["held"] for item in everything["items"] if item["kind"] == "event"}
    assert held["E-COURT"] is False and held["E-FORUM-1"] is True  # 20 days after, 150 before
    page = client.get("/learning", params={"q": "neglect"}).text
    assert "3 of 30 entries match" in page and "Graded care profile 2" in page
    assert client.get("/api/v1/learning/offer", params={"q": "x" * 121}).status_code == 422


def test_the_pipeline_page_and_api(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    api = client.get("/api/v1/pipeline").json()
    assert api["has_pipeline"] and api["conversions"]
    places = api["educators"]
    assert places["free"] <= places["capacity"]
    page = client.get("/pipeline").text
    assert "From placement to first post" in page
    assert f"{places['educators']}" in page
