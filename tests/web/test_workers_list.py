"""Every worker's caseload as one table: filters kept in the address, pages, and downloads with
the page's rows and disclosure (names for the leader, W-numbers for the analyst), recorded."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import polars as pl

from caseload.auth.roles import AccountRole
from caseload.services.worker_list_view import PAGE_SIZE

from .council import WebCouncil
from .people_helpers import events, last_event_id, report


def _labels(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    cells = re.findall(r'<th scope="row">(.*?)</th>', body, re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def _expected(council: WebCouncil) -> pl.DataFrame:
    return report(council).workers.sort("team", "name", nulls_last=True)


def test_the_leader_filters_by_team_and_band(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    everyone = _expected(shared_council)
    page = client.get("/caseloads/workers")
    assert page.status_code == 200
    labels = [f"{r['name']} ({r['staff_number']})" for r in everyone.iter_rows(named=True)]
    assert _labels(page.text) == labels[:PAGE_SIZE]
    team = shared_council.own_team
    mine = client.get("/caseloads/workers", params={"team": team, "band": "green"})
    wanted = everyone.filter((pl.col("team") == team) & (pl.col("band") == "green"))
    assert _labels(mine.text) == [
        f"{r['name']} ({r['staff_number']})" for r in wanted.iter_rows(named=True)
    ]
    assert client.get("/caseloads/workers", params={"role": "wizard"}).status_code == 400


def test_the_download_has_the_filtered_rows_and_is_recorded(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    wanted = _expected(shared_council).filter(pl.col("team") == shared_council.own_team)
    before = last_event_id(shared_council.engine)
    response = client.get(
        "/caseloads/workers/download", params={"team": shared_council.own_team, "format": "xlsx"}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][:3] == ("Worker", "Team", "Service area")
    assert [line[0] for line in lines[1:]] == [
        f"{r['name']} ({r['staff_number']})" for r in wanted.iter_rows(named=True)
    ]
    assert [line[6] for line in lines[1:]] == wanted["cases"].to_list()
    recorded = [e for e in events(shared_council.engine, after=before) if e.action == "export"]
    assert [(e.target_type, e.detail["rows"], e.detail["team"]) for e in recorded] == [
        ("workers", wanted.height, shared_council.own_team)
    ]


def test_the_analyst_sees_and_downloads_pseudonyms_and_others_are_refused(
    shared_council: WebCouncil,
) -> None:
    analyst = shared_council.client(AccountRole.ANALYST)
    page = analyst.get("/caseloads/workers")
    assert page.status_code == 200
    names = set(_expected(shared_council)["name"].to_list())
    assert all(label.startswith("W-") for label in _labels(page.text))
    text = analyst.get("/caseloads/workers/download", params={"format": "csv"}).text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert all(row[0].startswith("W-") for row in rows[1:])
    assert not any(name in text for name in names)
    for role in (AccountRole.MEMBER, AccountRole.ADMIN, AccountRole.SOCIAL_WORKER):
        assert shared_council.client(role).get("/caseloads/workers").status_code == 403, role
