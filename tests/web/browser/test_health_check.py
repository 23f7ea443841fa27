"""The staff health check in a real browser: the service leader opens it from the navigation,
reads the council's result, the themes, groups hidden in words and the team link, and it fits a
phone (screenshots in test-artifacts/screenshots/leader-health-check*.png)."""

from __future__ import annotations

from collections.abc import Callable

from caseload.auth.roles import AccountRole

from .conftest import Visitor

Open = Callable[[AccountRole | None], Visitor]


def test_the_leader_reads_the_health_check(visitor: Open) -> None:
    v = visitor(AccountRole.LEADER)
    menu = v.page.get_by_role("navigation", name="Main")
    with v.page.expect_navigation():
        menu.get_by_role("link", name="Staff health check").click()
    assert v.heading() == "Staff health check"
    v.screenshot("health-check")
    text = v.page.locator("main").inner_text()
    assert "favourable answer" in text
    assert "By theme" in text
    # the web council is small: too few teams are shown to compare, and the page says so
    assert "too few to compare" in text or "not proof that one causes the other" in text
    v.page.set_viewport_size({"width": 390, "height": 844})
    v.screenshot("health-check-phone")
    assert v.page.evaluate("document.documentElement.scrollWidth") <= 391
    assert not v.problems, v.problems
