"""The workforce plan on the web test council: the page, the API and the command line show the
same figures for the same day, members and team managers are refused (and the refusal
recorded), and stored runs are listed with who stored them."""

from __future__ import annotations

import json

import pytest
from markupsafe import escape

from caseload.auth.roles import AccountRole
from caseload.cli.app import main
from caseload.web.templating import visible_text

from .council import WebCouncil
from .people_helpers import events, last_event_id


def _cell(figures: dict[str, float]) -> str:
    low, high = f"{figures['p10']:,.1f}", f"{figures['p90']:,.1f}"
    return f'{figures["p50"]:,.1f} <span class="range">({low} to {high})</span>'


def test_page_api_and_command_agree(
    shared_council: WebCouncil, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    client = shared_council.client(AccountRole.LEADER)
    data = client.get("/api/v1/scenarios/compare").json()
    day = data["as_at"]
    names = [scenario["scenario"] for scenario in data["scenarios"]]
    assert names == [
        "baseline",
        "add-posts-to-target",
        "over-recruit-newly-qualified",
        "retention-payments",
    ]
    page = client.get(f"/planning?as_at={day}")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "Workforce plan" in text and "middle outcome" in text
    assert page.text.count("<svg") == 3
    for scenario in data["scenarios"]:
        assert escape(scenario["title"]) in page.text
        for point in scenario["points"]:
            assert _cell(point["own_fte"]) in page.text
            assert _cell(point["agency_fte"]) in page.text
    # The command line, on the same database and day, gives the same figures.
    monkeypatch.setenv("CASELOAD_DATABASE_URL", shared_council.engine.url.render_as_string(False))
    assert main(["scenario", "compare", "--as-at", day, "--format", "json"]) == 0
    command = json.loads(capsys.readouterr().out)
    assert [s["points"] for s in command["scenarios"]] == [s["points"] for s in data["scenarios"]]
    # Another seed gives other draws; the same seed the same ones.
    again = client.get("/api/v1/scenarios/compare?names=retention-payments").json()
    assert again["scenarios"][1]["points"] == data["scenarios"][3]["points"]
    other = client.get("/api/v1/scenarios/compare?names=retention-payments&seed=7").json()
    assert other["scenarios"][1]["points"] != data["scenarios"][3]["points"]


def test_the_page_says_where_the_newly_qualified_intakes_come_from(
    shared_council: WebCouncil,
) -> None:
    client = shared_council.client(AccountRole.LEADER)
    data = client.get("/api/v1/scenarios/compare?names=retention-payments&paths=100").json()
    source = data["evidence"]["intake_source"]
    pipeline = client.get(f"/api/v1/pipeline?as_at={data['as_at']}").json()
    assert source["source"] == "pipeline"
    assert [(y["year"], y["learners"], y["expected_intake"]) for y in source["years"]] == [
        (row["year"], row["learners"], row["expected_intake"]) for row in pipeline["intake"]
    ]
    page = client.get(f"/planning?as_at={data['as_at']}&names=retention-payments")
    text = visible_text(page.text)
    assert "Newly qualified intakes, from the council's pipeline." in text
    first = source["years"][0]
    assert (
        f"{first['learners']} qualifying in {first['year']} at {first['conversion_percent']}%, "
        f"{first['expected_intake']} expected from {first['starts']}"
    ) in text
    assert f"From {source['through_year'] + 1}, beyond what the pipeline can say" in text


def test_the_catalogue_and_a_bad_name(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.ANALYST)
    listed = client.get("/api/v1/scenarios").json()
    assert [item["name"] for item in listed] == [
        "baseline",
        "add-posts-to-target",
        "over-recruit-newly-qualified",
        "retention-payments",
    ]
    wrong = client.get("/api/v1/scenarios/compare?names=nothing-like-it")
    assert wrong.status_code == 404
    assert "the worked ones are add-posts-to-target" in wrong.json()["detail"]
    assert (
        client.get("/api/v1/scenarios/compare?paths=50").status_code == 400
    )  # the shared range check


@pytest.mark.parametrize("role", [AccountRole.MEMBER, AccountRole.TEAM_MANAGER])
def test_members_and_managers_are_refused_and_it_is_recorded(
    shared_council: WebCouncil, role: AccountRole
) -> None:
    client = shared_council.client(role)
    before = last_event_id(shared_council.engine)
    assert client.get("/planning").status_code == 403
    assert client.get("/api/v1/scenarios/compare").status_code == 403
    refused = [e for e in events(shared_council.engine, after=before) if e.outcome == "refused"]
    assert [e.target_type for e in refused] == ["workforce plan", "workforce plan"]
    assert 'href="/planning"' not in client.get("/scorecard").text


def test_storing_runs_lists_them(council: WebCouncil) -> None:
    client = council.client(AccountRole.LEADER)
    token = client.get("/planning").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    before = last_event_id(council.engine)
    stored = client.post(
        "/api/v1/scenarios/runs",
        json={"names": ["over-recruit-newly-qualified"], "paths": 200},
        headers={"X-CSRF-Token": token},
    )
    assert stored.status_code == 200
    ids = stored.json()["ids"]
    assert len(ids) == 2
    logged = [e for e in events(council.engine, after=before) if e.action == "store"]
    assert [e.target_id for e in logged] == [str(run_id) for run_id in ids]
    page = client.get("/planning?stored=2")
    assert "Stored 2 runs" in page.text
    assert page.text.count("Over-recruit nine newly qualified and two senior social workers") >= 3
    listed = client.get("/api/v1/scenarios/compare").json()["stored"]
    assert [run["scenario"] for run in listed] == ["over-recruit-newly-qualified", "baseline"]
    assert {run["created_by"] for run in listed} == {"leader"}
    assert {run["paths"] for run in listed} == {200}
