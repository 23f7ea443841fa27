"""The workforce plan in a real browser: the service leader opens Planning from the menu, sees the
plans side by side with ranges, three fan charts with their numbers beside them, stores the runs
and finds them listed; it fits a phone (screenshots in
test-artifacts/screenshots/leader-planning*.png)."""

from __future__ import annotations

from collections.abc import Callable

from caseload.auth.roles import AccountRole

from .conftest import Visitor

Open = Callable[[AccountRole | None], Visitor]


def test_the_leader_compares_plans_and_stores_them(visitor: Open) -> None:
    v = visitor(AccountRole.LEADER)
    # The first view runs every plan (a few seconds; more on a busy machine).
    v.page.set_default_timeout(90_000)
    menu = v.page.get_by_role("navigation", name="Main")
    with v.page.expect_navigation():
        menu.get_by_role("link", name="Planning").click()
    assert v.heading() == "Workforce plan"
    v.screenshot("planning")
    headings = v.page.locator("main h2").all_inner_texts()
    assert headings[:4] == ["The plans", "After 1 year", "After 3 years", "After 5 years"]
    assert v.page.locator("main .fan svg").count() == 3
    first = v.page.locator("table.plan").first
    assert first.locator("thead th").all_inner_texts()[1] == "Baseline: as things are"
    assert " to " in first.locator("tbody tr").nth(1).locator("td").first.inner_text()
    with v.page.expect_navigation():
        v.page.get_by_role("button", name="Store these runs").click()
    assert "Stored 4 runs" in v.page.locator("main").inner_text()
    stored = v.page.locator("#stored ~ .table-wrap tbody tr")
    assert stored.count() == 4
    v.screenshot("planning-stored")
    v.page.set_viewport_size({"width": 390, "height": 844})
    v.screenshot("planning-phone")
    assert v.page.evaluate("document.documentElement.scrollWidth") <= 391
    assert not v.problems, v.problems
