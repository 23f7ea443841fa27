"""The Retention page, its API and ``caseload retention`` show the same figures for the same day
(on each database); an elected member sees small numbers hidden and no team breakdown; a team
manager sees their own teams besides the council."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from markupsafe import escape

from caseload.auth.roles import AccountRole
from caseload.cli.app import main
from caseload.domain.disclosure import SUPPRESSED
from caseload.web.templating import visible_text

from .council import WebCouncil
from .people_helpers import events, last_event_id
from .test_one_number import database_url


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    capsys.readouterr()
    code = main(["retention", *args])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def _shown(value: float | int | str | None, places: int = 1, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return f"{value:,.{places}f}{unit}"


@pytest.mark.parametrize("days_back", [0, 61])
def test_page_api_and_command_line_agree(
    council: WebCouncil,
    backend: str,
    days_back: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CASELOAD_DATABASE_URL", database_url(council.engine))
    client = council.client(AccountRole.LEADER)
    data_date = date.fromisoformat(client.get("/api/v1/retention").json()["data_date"])
    day = (data_date - timedelta(days=days_back)).isoformat()
    api = client.get("/api/v1/retention", params={"as_at": day, "by": "route"}).json()
    assert api["as_at"] == day
    page = client.get("/retention", params={"as_at": day, "by": "route"})
    assert page.status_code == 200, page.text
    summary = _cli(capsys, "summary", "--as-at", day, "--format", "json")
    survival = _cli(capsys, "survival", "--by", "route", "--as-at", day, "--format", "json")
    hazard = _cli(capsys, "hazard", "--as-at", day, "--format", "json")
    leavers = _cli(capsys, "leavers", "--as-at", day, "--format", "json")
    only = client.get("/api/v1/retention/survival", params={"as_at": day, "by": "route"}).json()

    assert survival["survival"] == api["survival"] == only["survival"]
    assert survival["curves"] == api["curves"]
    assert summary["council"] == api["council"]
    assert hazard["hazard"] == api["hazard"] == summary["hazard"]
    assert leavers["by_reason"] == api["leavers_by_reason"] == summary["leavers_by_reason"]
    assert leavers["by_destination"] == api["leavers_by_destination"]
    for key in ("stability", "progression", "service_moves", "cohorts", "records_start"):
        assert summary[key] == api[key], key

    text = visible_text(page.text)
    # The page prints each figure the API gives.
    for row in api["survival"]:
        assert str(escape(row["group"])) in page.text
        for milestone in row["milestones"]:
            if isinstance(milestone["still_here"], float) and not row["too_small"]:
                assert _shown(milestone["still_here"], 1, "%") in text
    for window in api["hazard"]:
        body = page.text.split(f"<caption>{window['label']}", 1)[1].split("</table>", 1)[0]
        for row in window["rows"]:
            assert f'<td class="num">{_shown(row["chance_within_year"], 1, "%")}</td>' in body
    stability = api["stability"]
    if isinstance(stability["share"], float):
        assert _shown(stability["share"], 1, "%") in text
    total = api["leavers_by_reason"]["rows"][-1]
    body = page.text.split('id="leavers-reason"', 1)[1].split("</table>", 1)[0]
    assert "All leavers" in body
    for count in total["counts"]:
        assert f'<td class="num">{count:,}</td>' in body
    # Plain words: survival explained, codes with their meaning.
    assert "Still with us after 2 years" in text and "(census code 1)" in text


def test_an_elected_member_sees_the_council_with_small_numbers_hidden(
    shared_council: WebCouncil,
) -> None:
    member = shared_council.client(AccountRole.MEMBER)
    data = member.get("/api/v1/retention").json()
    assert data["suppressed"] is True and data["own_teams"] is None
    assert "team" not in [link["value"] for link in data["groupings"]]
    for table in ("leavers_by_reason", "leavers_by_destination", "progression", "service_moves"):
        rows = data[table]["rows"]
        # DfE publishes the number of leavers: that total is kept, as on the public reports.
        for row in rows[:-1] if table.startswith("leavers") else rows:
            for count in row["counts"]:
                assert count in (SUPPRESSED, 0) or count >= 5, (table, row)
    for window in data["hazard"]:
        for row in window["rows"]:
            leavers = row["leavers"]
            assert leavers in (SUPPRESSED, 0) or leavers >= 5
            if leavers == SUPPRESSED:
                assert row["annual_rate"] == SUPPRESSED
        # No "most likely to leave" when a band's figure is hidden: it might be the highest.
        if any(row["chance_within_year"] == SUPPRESSED for row in window["rows"]):
            assert window["peak"] is None
    assert all(point["at_risk"] is None for point in data["curves"])
    # No team breakdown, and asking for one is refused and recorded.
    since = last_event_id(shared_council.engine)
    refused = member.get("/retention?by=team")
    assert refused.status_code == 403
    assert [e.outcome for e in events(shared_council.engine, after=since)] == ["refused"]
    # Members see the data date only.
    assert member.get("/retention?as_at=2020-01-01").status_code in (400, 403)


def test_a_team_manager_sees_the_council_and_their_own_teams(shared_council: WebCouncil) -> None:
    manager = shared_council.client(AccountRole.TEAM_MANAGER)
    data = manager.get("/api/v1/retention").json()
    leader = shared_council.client(AccountRole.LEADER).get("/api/v1/retention").json()
    assert data["council"] == leader["council"] and data["hazard"] == leader["hazard"]
    assert data["own_teams"] is not None and shared_council.own_team in data["own_teams"]["teams"]
    assert leader["own_teams"] is None
    by_team = manager.get("/api/v1/retention?by=team").json()
    assert {row["group"] for row in by_team["survival"]} <= set(data["own_teams"]["teams"])
    page = manager.get("/retention").text
    assert "Your teams" in page and '<a href="/retention"' in page


def test_a_social_worker_is_refused(shared_council: WebCouncil) -> None:
    worker = shared_council.client(AccountRole.SOCIAL_WORKER)
    assert worker.get("/retention").status_code == 403
    assert worker.get("/api/v1/retention").status_code in (401, 403)
