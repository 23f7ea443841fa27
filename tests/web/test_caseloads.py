"""The caseloads pages: /caseloads (service > team > worker) and /caseloads/queue, by role, with
the figures the council's caseload report gives."""

from __future__ import annotations

from urllib.parse import quote

import polars as pl
import pytest

from caseload.auth.roles import AccountRole
from caseload.domain.disclosure import pseudonym
from caseload.services.pseudonyms import pseudonym_key

from .council import WebCouncil
from .people_helpers import events, last_event_id, report


def test_leader_sees_services_and_teams_with_the_reports_figures(
    shared_council: WebCouncil,
) -> None:
    client = shared_council.client(AccountRole.LEADER)
    page = client.get("/caseloads")
    assert page.status_code == 200
    full = report(shared_council)
    for row in full.teams.filter(pl.col("team_id").is_not_null()).iter_rows(named=True):
        assert f'<a href="/teams/{row["team_id"]}">{row["team"]}</a>' in page.text
    service = str(full.services["service"].drop_nulls()[0])
    assert f'href="/caseloads?service={quote(service)}"' in page.text
    assert 'class="data sortable"' in page.text
    assert '<th scope="col">Team</th>' in page.text
    # The whole council's page has no worker rows: a service area's page has.
    assert "/workers/" not in page.text

    data = client.get("/api/v1/caseloads").json()
    assert data["summary"]["cases"] == int(full.teams["cases"].sum())
    assert data["summary"]["dfe_average"] == full.dfe_average["caseload_fte"]
    assert data["summary"]["unallocated"] == full.queue.height
    assert data["summary"]["rules_broken"] == full.breaches.height
    assert [row["team"] for row in data["teams"]] == [
        row["team"] or "(no team)" for row in full.teams.iter_rows(named=True)
    ]
    assert data["workers"] is None
    by_team = {row["team_id"]: row for row in data["teams"]}
    for row in full.teams.iter_rows(named=True):
        shown = by_team[row["team_id"]]
        assert (shown["cases"], shown["case_holders"], shown["red"]) == (
            row["cases"],
            row["case_holders"],
            row["red"],
        )
        assert shown["dfe_caseload"] == row["dfe_caseload"]


def test_a_service_area_lists_its_workers_with_links_and_breadcrumbs(
    shared_council: WebCouncil,
) -> None:
    full = report(shared_council)
    service = str(full.workers["service"].drop_nulls()[0])
    client = shared_council.client(AccountRole.LEADER)
    page = client.get(f"/caseloads?service={quote(service)}")
    assert page.status_code == 200
    assert '<nav class="breadcrumbs" aria-label="Breadcrumb">' in page.text
    assert '<a href="/caseloads">Caseloads</a>' in page.text
    workers = full.workers.filter(pl.col("service") == service)
    for row in workers.iter_rows(named=True):
        assert f'<a href="/workers/{row["worker_id"]}">{row["name"]} ({row["staff_number"]})' in (
            page.text
        )
    data = client.get("/api/v1/caseloads", params={"service": service.upper()}).json()
    assert data["service"] == service
    assert [(w["worker_id"], w["cases"], w["band"]) for w in data["workers"]] == [
        (row["worker_id"], row["cases"], row["band"]) for row in workers.iter_rows(named=True)
    ]
    assert client.get("/caseloads?service=Nowhere").status_code == 404


def test_analyst_sees_pseudonyms_and_no_names(shared_council: WebCouncil) -> None:
    full = report(shared_council)
    service = str(full.workers["service"].drop_nulls()[0])
    client = shared_council.client(AccountRole.ANALYST)
    page = client.get(f"/caseloads?service={quote(service)}")
    assert page.status_code == 200
    workers = full.workers.filter(pl.col("service") == service)
    key = pseudonym_key(shared_council.engine)
    for row in workers.iter_rows(named=True):
        assert pseudonym(key, "worker", shared_council.code, row["staff_number"]) in page.text
        assert f"W-{row['worker_id']}<" not in page.text
        assert row["name"] not in page.text
        assert row["staff_number"] not in page.text
    assert "/workers/" not in page.text
    queue = client.get("/caseloads/queue")
    assert queue.status_code == 200
    for row in full.queue.iter_rows(named=True):
        assert pseudonym(key, "child", shared_council.code, row["child_ref"]) in queue.text
        assert f"C-{row['child_id']}<" not in queue.text
        assert row["child_ref"] not in queue.text
    data = client.get("/api/v1/caseloads", params={"service": service}).json()
    assert {w["name"] for w in data["workers"]} == {None}
    assert all(b["message"] is None for b in data["breaches"])


def test_member_sees_suppressed_team_figures_only(shared_council: WebCouncil) -> None:
    full = report(shared_council)
    service = str(full.workers["service"].drop_nulls()[0])
    client = shared_council.client(AccountRole.MEMBER)
    data = client.get("/api/v1/caseloads", params={"service": service}).json()
    assert data["workers"] is None and data["breaches"] is None
    assert data["suppressed"] is True
    for shown in data["teams"]:
        row = full.teams.filter(pl.col("team_id") == shown["team_id"]).row(0, named=True)
        for name in ("case_holders", "red", "amber", "green", "absent"):
            value = row[name]
            assert shown[name] in ("c", value), (name, value)
            if 0 < value < 5:
                assert shown[name] == "c", (name, value)
        if "c" in (shown["case_holders"], shown["cases"]):
            assert shown["utilisation"] == shown["points"] == shown["fte"] == "c"
    page = client.get("/caseloads")
    assert page.status_code == 200
    assert "Counts from 1 to 4 are shown as" in page.text
    assert client.get("/caseloads/queue").status_code == 200
    queue = client.get("/api/v1/caseloads/queue").json()
    assert queue["children"] is None


def test_administrator_sees_aggregates_and_social_worker_is_refused(
    shared_council: WebCouncil,
) -> None:
    admin = shared_council.client(AccountRole.ADMIN)
    assert admin.get("/caseloads").status_code == 200
    assert admin.get("/api/v1/caseloads").json()["workers"] is None
    before = last_event_id(shared_council.engine)
    worker = shared_council.client(AccountRole.SOCIAL_WORKER)
    assert worker.get("/caseloads").status_code == 403
    refused = [e for e in events(shared_council.engine, after=before) if e.outcome == "refused"]
    assert [(e.actor, e.target_type) for e in refused] == [("worker", "caseloads")]


def test_team_manager_sees_only_their_teams(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.TEAM_MANAGER)
    data = client.get("/api/v1/caseloads").json()
    assert {row["team_id"] for row in data["teams"]} == {shared_council.own_team_id}
    full = report(shared_council)
    own = full.workers.filter(pl.col("team") == shared_council.own_team)
    assert sorted(w["worker_id"] for w in data["workers"]) == sorted(own["worker_id"].to_list())
    page = client.get("/caseloads")
    assert f"/workers/{shared_council.own_worker_id}" in page.text
    assert f"/workers/{shared_council.other_worker_id}" not in page.text
    assert f"/teams/{shared_council.other_team_id}" not in page.text


def test_the_queue_lists_each_child_waiting_most_urgent_first(shared_council: WebCouncil) -> None:
    full = report(shared_council)
    assert full.queue.height > 0, "the struggling web council should have children waiting"
    client = shared_council.client(AccountRole.LEADER)
    page = client.get("/caseloads/queue")
    assert page.status_code == 200
    data = client.get("/api/v1/caseloads/queue").json()
    assert [(c["child"], c["days_waiting"], c["escalation"]) for c in data["children"]] == [
        (row["child_ref"], row["days_waiting"], row["escalation"])
        for row in full.queue.iter_rows(named=True)
    ]
    assert data["summary"]["children"] == full.queue.height
    escalate = full.queue.filter(pl.col("escalation") == "escalate").height
    assert data["summary"]["escalate"] == escalate
    assert full.queue["child_ref"][0] in page.text


@pytest.mark.parametrize("path", ["/caseloads", "/caseloads/queue"])
def test_pages_need_sign_in(shared_council: WebCouncil, path: str) -> None:
    response = shared_council.client().get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in")
