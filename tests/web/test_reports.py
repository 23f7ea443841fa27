"""The Reports page: what each role is offered, the downloads (each recorded as an export) and
storing the scorecard of the data date from the page."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from caseload.auth.roles import AccountRole

from .council import WebCouncil
from .people_helpers import csrf_token, events, last_event_id


def test_the_leader_chooses_report_audience_format_date_and_baseline(
    shared_council: WebCouncil,
) -> None:
    page = shared_council.client(AccountRole.LEADER).get("/reports")
    assert page.status_code == 200
    for offered in (
        "Workforce Steering Group pack",
        "Children&#39;s social work workforce: scrutiny report",
        "Internal: teams and services in full",
        "Public: no names",
        "PDF document",
        "Excel workbook",
        'name="as_at"',
        "Store the scorecard of",
    ):
        assert offered in page.text, offered


def test_the_workbook_download_is_an_attachment_and_recorded(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.ADMIN)
    before = last_event_id(shared_council.engine)
    response = client.get("/reports/download?kind=scrutiny&audience=internal&format=xlsx")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith('attachment; filename="scrutiny-802-')
    assert response.headers["cache-control"] == "no-store"
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Contents"
    recorded = [e for e in events(shared_council.engine, after=before) if e.action == "export"]
    assert [(e.target_type, e.detail["kind"], e.detail["format"]) for e in recorded] == [
        ("report", "scrutiny", "xlsx")
    ]


def test_the_html_report_opens_in_the_browser_under_its_own_policy(
    shared_council: WebCouncil,
) -> None:
    response = shared_council.client(AccountRole.MEMBER).get(
        "/reports/download?kind=board-pack&audience=public&format=html"
    )
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("inline;")
    assert response.headers["content-security-policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    assert "<script" not in response.text


def test_a_bad_baseline_year_is_refused_in_words(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    response = client.get("/reports/download?baseline_year=1999&format=html")
    assert response.status_code == 400
    assert "baseline_year" in response.text


def test_storing_the_scorecard_keeps_a_stored_date(council: WebCouncil) -> None:
    client = council.client(AccountRole.LEADER)
    token = csrf_token(client, "/reports")
    first = client.post("/reports/scorecards", data={"csrf_token": token})
    assert first.status_code == 303
    assert first.headers["location"].startswith("/reports?stored=20")
    page = client.get(first.headers["location"])
    assert "The scorecard of the data date is stored" in page.text
    assert "Stored scorecards" in page.text and "No scorecards are stored yet" not in page.text
    again = client.post("/reports/scorecards", data={"csrf_token": token})
    assert again.headers["location"] == "/reports?stored=already"
    assert "stored already" in client.get("/reports?stored=already").text
    stored = [e for e in events(council.engine) if e.action == "store"]
    assert [(e.target_type, e.outcome) for e in stored] == [("scorecard", "allowed")]
