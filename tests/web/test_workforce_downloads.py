"""The workforce page's census tables as Excel or CSV: the page's figures, with small numbers
hidden for elected members, each download recorded."""

from __future__ import annotations

import csv
import io

import openpyxl

from caseload.auth.roles import AccountRole

from .council import WebCouncil
from .people_helpers import events, last_event_id


def test_the_indicators_by_year_download_with_the_apis_figures(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    table = client.get("/api/v1/census/indicators").json()
    before = last_event_id(shared_council.engine)
    answer = client.get("/workforce/download", params={"format": "xlsx"})
    assert answer.status_code == 200, answer.text[:300]
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    lines = list(sheet.iter_rows(values_only=True))
    labels = [info["label"] for info in table["indicators"]]
    assert list(lines[0]) == ["Census year", *labels]
    names = [info["name"] for info in table["indicators"]]
    assert [list(line) for line in lines[1:]] == [
        [row["year"], *(row.get(name) for name in names)] for row in table["rows"]
    ]
    recorded = [e for e in events(shared_council.engine, after=before) if e.action == "export"]
    assert [(e.target_type, e.detail["rows"]) for e in recorded] == [
        ("census-years", len(table["rows"]))
    ]


def test_a_members_team_table_keeps_small_numbers_hidden(shared_council: WebCouncil) -> None:
    member = shared_council.client(AccountRole.MEMBER)
    year = member.get("/api/v1/workforce").json()["year"]
    api = member.get("/api/v1/census/indicators", params={"year": year, "by": "team"}).json()
    answer = member.get("/workforce/download", params={"by": "team", "year": year, "format": "csv"})
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff"))))
    names = [info["name"] for info in api["indicators"]]
    # Every cell is the member's API figure: suppressed ones stay 'c'.
    assert rows[1:] == [
        ["" if v is None else str(v) for v in [row["team"], *(row.get(n) for n in names)]]
        for row in api["rows"]
    ]
    hidden = sum(1 for row in api["rows"] for value in row.values() if value == "c")
    assert sum(1 for row in rows[1:] for value in row if value == "c") == hidden
    assert member.get("/workforce/download", params={"by": "wizard"}).status_code == 400


def test_the_data_quality_findings_download_as_the_role_sees_them(
    shared_council: WebCouncil,
) -> None:
    leader = shared_council.client(AccountRole.LEADER)
    shown = leader.get("/api/v1/workforce")  # any page: the session works
    assert shown.status_code == 200
    before = last_event_id(shared_council.engine)
    answer = leader.get("/data/quality/download", params={"format": "csv"})
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff"))))
    assert rows[0] == ["Check", "Record", "Reference", "What is wrong", "Days"]
    recorded = [e for e in events(shared_council.engine, after=before) if e.action == "export"]
    assert [(e.target_type, e.detail["rows"]) for e in recorded] == [
        ("data-quality", len(rows) - 1)
    ]
    analyst = shared_council.client(AccountRole.ANALYST)
    hidden = list(csv.reader(io.StringIO(analyst.get("/data/quality/download?format=csv").text)))
    references = {row[2] for row in rows[1:] if row[2]}
    assert not references & {row[2] for row in hidden[1:]}
    assert (
        shared_council.client(AccountRole.MEMBER).get("/data/quality/download").status_code == 403
    )
