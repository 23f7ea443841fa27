"""The agency rules on the web test council: the page, the API and the command show the same
shares and breaches for the same date, the return downloads as a workbook of five sheets and is
recorded as an export, and roles without the agency rules are refused (and the refusal
recorded)."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import openpyxl
import pytest
from markupsafe import escape

from caseload.auth.roles import AccountRole
from caseload.cli.app import main

from .council import WebCouncil
from .people_helpers import events, last_event_id


def _url(council: WebCouncil) -> str:
    return council.engine.url.render_as_string(hide_password=False)  # always SQLite


def test_page_api_and_command_agree(
    shared_council: WebCouncil,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    client = shared_council.client(AccountRole.LEADER)
    data_date = date.fromisoformat(client.get("/api/v1/agency/breaches").json()["data_date"])
    day = (data_date - timedelta(days=40)).isoformat()
    api = client.get("/api/v1/agency/breaches", params={"as_at": day}).json()
    page = client.get("/agency", params={"as_at": day})
    assert page.status_code == 200
    monkeypatch.setenv("CASELOAD_DATABASE_URL", _url(shared_council))
    capsys.readouterr()
    assert main(["agency", "breaches", "--as-at", day, "--format", "json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert api["as_at"] == cli["as_at"] == day
    assert api["engagements"] > 0
    assert api["compliance"] == cli["compliance"]
    assert api["breaches"] == cli["breaches"]
    assert 0 < len(api["breaches"]) < api["engagements"] * 5
    for rule in api["compliance"]:
        row = page.text.split(f'<th scope="row">{escape(rule["title"])}</th>', 1)[1]
        shown = "–" if rule["share"] is None else f"{rule['share']:.1f}%"
        assert f'<td class="num">{shown}</td>' in row.split("</tr>", 1)[0]
    for breach in api["breaches"]:
        assert str(escape(breach["evidence"])) in page.text
    assert "These caps are examples, not your region" in page.text


def test_the_return_downloads_as_five_sheets_and_is_recorded(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    before = last_event_id(shared_council.engine)
    response = client.get("/agency/return", params={"quarter": "2025Q3"})
    assert response.status_code == 200
    assert "agency-return-" in response.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Assignments",
        "Compliance",
        "Price cap exceptions",
        "Agencies",
        "Monthly cost",
    ]
    assert [c.value for c in book["Monthly cost"][1]] == ["month", "headcount", "estimated_cost"]
    assert [row[0].value for row in book["Monthly cost"].iter_rows(min_row=2)] == [
        "2025-07",
        "2025-08",
        "2025-09",
    ]
    api = client.get("/api/v1/agency/return", params={"quarter": "2025Q3"}).json()
    assert api["assignments"] == book["Assignments"].max_row - 1
    exports = [e for e in events(shared_council.engine, after=before) if e.action == "export"]
    assert [e.target_type for e in exports] == ["agency_return"]


def test_a_bad_quarter_is_refused_in_words(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    response = client.get("/api/v1/agency/return", params={"quarter": "Q3 2025"})
    assert response.status_code == 400
    assert "2026Q3" in response.text


def test_the_team_manager_is_refused_and_the_refusal_recorded(shared_council: WebCouncil) -> None:
    before = last_event_id(shared_council.engine)
    client = shared_council.client(AccountRole.TEAM_MANAGER)
    assert client.get("/agency").status_code == 403
    refused = [e for e in events(shared_council.engine, after=before) if e.outcome == "refused"]
    assert refused
