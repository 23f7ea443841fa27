"""The header's search box: workers by name, staff or Social Work England number, children by
reference and teams by name, within the searcher's role and team scope, each search recorded."""

from __future__ import annotations

import polars as pl
from sqlalchemy import select

from caseload.auth.roles import AccountRole
from caseload.services.caseloads import council_data
from caseload.storage.engine import session_scope
from caseload.storage.models import Worker

from .council import WebCouncil
from .people_helpers import events, last_event_id, report


def _worker(council: WebCouncil, worker_id: int) -> Worker:
    with session_scope(council.engine) as session:
        found = session.scalar(select(Worker).where(Worker.id == worker_id))
        assert found is not None
        session.expunge(found)
        return found


def test_a_manager_finds_a_worker_in_their_team_by_part_of_the_name(
    shared_council: WebCouncil,
) -> None:
    worker = _worker(shared_council, shared_council.own_worker_id)
    client = shared_council.client(AccountRole.TEAM_MANAGER)
    part = worker.last_name[:4].lower()
    page = client.get("/search", params={"q": part})
    if page.status_code == 303:  # the only match: straight to the worker's page
        assert page.headers["location"] == f"/workers/{worker.id}"
        return
    assert page.status_code == 200
    assert f'href="/workers/{worker.id}"' in page.text
    mine = report(shared_council).workers.filter(pl.col("team") == shared_council.own_team)
    expected = mine.filter(pl.col("name").str.to_lowercase().str.contains(part, literal=True))
    assert page.text.count('href="/workers/') == expected.height


def test_the_staff_and_swe_numbers_lead_straight_to_the_worker(
    shared_council: WebCouncil,
) -> None:
    worker = _worker(shared_council, shared_council.own_worker_id)
    client = shared_council.client(AccountRole.LEADER)
    data_date = report(shared_council).as_at.isoformat()
    for typed in (worker.staff_number, worker.swe_number):
        assert typed is not None
        page = client.get("/search", params={"q": typed, "as_at": data_date})
        assert page.status_code == 303, typed
        assert page.headers["location"] == f"/workers/{worker.id}?as_at={data_date}"


def test_a_manager_never_finds_a_worker_outside_their_teams(shared_council: WebCouncil) -> None:
    other = _worker(shared_council, shared_council.other_worker_id)
    manager = shared_council.client(AccountRole.TEAM_MANAGER)
    page = manager.get("/search", params={"q": other.staff_number})
    assert page.status_code == 200
    assert f"/workers/{other.id}" not in page.text
    assert "Nothing in your teams matches" in page.text
    leader = shared_council.client(AccountRole.LEADER)
    found = leader.get("/search", params={"q": other.staff_number})
    assert found.status_code == 303
    assert found.headers["location"] == f"/workers/{other.id}"


def test_children_are_found_by_reference_with_where_they_are(shared_council: WebCouncil) -> None:
    full = report(shared_council)
    waiting = full.queue.sort("child_ref")["child_ref"][0]
    client = shared_council.client(AccountRole.LEADER)
    page = client.get("/search", params={"q": waiting})
    assert page.status_code == 303
    assert page.headers["location"] == f"/caseloads/queue#child-{waiting}"
    council = council_data(shared_council.engine, authority_code=shared_council.code)
    held = council.data.allocations.filter(
        (pl.col("role") == "allocated") & pl.col("end_date").is_null()
    ).join(council.data.children, on="child_id")
    row = held.filter(pl.col("worker_id").is_in(full.workers["worker_id"].implode())).row(
        0, named=True
    )
    found = client.get("/search", params={"q": row["child_ref"]})
    assert found.status_code == 303
    assert found.headers["location"] == f"/workers/{row['worker_id']}#child-{row['child_ref']}"


def test_teams_are_found_by_name_and_the_search_is_recorded(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    before = last_event_id(shared_council.engine)
    page = client.get("/search", params={"q": "team"})
    assert page.status_code == 200
    teams = council_data(shared_council.engine, authority_code=shared_council.code).data.teams
    named = teams.filter(pl.col("team").str.to_lowercase().str.contains("team"))
    assert page.text.count('href="/teams/') == min(named.height, 20)
    recorded = [e for e in events(shared_council.engine, after=before) if e.action == "search"]
    assert len(recorded) == 1
    assert recorded[0].detail["teams"] == named.height


def test_roles_that_do_not_open_named_records_have_no_search(shared_council: WebCouncil) -> None:
    for role in (AccountRole.ANALYST, AccountRole.MEMBER, AccountRole.ADMIN):
        client = shared_council.client(role)
        home = client.get("/")
        assert 'action="/search"' not in home.text, role
        assert client.get("/search", params={"q": "team"}).status_code == 403, role
    leader = shared_council.client(AccountRole.LEADER)
    assert 'action="/search"' in leader.get("/overview").text


def test_too_short_or_too_long_a_search_is_explained(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    short = client.get("/search", params={"q": "a"})
    assert short.status_code == 400
    assert "Type at least 2 letters" in short.text
    long = client.get("/search", params={"q": "x" * 61})
    assert long.status_code == 400
    empty = client.get("/search")
    assert empty.status_code == 200
    assert 'name="q"' in empty.text
