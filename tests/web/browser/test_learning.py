"""The supported first year and progression pages in a real browser: a team manager follows the
navigation to the ASYE page and opens a programme; the service leader reads the progression
ladder; both fit a phone (screenshots in test-artifacts/screenshots/*-asye*.png and
*-progression*.png)."""

from __future__ import annotations

from collections.abc import Callable

from caseload.auth.roles import AccountRole

from .conftest import Visitor

Open = Callable[[AccountRole | None], Visitor]


def test_the_leader_reads_the_first_year_and_progression(visitor: Open) -> None:
    v = visitor(AccountRole.LEADER)
    menu = v.page.get_by_role("navigation", name="Main")
    with v.page.expect_navigation():
        menu.get_by_role("link", name="First year").click()
    assert v.heading() == "The supported first year (ASYE)"
    headings = v.page.locator("main h2").all_inner_texts()
    assert headings[:3] == ["Overdue reviews", "Cohorts", "Programmes"]
    programmes = v.page.locator("details.programme")
    if programmes.count():
        first = programmes.first
        if first.get_attribute("open") is None:
            first.locator("summary").click()
        assert first.locator("table caption").inner_text() == "Reviews"
    v.screenshot("asye")
    v.page.set_viewport_size({"width": 390, "height": 844})
    v.screenshot("asye-phone")
    assert v.page.evaluate("document.documentElement.scrollWidth") <= 391
    v.page.set_viewport_size({"width": 1280, "height": 900})
    with v.page.expect_navigation():
        menu.get_by_role("link", name="Progression").click()
    assert v.heading() == "Progression"
    assert "Social worker to senior social worker" in v.page.locator("main").inner_text()
    v.screenshot("progression")
    assert not v.problems, v.problems


def test_a_team_manager_sees_their_teams_programmes(visitor: Open) -> None:
    v = visitor(AccountRole.TEAM_MANAGER)
    v.visit("/asye", "asye-team-manager")
    assert v.heading() == "The supported first year (ASYE)"
    assert "in your teams" in v.page.locator("main p.lead").inner_text()
    assert not v.problems, v.problems
