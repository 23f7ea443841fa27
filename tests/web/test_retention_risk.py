"""The leaving-risk model and the stay-conversation list on the web, the API and the command line:
who may see them, what is written to the audit trail, and the same figures everywhere for the
same day."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest
from sqlalchemy import Engine

from caseload.auth.roles import AccountRole
from caseload.caseloads.position import active_on, held_on, workers_on
from caseload.caseloads.workload import worker_caseloads
from caseload.cli.app import main
from caseload.retention.covariates import COVARIATE_NAMES, month_starts, over_cap_on
from caseload.services.caseloads import council_data

from .council import WebCouncil
from .people_helpers import events, last_event_id

EARLIER = "2026-06-30"


def _engine_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_the_model_is_fitted_on_the_synthetic_council(shared_council: WebCouncil) -> None:
    answer = shared_council.client(AccountRole.ANALYST).get("/api/v1/retention/model")
    assert answer.status_code == 200
    model = answer.json()
    assert model["fitted"] is True
    assert 0.0 < model["concordance"] < 1.0
    assert 0 < model["leavers"] < model["people"] < model["person_months"]
    assert [r["covariate"] for r in model["ratios"]] == list(COVARIATE_NAMES)
    for ratio in model["ratios"]:
        assert ratio["low"] <= ratio["hazard_ratio"] <= ratio["high"]
    assert "association, not cause" in model["caveat"]


@pytest.mark.parametrize(
    "role", [AccountRole.ANALYST, AccountRole.TEAM_MANAGER, AccountRole.MEMBER]
)
def test_only_the_leader_sees_the_stay_list(shared_council: WebCouncil, role: AccountRole) -> None:
    client = shared_council.client(role)
    for path in ("/retention/stay", "/api/v1/retention/stay"):
        before = last_event_id(shared_council.engine)
        assert client.get(path).status_code == 403
        refused = [
            e
            for e in events(shared_council.engine, after=before)
            if e.target_type == "stay_conversations"
        ]
        assert [(e.action, e.outcome) for e in refused] == [("view", "refused")]


def test_members_never_see_the_model(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.MEMBER)
    before = last_event_id(shared_council.engine)
    assert client.get("/retention/model").status_code == 403
    assert client.get("/api/v1/retention/model").status_code == 403
    found = [e for e in events(shared_council.engine, after=before) if e.outcome == "refused"]
    assert [e.target_type for e in found] == ["leaving_risk", "leaving_risk"]
    page = shared_council.client(AccountRole.MEMBER).get("/scorecard").text
    assert "/retention/model" not in page


def test_the_leaders_view_is_audited_with_the_people_listed(council: WebCouncil) -> None:
    """On each backend: the page and the API each write one view naming everyone listed."""
    client = council.client(AccountRole.LEADER)
    before = last_event_id(council.engine)
    listed = client.get("/api/v1/retention/stay").json()
    page = client.get("/retention/stay")
    assert page.status_code == 200
    ids = [p["worker_id"] for p in listed["people"]]
    assert ids, "the synthetic council has people at the two-year point"
    for person in listed["people"]:
        assert f'href="/workers/{person["worker_id"]}?as_at=' in page.text
        assert person["reasons"]
    views = [
        e
        for e in events(council.engine, after=before)
        if e.target_type == "stay_conversations" and e.outcome == "allowed"
    ]
    assert len(views) == 2
    for view in views:
        assert view.action == "view"
        assert view.detail["worker_ids"] == ids
        assert view.detail["as_at"] == listed["as_at"]


def test_the_download_holds_the_list_and_is_recorded(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    listed = client.get("/api/v1/retention/stay").json()
    before = last_event_id(shared_council.engine)
    answer = client.get("/retention/stay/download?format=csv")
    assert answer.status_code == 200
    assert answer.headers["content-disposition"].endswith(
        f'filename="stay_conversations-{listed["as_at"]}.csv"'
    )
    lines = answer.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Name,Worker id,Team")
    assert len(lines) == 1 + len(listed["people"])
    (recorded,) = events(shared_council.engine, after=before)
    assert (recorded.action, recorded.target_type) == ("export", "stay_conversations")
    assert recorded.detail["worker_ids"] == [p["worker_id"] for p in listed["people"]]
    refused = shared_council.client(AccountRole.ANALYST).get("/retention/stay/download")
    assert refused.status_code == 403


def test_page_api_and_command_agree_on_the_same_day(
    shared_council: WebCouncil,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    client = shared_council.client(AccountRole.LEADER)
    model = client.get(f"/api/v1/retention/model?as_at={EARLIER}").json()
    stay = client.get(f"/api/v1/retention/stay?as_at={EARLIER}").json()
    assert model["as_at"] == stay["as_at"] == EARLIER
    page = client.get(f"/retention/model?as_at={EARLIER}").text
    assert f"{model['concordance']:.2f}" in page
    for ratio in model["ratios"]:
        if ratio["hazard_ratio"] is not None:
            assert f"{ratio['hazard_ratio']:.2f}" in page
    stay_page = client.get(f"/retention/stay?as_at={EARLIER}").text
    for person in stay["people"]:
        assert person["name"] in stay_page

    monkeypatch.setenv("CASELOAD_DATABASE_URL", _engine_url(shared_council.engine))
    monkeypatch.setenv("CASELOAD_USER", "tests")
    assert main(["retention", "model", "--as-at", EARLIER, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == model
    before = last_event_id(shared_council.engine)
    assert main(["retention", "stay", "--as-at", EARLIER, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == stay
    (recorded,) = events(shared_council.engine, after=before)
    assert (recorded.actor, recorded.action, recorded.target_type) == (
        "tests",
        "view",
        "stay_conversations",
    )
    assert recorded.detail["worker_ids"] == [p["worker_id"] for p in stay["people"]]
    assert main(["retention", "model", "--as-at", "2030-01-01"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_day_after_the_data_date_is_refused(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    answer = client.get("/api/v1/retention/model?as_at=2030-01-01")
    assert answer.status_code == 400
    assert date.fromisoformat(client.get("/api/v1/retention/model").json()["as_at"])


def test_months_over_cap_use_the_caseload_pages_own_test(shared_council: WebCouncil) -> None:
    """On each month's first day of the year, the workers the panel counts as over their cap are
    exactly those the caseloads' workload (:func:`worker_caseloads`, which the caseloads page
    and the over-cap alerts use) marks over their case cap."""
    council = council_data(shared_council.engine, authority_code=shared_council.code)
    assert council.latest is not None
    data, policy = council.data, council.policy.policy
    days = month_starts(date(council.latest.year - 1, council.latest.month, 1), council.latest)
    found = over_cap_on(data, policy, days)
    seen = 0
    for day in days:
        workload = worker_caseloads(
            workers_on(data, day, policy),
            held_on(data, day, policy),
            active_on(data.allocations, day),
            policy,
        )
        page = set(workload.filter(pl.col("over_case_cap"))["worker_id"].to_list())
        panel = set(found.filter(pl.col("month") == day)["worker_id"].to_list())
        assert panel == page, day
        seen += len(page)
    assert seen > 0, "the synthetic council has workers over their cap on some first day"
