"""Demand and posts in a real browser: the leader opens it from the menu, sees a fan chart beside
each series' numbers and the posts-needed table, and it fits a phone (screenshots in
test-artifacts/screenshots/leader-planning-demand*.png)."""

from __future__ import annotations

from collections.abc import Callable

from caseload.auth.roles import AccountRole

from .conftest import Visitor

Open = Callable[[AccountRole | None], Visitor]


def test_the_leader_opens_demand_and_posts_from_the_menu(visitor: Open) -> None:
    v = visitor(AccountRole.LEADER)
    menu = v.page.get_by_role("navigation", name="Main")
    with v.page.expect_navigation():
        menu.get_by_role("link", name="Demand and posts").click()
    assert v.heading() == "Demand and posts"
    v.screenshot("planning-demand")
    sections = v.page.locator("main section.fan")
    assert sections.count() == 7
    first = sections.first
    assert first.locator("svg").count() == 1  # the chart, drawn on the server
    assert first.locator("table.data tbody tr").count() >= 2  # its numbers beside it
    posts = v.page.locator("main table", has_text="Case-holding FTE needed")
    assert "All case-holding posts" in posts.inner_text()
    v.page.set_viewport_size({"width": 390, "height": 844})
    v.screenshot("planning-demand-phone")
    assert v.page.evaluate("document.documentElement.scrollWidth") <= 391
    assert not v.problems, v.problems
