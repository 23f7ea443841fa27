"""The queue's child rows: filters by home team, case and wait kept in the address, pages, and
downloads with the same rows and disclosure, recorded as exports."""

from __future__ import annotations

import io
import re

import openpyxl
import polars as pl

from caseload.auth.roles import AccountRole
from caseload.caseloads.position import case_label

from .council import WebCouncil
from .people_helpers import events, last_event_id, report


def _children(page: str) -> list[str]:
    section = page.split("<h2>Each child waiting</h2>", 1)[1]
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r'<th scope="row">(.*?)</th>', body)
    ]


def test_the_queue_filters_by_wait_and_case_and_downloads_the_same_rows(
    shared_council: WebCouncil,
) -> None:
    queue = report(shared_council).queue
    client = shared_council.client(AccountRole.LEADER)
    page = client.get("/caseloads/queue")
    assert _children(page.text) == queue["child_ref"].to_list()[:50]
    row = queue.row(0, named=True)
    case = case_label(row["case_type"], row["proceedings"]).split(",")[0]
    wanted = {"wait": row["escalation"], "case": case}
    filtered = client.get("/caseloads/queue", params=wanted)
    expected = [
        r["child_ref"]
        for r in queue.iter_rows(named=True)
        if r["escalation"] == row["escalation"]
        and case_label(r["case_type"], r["proceedings"]).split(",")[0] == case
    ]
    assert _children(filtered.text) == expected[:50]
    before = last_event_id(shared_council.engine)
    workbook = client.get("/caseloads/queue/download", params={**wanted, "format": "xlsx"})
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None
    lines = list(sheet.iter_rows(values_only=True))
    assert [line[0] for line in lines[1:]] == expected
    recorded = [e for e in events(shared_council.engine, after=before) if e.action == "export"]
    assert [(e.target_type, e.detail["rows"]) for e in recorded] == [("queue", len(expected))]
    assert client.get("/caseloads/queue", params={"team": "Nowhere"}).status_code == 400


def test_members_see_counts_and_cannot_download_children(shared_council: WebCouncil) -> None:
    member = shared_council.client(AccountRole.MEMBER)
    page = member.get("/caseloads/queue")
    assert page.status_code == 200
    assert "<h2>Each child waiting</h2>" not in page.text
    assert member.get("/caseloads/queue/download").status_code == 403
    refs = report(shared_council).queue.filter(pl.col("child_ref").is_not_null())["child_ref"]
    assert not any(ref in page.text for ref in refs.to_list())
