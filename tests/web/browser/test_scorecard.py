"""The scorecard in a real browser: the service leader lands on it after signing in, sees the five
areas with ratings in words, opens a service area from it, and it fits a phone (screenshots in
test-artifacts/screenshots/leader-scorecard*.png)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

from caseload.auth.roles import AccountRole
from caseload.services.report_scorecard import AREAS

from .conftest import Visitor

Open = Callable[[AccountRole | None], Visitor]


def test_the_leader_lands_on_the_scorecard_and_opens_a_service(visitor: Open) -> None:
    v = visitor(AccountRole.LEADER)
    assert urlparse(v.page.url).path == "/scorecard"
    assert v.heading() == "Scorecard"
    v.screenshot("scorecard")
    headings = v.page.locator("main h2").all_inner_texts()
    assert [text for text in headings if text in AREAS] == list(AREAS)
    ratings = v.page.locator("main .rag").all_inner_texts()
    assert ratings and all(
        any(word in text for word in ("Green", "Amber", "Red")) for text in ratings
    )
    menu = v.page.get_by_role("navigation", name="Main")
    assert menu.get_by_role("link", name="Overview").get_attribute("href") == "/overview"
    link = v.page.locator("main ul li a").first
    service = link.inner_text().strip()
    with v.page.expect_navigation():
        link.click()
    v.screenshot("scorecard-service")
    assert v.page.locator("h2#service").inner_text().strip() == service
    v.page.set_viewport_size({"width": 390, "height": 844})
    v.screenshot("scorecard-phone")
    assert v.page.evaluate("document.documentElement.scrollWidth") <= 391
    assert not v.problems, v.problems
