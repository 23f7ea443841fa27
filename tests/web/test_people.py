"""The worker, team and "my caseload" pages: the same caseload as the council's report, scope
and role rules with refusals written to the audit trail, and every view recorded."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest

from caseload.auth.principal import Principal
from caseload.auth.roles import AccountRole
from caseload.domain.disclosure import pseudonym
from caseload.errors import AccessDeniedError
from caseload.services import access
from caseload.services.caseloads import council_data
from caseload.services.pseudonyms import pseudonym_key
from caseload.services.snapshot import snapshots
from caseload.services.view_rows import Detail, worker_row
from caseload.services.worker_record import council_index, subset_parts
from caseload.storage import people_queries
from caseload.storage.engine import session_scope

from .council import WebCouncil
from .people_helpers import events, last_event_id, report


def test_every_workers_page_has_the_reports_caseload(shared_council: WebCouncil) -> None:
    """The worker page reads only the worker's rows, yet gives exactly the report's figures."""
    client = shared_council.client(AccountRole.LEADER)
    full = report(shared_council)
    for row in full.workers.iter_rows(named=True):
        data = client.get(f"/api/v1/workers/{row['worker_id']}").json()
        assert data["caseload"] == worker_row(row, Detail.NAMED), row["worker_id"]
        assert len(data["cases"]) == row["cases"]


def test_the_workers_own_rows_give_the_council_indexs_record(shared_council: WebCouncil) -> None:
    """Both sources of a worker's page agree for every worker, leavers included: the index of
    the cached council and the worker's own rows (used when nothing is cached)."""
    council = council_data(shared_council.engine, authority_code=shared_council.code)
    assert council.latest is not None
    index = council_index(shared_council.engine, council, council.latest)
    policy = council.policy.policy
    for worker_id in council.data.workers["worker_id"].to_list():
        own = subset_parts(
            shared_council.engine, council.authority.id, worker_id, council.latest, policy
        )
        full = index.parts(worker_id)
        assert own.caseload == full.caseload, worker_id
        assert (own.breaches, own.cases, own.co_working) == (
            full.breaches,
            full.cases,
            full.co_working,
        ), worker_id
        assert (own.spells, own.absences) == (full.spells, full.absences), worker_id
        assert own.history == full.history, worker_id
        assert own.allocations.sort("start_date", "end_date").equals(
            full.allocations.sort("start_date", "end_date")
        ), worker_id


def test_the_indexs_scope_check_agrees_with_access(shared_council: WebCouncil) -> None:
    """The index answers 'allowed' only where access.check_worker allows (refusals always go
    through check_worker, which records them)."""
    engine = shared_council.engine
    council = council_data(engine, authority_code=shared_council.code)
    assert council.latest is not None
    index = council_index(engine, council, council.latest)
    who = {
        role: Principal(1, role.value, role.value, role, council.authority.id)
        for role in AccountRole
    }
    who[AccountRole.TEAM_MANAGER] = replace(
        who[AccountRole.TEAM_MANAGER], team_ids=frozenset({shared_council.own_team_id})
    )
    who[AccountRole.SOCIAL_WORKER] = replace(
        who[AccountRole.SOCIAL_WORKER], worker_id=shared_council.social_worker_id
    )
    with session_scope(engine) as session:
        for worker_id in council.data.workers["worker_id"].to_list():
            facts = people_queries.worker_facts(session, council.authority.id, worker_id)
            assert index.facts[worker_id] == facts
    for principal in who.values():
        for worker_id in council.data.workers["worker_id"].to_list():
            try:
                access.check_worker(engine, principal, worker_id, day=council.latest)
                allowed = True
            except AccessDeniedError:
                allowed = False
            assert index.allows(principal, worker_id) == allowed, (principal.role, worker_id)


def test_the_page_reads_the_workers_own_rows_when_nothing_is_cached(
    shared_council: WebCouncil,
) -> None:
    client = shared_council.client(AccountRole.LEADER)
    path = f"/api/v1/workers/{shared_council.own_worker_id}"
    cached = client.get(path).json()
    snapshots(shared_council.engine).council_data.clear()
    assert client.get(path).json() == cached


def test_the_worker_page_shows_cases_history_spells_and_absences(
    shared_council: WebCouncil,
) -> None:
    council = shared_council
    client = council.client(AccountRole.LEADER)
    page = client.get(f"/workers/{council.own_worker_id}")
    assert page.status_code == 200
    data = client.get(f"/api/v1/workers/{council.own_worker_id}").json()
    assert data["worker"]["team_id"] == council.own_team_id
    for case in data["cases"]:
        assert f'<th scope="row">{case["child"]}</th>' in page.text
    history = data["history"]
    assert len(history) == 24
    assert history[-1]["month_end"] == data["as_at"]  # the web council ends on 30 September
    assert history[-1]["cases"] == data["caseload"]["cases"]
    assert data["spells"], "a worker in post has an employment spell"
    assert data["absence_reasons_shown"] is True
    assert f'<a href="/teams/{council.own_team_id}">' in page.text
    assert "Cases held at each month end, last 24 months" in page.text


def test_each_view_of_a_worker_is_recorded(shared_council: WebCouncil) -> None:
    before = last_event_id(shared_council.engine)
    client = shared_council.client(AccountRole.TEAM_MANAGER)
    assert client.get(f"/workers/{shared_council.own_worker_id}").status_code == 200
    found = [
        (e.actor, e.action, e.outcome, e.target_type, e.target_id)
        for e in events(shared_council.engine, after=before)
        if e.target_type == "worker"
    ]
    assert found == [("manager", "view", "allowed", "worker", str(shared_council.own_worker_id))]


@pytest.mark.parametrize("path", ["/workers/{id}", "/api/v1/workers/{id}"])
def test_team_manager_is_refused_another_teams_worker_and_it_is_recorded(
    shared_council: WebCouncil, path: str
) -> None:
    council = shared_council
    client = council.client(AccountRole.TEAM_MANAGER)
    before = last_event_id(council.engine)
    response = client.get(path.format(id=council.other_worker_id))
    assert response.status_code == 403
    refused = [
        (e.actor, e.action, e.outcome, e.target_type, e.target_id, e.detail)
        for e in events(council.engine, after=before)
        if e.outcome == "refused"
    ]
    assert refused == [
        (
            "manager",
            "view",
            "refused",
            "worker",
            str(council.other_worker_id),
            {"why": "this worker is not in your teams"},
        )
    ]


@pytest.mark.parametrize("role", [AccountRole.ANALYST, AccountRole.MEMBER, AccountRole.ADMIN])
def test_roles_without_named_records_cannot_open_a_worker(
    shared_council: WebCouncil, role: AccountRole
) -> None:
    client = shared_council.client(role)
    assert client.get(f"/workers/{shared_council.own_worker_id}").status_code == 403
    assert client.get(f"/api/v1/workers/{shared_council.own_worker_id}").status_code == 403


def test_a_social_worker_sees_their_own_record_only(shared_council: WebCouncil) -> None:
    council = shared_council
    client = council.client(AccountRole.SOCIAL_WORKER)
    page = client.get("/me")
    assert page.status_code == 200
    assert "<h1>My caseload</h1>" in page.text
    mine = client.get("/api/v1/me").json()
    assert mine["worker"]["worker_id"] == council.social_worker_id
    own = report(council).workers.filter(pl.col("worker_id") == council.social_worker_id)
    assert mine["caseload"]["cases"] == own["cases"][0]
    assert mine["absence_reasons_shown"] is True
    assert mine["breadcrumbs"] == []
    assert client.get(f"/workers/{council.social_worker_id}").status_code == 200
    assert client.get(f"/workers/{council.other_worker_id}").status_code == 403
    assert client.get(f"/teams/{council.own_team_id}").status_code == 403
    assert client.get("/api/v1/workers").status_code == 403


@pytest.mark.parametrize("role", [AccountRole.LEADER, AccountRole.ANALYST, AccountRole.ADMIN])
def test_me_sends_other_roles_to_the_overview(
    shared_council: WebCouncil, role: AccountRole
) -> None:
    response = shared_council.client(role).get("/me")
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_team_page_by_role(shared_council: WebCouncil) -> None:
    council = shared_council
    full = report(council)
    own = full.workers.filter(pl.col("team") == council.own_team)
    leader = council.client(AccountRole.LEADER).get(f"/api/v1/teams/{council.own_team_id}").json()
    assert sorted(w["worker_id"] for w in leader["workers"]) == sorted(own["worker_id"].to_list())
    team = full.teams.filter(pl.col("team_id") == council.own_team_id).row(0, named=True)
    assert leader["teams"][0]["cases"] == team["cases"]
    assert leader["history"][-1]["cases"] == team["cases"]

    analyst = council.client(AccountRole.ANALYST)
    page = analyst.get(f"/teams/{council.own_team_id}")
    assert page.status_code == 200
    key = pseudonym_key(council.engine)
    for row in own.iter_rows(named=True):
        assert pseudonym(key, "worker", council.code, row["staff_number"]) in page.text
        assert row["name"] not in page.text
    member = council.client(AccountRole.MEMBER).get(f"/api/v1/teams/{council.own_team_id}")
    assert member.json()["workers"] is None

    manager = council.client(AccountRole.TEAM_MANAGER)
    assert manager.get(f"/teams/{council.own_team_id}").status_code == 200
    before = last_event_id(council.engine)
    assert manager.get(f"/teams/{council.other_team_id}").status_code == 403
    refused = [e for e in events(council.engine, after=before) if e.outcome == "refused"]
    assert [(e.target_type, e.target_id) for e in refused] == [("team", str(council.other_team_id))]


def test_the_api_lists_workers_and_teams_in_scope(shared_council: WebCouncil) -> None:
    council = shared_council
    full = report(council)
    before = last_event_id(council.engine)
    leader = council.client(AccountRole.LEADER).get("/api/v1/workers").json()
    assert [w["worker_id"] for w in leader["workers"]] == full.workers["worker_id"].to_list()
    listed = [e for e in events(council.engine, after=before) if e.target_type == "workers"]
    assert [(e.actor, e.detail) for e in listed] == [("leader", {"workers": full.workers.height})]
    analyst = council.client(AccountRole.ANALYST).get("/api/v1/workers").json()
    assert analyst["detail"] == "pseudonymised"
    key = pseudonym_key(council.engine)
    labels = {w["label"] for w in analyst["workers"]}
    assert labels == {
        pseudonym(key, "worker", council.code, number)
        for number in full.workers["staff_number"].to_list()
    }
    assert len(labels) == full.workers.height
    # never a database id: no label is W-<id>
    assert not labels & {f"W-{i}" for i in full.workers["worker_id"].to_list()}
    assert council.client(AccountRole.MEMBER).get("/api/v1/workers").status_code == 403
    teams = council.client(AccountRole.TEAM_MANAGER).get("/api/v1/teams").json()
    assert [t["team_id"] for t in teams["teams"]] == [council.own_team_id]


@pytest.mark.parametrize("path", ["/workers/0", "/workers/99999999999", "/teams/abc"])
def test_bad_ids_are_refused_without_a_server_error(shared_council: WebCouncil, path: str) -> None:
    # An id that cannot exist names no record (tests/security/test_ranges.py walks every route).
    assert shared_council.client(AccountRole.LEADER).get(path).status_code == 404


def test_an_unknown_worker_is_not_found(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    assert client.get("/workers/999999").status_code == 404
    assert client.get("/api/v1/teams/999999").status_code == 404
