"""Everyday use in a real browser: finding a worker by typing part of a name, filtering the
alerts and taking them away in Excel, and every page at phone width (screenshots in
test-artifacts/screenshots/<role>-<page>-phone.png)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from sqlalchemy import select

from caseload.auth.roles import ROLE_PERMISSIONS, AccountRole
from caseload.storage.engine import session_scope
from caseload.storage.models import Worker
from caseload.web.templating import NAVIGATION

from ..people_helpers import report
from .conftest import SCREENSHOTS, Visitor, page_name

Open = Callable[[AccountRole | None], Visitor]


def test_a_manager_finds_a_worker_by_part_of_the_name(visitor: Open) -> None:
    v = visitor(AccountRole.TEAM_MANAGER)
    council = v.council
    with session_scope(council.engine) as session:
        worker = session.scalars(select(Worker).where(Worker.id == council.own_worker_id)).one()
        typed = f"{worker.first_name} {worker.last_name[:3]}".lower()
    page = v.page
    page.get_by_label("Find a worker, child or team").fill(typed)
    with page.expect_navigation():
        page.get_by_role("button", name="Find").click()
    v.screenshot("search")
    assert page.url.split("?")[0].endswith(f"/workers/{council.own_worker_id}"), page.url
    assert f"{worker.first_name} {worker.last_name}" in page.locator("main").inner_text()
    assert not v.problems


def test_the_leader_exports_the_filtered_alerts_to_excel(visitor: Open, tmp_path: Path) -> None:
    v = visitor(AccountRole.LEADER)
    alerts = report(v.council).alerts
    row = alerts.filter(pl.col("team").is_not_null()).row(0, named=True)
    page = v.page
    v.visit("/alerts")
    page.select_option("#team", row["team"])
    page.select_option("#kind", row["kind"])
    with page.expect_navigation():
        filters = page.get_by_role("search", name="Filter the alerts")
        filters.get_by_role("button", name="Show").click()
    v.screenshot("alerts-filtered")
    shown = page.locator("table.data tbody th").all_inner_texts()
    with page.expect_download() as started:
        page.get_by_role("link", name="Excel").click()
    saved = tmp_path / started.value.suggested_filename
    started.value.save_as(saved)
    sheet = openpyxl.load_workbook(io.BytesIO(saved.read_bytes())).active
    assert sheet is not None
    lines = list(sheet.iter_rows(values_only=True))[1:]
    assert [line[3] or "" for line in lines] == [text.strip() for text in shown]
    assert {line[2] for line in lines} == {row["team"]}
    assert not v.problems


@pytest.mark.parametrize("role", list(AccountRole), ids=[r.value for r in AccountRole])
def test_every_page_at_phone_width(visitor: Open, role: AccountRole) -> None:
    v = visitor(role)
    v.page.set_viewport_size({"width": 390, "height": 844})
    allowed = ROLE_PERMISSIONS[role]
    paths = [path for path, _label, needed in NAVIGATION if needed in allowed]
    if role in (AccountRole.LEADER, AccountRole.TEAM_MANAGER):
        paths += [
            "/caseloads/queue",
            "/caseloads/workers",
            f"/teams/{v.council.own_team_id}",
            f"/workers/{v.council.own_worker_id}",
            "/glossary",
        ]
    wide = []
    for path in paths:
        response = v.page.goto(path)
        assert response is not None and response.status == 200, path
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        v.page.screenshot(
            path=str(SCREENSHOTS / f"{role.value}-{page_name(path)}-phone.png"), full_page=True
        )
        # The page itself never scrolls sideways: only wide tables do, inside their frame.
        overflow = v.page.evaluate("document.documentElement.scrollWidth")
        if overflow > 390 + 1:
            wide.append(f"{path}: {overflow} px wide")
    assert not wide, wide
    assert not v.problems
