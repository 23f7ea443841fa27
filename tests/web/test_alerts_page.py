"""The alerts page: every alert in the person's teams, filtered by team, kind and severity, a
page at a time, each linked to its record and to where the action is taken."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import polars as pl

from caseload.auth.roles import AccountRole
from caseload.caseloads.alerts import ALERT_LABELS
from caseload.services.alerts_view import PAGE_SIZE

from .council import WebCouncil
from .people_helpers import events, last_event_id, report


def _subjects(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r'<th scope="row">(.*?)</th>', body, re.S)
    ]


def test_the_leader_sees_every_alert_a_page_at_a_time(shared_council: WebCouncil) -> None:
    alerts = report(shared_council).alerts
    client = shared_council.client(AccountRole.LEADER)
    first = client.get("/alerts")
    assert first.status_code == 200
    subjects = [s or "" for s in alerts["subject"].fill_null("").to_list()]
    assert _subjects(first.text) == subjects[:PAGE_SIZE]
    assert f"{alerts.height} alerts in every team" in first.text
    if alerts.height > PAGE_SIZE:
        second = client.get("/alerts", params={"page": 2})
        assert _subjects(second.text) == subjects[PAGE_SIZE : 2 * PAGE_SIZE]
    assert client.get("/alerts", params={"page": 999}).status_code == 400
    assert client.get("/alerts", params={"page": 0}).status_code in (400, 422)


def test_filters_by_team_kind_and_severity_are_kept_in_the_address(
    shared_council: WebCouncil,
) -> None:
    alerts = report(shared_council).alerts
    row = alerts.filter(pl.col("team").is_not_null()).row(0, named=True)
    client = shared_council.client(AccountRole.LEADER)
    wanted = {"team": row["team"], "kind": row["kind"], "severity": row["severity"]}
    page = client.get("/alerts", params=wanted)
    assert page.status_code == 200
    expected = alerts.filter(
        (pl.col("team") == row["team"])
        & (pl.col("kind") == row["kind"])
        & (pl.col("severity") == row["severity"])
    )
    assert _subjects(page.text) == expected["subject"].to_list()[:PAGE_SIZE]
    assert f'<option value="{row["kind"]}" selected>{ALERT_LABELS[row["kind"]]}</option>' in (
        page.text
    )
    unknown = client.get("/alerts", params={"kind": "no_such_rule"})
    assert unknown.status_code == 400
    assert "no kind of alert called" in unknown.text


def test_a_manager_sees_only_their_teams_and_others_are_refused(
    shared_council: WebCouncil,
) -> None:
    manager = shared_council.client(AccountRole.TEAM_MANAGER)
    page = manager.get("/alerts")
    assert page.status_code == 200
    assert "in your teams" in page.text
    other = report(shared_council).alerts.filter(pl.col("team") != shared_council.own_team)
    if other.height:
        refused = manager.get("/alerts", params={"team": other["team"][0]})
        assert refused.status_code == 400
    for role in (AccountRole.ANALYST, AccountRole.MEMBER, AccountRole.ADMIN):
        assert shared_council.client(role).get("/alerts").status_code == 403, role


def test_each_alert_links_to_its_record_and_the_view_is_recorded(
    shared_council: WebCouncil,
) -> None:
    client = shared_council.client(AccountRole.LEADER)
    before = last_event_id(shared_council.engine)
    waiting = report(shared_council).alerts.filter(pl.col("kind") == "unallocated_escalate")
    page = client.get("/alerts", params={"kind": "unallocated_escalate"})
    assert page.status_code == 200
    for ref in waiting["child_ref"].to_list()[:PAGE_SIZE]:
        assert f'<a href="/caseloads/queue#child-{ref}">{ref}</a>' in page.text
    if waiting.height:
        assert '<a href="/allocation">Escalate to the service manager and allocate</a>' in (
            page.text
        )
    over = report(shared_council).alerts.filter(pl.col("kind") == "over_case_cap")
    page = client.get("/alerts", params={"kind": "over_case_cap"})
    for worker_id in over["worker_id"].to_list()[:PAGE_SIZE]:
        assert f'href="/workers/{worker_id}"' in page.text
    recorded = [e for e in events(shared_council.engine, after=before) if e.target_type == "alerts"]
    assert [e.detail["kind"] for e in recorded] == ["unallocated_escalate", "over_case_cap"]


def test_the_filtered_alerts_download_as_excel_and_csv_with_the_pages_rows(
    shared_council: WebCouncil,
) -> None:
    alerts = report(shared_council).alerts
    row = alerts.filter(pl.col("team").is_not_null()).row(0, named=True)
    wanted = {"team": row["team"], "kind": row["kind"]}
    client = shared_council.client(AccountRole.LEADER)
    page = client.get("/alerts", params=wanted)
    expected = alerts.filter((pl.col("team") == row["team"]) & (pl.col("kind") == row["kind"]))
    before = last_event_id(shared_council.engine)
    workbook = client.get("/alerts/download", params={**wanted, "format": "xlsx"})
    assert workbook.status_code == 200
    assert workbook.headers["content-disposition"].startswith('attachment; filename="alerts-')
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    sheet = book.active
    assert sheet is not None
    lines = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert lines[0] == ["Severity", "Alert", "Team", "About", "What is wrong", "What to do"]
    assert [line[3] for line in lines[1:]] == expected["subject"].to_list()
    assert [line[3] for line in lines[1 : 1 + PAGE_SIZE]] == _subjects(page.text)
    assert {line[2] for line in lines[1:]} == {row["team"]}
    text = client.get("/alerts/download", params={**wanted, "format": "csv"})
    assert text.status_code == 200
    assert text.content.startswith(b"\xef\xbb\xbf")
    assert len(list(csv.reader(io.StringIO(text.text.lstrip("\ufeff"))))) == expected.height + 1
    recorded = [e for e in events(shared_council.engine, after=before) if e.action == "export"]
    assert [(e.target_type, e.detail["format"], e.detail["rows"]) for e in recorded] == [
        ("alerts", "xlsx", expected.height),
        ("alerts", "csv", expected.height),
    ]
    assert client.get("/alerts/download", params={"format": "pdf"}).status_code == 400
    manager = shared_council.client(AccountRole.ANALYST)
    assert manager.get("/alerts/download").status_code == 403
