"""Retention in a real browser: the service leader opens it from the menu, sees the survival
curves with their numbers and the hazard by length of service, changes the breakdown, and it fits
a phone (screenshots in test-artifacts/screenshots/leader-retention*.png)."""

from __future__ import annotations

from collections.abc import Callable

from caseload.auth.roles import AccountRole

from .conftest import Visitor

Open = Callable[[AccountRole | None], Visitor]


def test_the_leader_reads_retention_and_changes_the_breakdown(visitor: Open) -> None:
    v = visitor(AccountRole.LEADER)
    menu = v.page.get_by_role("navigation", name="Main")
    with v.page.expect_navigation():
        menu.get_by_role("link", name="Retention").click()
    assert v.heading() == "Retention"
    v.screenshot("retention")
    # The small test council has one year of records: too few to draw a curve, one hazard period.
    assert v.page.locator("figure.chart svg").count() >= 1
    assert "Still with us after 2 years" in v.page.locator("#survival-table").inner_text()
    assert v.page.locator("#hazard-1 tbody tr").count() == 5
    breakdown = v.page.get_by_role("navigation", name="Survival by")
    with v.page.expect_navigation():
        breakdown.get_by_role("link", name="Year they started (census year)").click()
    assert "by=cohort" in v.page.url
    v.screenshot("retention-cohort")
    v.page.set_viewport_size({"width": 390, "height": 844})
    v.screenshot("retention-phone")
    assert not v.problems, v.problems


def test_an_elected_member_sees_no_team_breakdown(visitor: Open) -> None:
    v = visitor(AccountRole.MEMBER)
    v.visit("/retention", "retention")
    assert v.heading() == "Retention"
    links = v.page.get_by_role("navigation", name="Survival by").inner_text()
    assert "Team they started in" not in links
    assert not v.problems, v.problems
