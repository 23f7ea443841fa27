"""The /asye and /progression pages against their API resources and the command line: one
context each, so the figures shown agree; the page's plain words; a social worker's own view."""

from __future__ import annotations

import json

import pytest

from caseload.auth.roles import AccountRole
from caseload.cli.app import main
from caseload.web.templating import visible_text

from .council import WebCouncil


def test_asye_page_api_and_cli_agree(
    shared_council: WebCouncil,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    client = shared_council.client(AccountRole.LEADER)
    data = client.get("/api/v1/asye").json()
    page = client.get(f"/asye?as_at={data['as_at']}")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert f"{data['in_programme']} in the programme" in text
    assert "in every team" in text and data["every_team"] is True
    assert f"{len(data['overdue'])} review" in text
    for row in data["programmes"]:
        assert row["worker"] in text
    monkeypatch.setenv("CASELOAD_DATABASE_URL", str(shared_council.engine.url))
    assert main(["asye", "--format", "json", "--as-at", data["as_at"]]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert cli["cohorts"] == data["cohorts"]
    assert cli["overdue"] == data["overdue"]
    assert cli["in_programme"] == data["in_programme"]


def test_progression_page_api_and_cli_agree(
    shared_council: WebCouncil,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    client = shared_council.client(AccountRole.LEADER)
    data = client.get("/api/v1/progression").json()
    page = client.get("/progression")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "Social worker to senior social worker" in text
    for row in data["counts"]:
        year = f"October {row['census_year'] - 1} to September {row['census_year']}"
        assert year in text
    monkeypatch.setenv("CASELOAD_DATABASE_URL", str(shared_council.engine.url))
    assert main(["progression", "--format", "json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert cli["counts"] == data["counts"]
    assert len(cli["eligible"]) == len(data["eligible"])


def test_a_social_worker_sees_only_their_own_programme(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.SOCIAL_WORKER)
    data = client.get("/api/v1/asye").json()
    assert data["audience"] == "own"
    assert len(data["programmes"]) <= 1
