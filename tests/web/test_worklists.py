"""The practice work list page (/practice/worklist), its downloads, the team page's practice
section and the social worker's own list on /me: who sees which rows, and that every view of
named rows is recorded."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import polars as pl

from caseload.auth.principal import Principal
from caseload.auth.roles import AccountRole
from caseload.services.caseloads import council_data
from caseload.services.worklists import PAGE_SIZE, scoped_worklists

from .council import WebCouncil
from .people_helpers import events, last_event_id


def _row_heads(page: str) -> list[str]:
    """The text of each row's first cell, in every table of the page's body."""
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for body in re.findall(r"<tbody>(.*?)</tbody>", page, re.S)
        for cell in re.findall(r'<th scope="row">(.*?)</th>', body, re.S)
    ]


def _lists(council: WebCouncil, role: AccountRole, **scope: object) -> tuple[pl.DataFrame, ...]:
    authority_id = council_data(council.engine, authority_code=council.code).authority.id
    principal = Principal(0, "probe", "Probe", role, authority_id, **scope)  # type: ignore[arg-type]
    lists = scoped_worklists(council.engine, principal).lists
    return lists.visits, lists.supervision


def test_the_leader_sees_every_teams_visits_a_page_at_a_time(shared_council: WebCouncil) -> None:
    visits, gaps = _lists(shared_council, AccountRole.LEADER)
    assert visits.height > 0 and gaps.height > 0
    client = shared_council.client(AccountRole.LEADER)
    page = client.get("/practice/worklist")
    assert page.status_code == 200
    assert _row_heads(page.text) == visits["child_ref"].to_list()[:PAGE_SIZE]
    assert "Codes on this page" in page.text
    assert "CP (child protection)" in page.text or "CIN (child in need)" in page.text
    worker = visits.row(0, named=True)["worker_id"]
    assert f'href="/workers/{worker}"' in page.text
    supervision = client.get("/practice/worklist", params={"list": "supervision"})
    assert supervision.status_code == 200
    names = [f"{n} ({s})" for n, s in gaps.select("worker", "staff_number").rows()]
    assert _row_heads(supervision.text) == names[:PAGE_SIZE]
    assert client.get("/practice/worklist", params={"page": 999}).status_code == 400
    assert client.get("/practice/worklist", params={"list": "nonsense"}).status_code == 400


def test_a_team_manager_sees_only_their_teams(shared_council: WebCouncil) -> None:
    c = shared_council
    visits, gaps = _lists(c, AccountRole.TEAM_MANAGER, team_ids=frozenset({c.own_team_id}))
    client = c.client(AccountRole.TEAM_MANAGER)
    page = client.get("/practice/worklist")
    assert page.status_code == 200
    assert _row_heads(page.text) == visits["child_ref"].to_list()[:PAGE_SIZE]
    everyone, _ = _lists(c, AccountRole.LEADER)
    others = set(everyone.filter(pl.col("team_id") != c.own_team_id)["child_ref"].to_list())
    assert not others.intersection(_row_heads(page.text))
    assert client.get("/practice/worklist", params={"team_id": c.other_team_id}).status_code == 403
    team = client.get(f"/teams/{c.own_team_id}")
    assert team.status_code == 200
    assert 'id="practice-title">Practice</h2>' in team.text
    assert f'href="/practice/worklist?team_id={c.own_team_id}"' in team.text
    assert gaps.height == 0 or gaps["worker"][0] in team.text


def test_the_team_page_practice_section_is_recorded(shared_council: WebCouncil) -> None:
    c = shared_council
    client = c.client(AccountRole.LEADER)
    before = last_event_id(c.engine)
    team = client.get(f"/teams/{c.other_team_id}")
    assert team.status_code == 200
    found = [e for e in events(c.engine, after=before) if e.target_type == "practice_worklist"]
    assert len(found) == 1
    assert found[0].action == "view" and found[0].detail["page"] == "team"
    assert c.other_team_id in found[0].detail["teams"]


def test_a_social_worker_sees_their_own_on_me_and_the_list(shared_council: WebCouncil) -> None:
    c = shared_council
    everyone, gaps = _lists(c, AccountRole.LEADER)
    own = everyone.filter(pl.col("worker_id") == c.social_worker_id)["child_ref"].to_list()
    others = set(everyone["child_ref"].to_list()) - set(own)
    client = c.client(AccountRole.SOCIAL_WORKER)
    me = client.get("/me")
    assert me.status_code == 200
    assert "Your visits and supervision" in me.text
    page = client.get("/practice/worklist")
    assert page.status_code == 200
    assert _row_heads(page.text) == own[:PAGE_SIZE]
    assert not others.intersection(_row_heads(page.text))
    assert client.get("/practice/worklist", params={"team_id": c.own_team_id}).status_code == 403
    mine = gaps.filter(pl.col("worker_id") == c.social_worker_id).height
    listed = client.get("/practice/worklist", params={"list": "supervision"})
    assert len(_row_heads(listed.text)) == mine


def test_the_analyst_sees_pseudonyms(shared_council: WebCouncil) -> None:
    visits, _ = _lists(shared_council, AccountRole.LEADER)
    page = shared_council.client(AccountRole.ANALYST).get("/practice/worklist")
    assert page.status_code == 200
    shown = _row_heads(page.text)
    assert len(shown) == min(visits.height, PAGE_SIZE)
    assert not set(visits["child_ref"].to_list()).intersection(shown)
    assert 'href="/workers/' not in page.text


def test_members_and_administrators_are_refused(shared_council: WebCouncil) -> None:
    c = shared_council
    for role in (AccountRole.MEMBER, AccountRole.ADMIN):
        client = c.client(role)
        before = last_event_id(c.engine)
        assert client.get("/practice/worklist").status_code == 403
        assert client.get("/practice/worklist/download").status_code == 403
        refused = [e for e in events(c.engine, after=before) if e.outcome == "refused"]
        assert len(refused) == 2
        team = client.get(f"/teams/{c.own_team_id}")
        assert team.status_code == 200
        assert "practice-title" not in team.text
    assert c.client().get("/practice/worklist").status_code in (303, 401)


def test_the_downloads_hold_every_matching_row_and_are_recorded(
    shared_council: WebCouncil,
) -> None:
    c = shared_council
    visits, _ = _lists(c, AccountRole.LEADER)
    overdue = visits.filter(pl.col("overdue"))
    client = c.client(AccountRole.LEADER)
    before = last_event_id(c.engine)
    answer = client.get(
        "/practice/worklist/download", params={"format": "csv", "status": "overdue"}
    )
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Child", "Case", "Worker"]
    assert [row[0] for row in rows[1:]] == overdue["child_ref"].to_list()
    workbook = client.get("/practice/worklist/download", params={"list": "supervision"})
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None
    assert [cell.value for cell in sheet[1]][:2] == ["Worker", "Role"]
    exports = [e for e in events(c.engine, after=before) if e.action == "export"]
    assert [e.target_type for e in exports] == ["practice-visits", "practice-supervision"]
    assert exports[0].detail["rows"] == overdue.height
    assert exports[0].detail["status"] == "overdue"
