"""The Reports page in a real browser: the leader produces the scrutiny report as a printable web
page (opened in the browser, its styles and charts allowed by its own policy) and the board pack
as a PDF download; the elected member is offered the public version only. Screenshots go to
test-artifacts/screenshots/<role>-reports*.png."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from caseload.auth.roles import AccountRole

from .conftest import Visitor

Open = Callable[[AccountRole | None], Visitor]


def test_the_leader_opens_the_scrutiny_report_and_downloads_the_pack(
    visitor: Open, tmp_path: Path
) -> None:
    v = visitor(AccountRole.LEADER)
    page = v.page
    v.visit("/reports")
    assert v.heading() == "Reports"
    page.get_by_label("Children's social work workforce: scrutiny report").check()
    page.get_by_label("Public: no names, small numbers hidden, fit to publish").check()
    page.get_by_label("Web page (printable)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Produce the report").click()
    assert page.locator("h1").first.inner_text().startswith("Children's social work workforce")
    assert page.locator("svg").count() >= 1  # the charts are drawn
    assert "The five areas at a glance" in page.locator("body").inner_text()
    v.screenshot("reports-scrutiny-html")
    assert not v.problems, v.problems

    v.visit("/reports")
    page.get_by_label("Workforce Steering Group pack").check()
    page.get_by_label("PDF document").check()
    with page.expect_download() as started:
        page.get_by_role("button", name="Produce the report").click()
    saved = tmp_path / started.value.suggested_filename
    started.value.save_as(saved)
    assert saved.name.startswith("board-pack-802-") and saved.name.endswith("-internal.pdf")
    assert saved.read_bytes().startswith(b"%PDF")


def test_the_member_is_offered_the_public_version_only(visitor: Open) -> None:
    v = visitor(AccountRole.MEMBER)
    v.visit("/reports")
    text = v.page.locator("main").inner_text()
    assert "Public: no names" in text
    assert "Internal" not in text
    assert v.page.locator("input[name=as_at]").count() == 0  # the data date only
    assert not v.problems, v.problems
