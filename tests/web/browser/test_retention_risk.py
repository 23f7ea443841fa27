"""Leaving risk and stay conversations in a real browser: the service leader opens both from the
menu, reads the caveat first, sees the forest chart with its numbers and the list with reasons
in words, and follows a name to the worker's record; an analyst has the model but not the list
in their menu (screenshots in test-artifacts/screenshots/*-retention-*.png)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

from caseload.auth.roles import AccountRole

from .conftest import Visitor

Open = Callable[[AccountRole | None], Visitor]


def test_the_leader_reads_the_model_and_the_stay_list(visitor: Open) -> None:
    v = visitor(AccountRole.LEADER)
    menu = v.page.get_by_role("navigation", name="Main")
    with v.page.expect_navigation():
        menu.get_by_role("link", name="Leaving risk").click()
    assert urlparse(v.page.url).path == "/retention/model"
    assert v.heading() == "Leaving risk"
    v.screenshot("retention-model")
    assert "association, not cause" in v.page.locator("main .callout").first.inner_text()
    assert v.page.locator("main figure.chart svg").count() == 1
    rows = v.page.locator("main table.data tbody tr")
    assert rows.count() >= 4

    with v.page.expect_navigation():
        menu.get_by_role("link", name="Stay conversations").click()
    assert v.heading() == "Stay conversations"
    v.screenshot("retention-stay")
    first = v.page.locator("main table.data tbody tr").first
    assert first.locator("li").count() >= 1
    name = first.locator("a").first.inner_text().strip()
    with v.page.expect_navigation():
        first.locator("a").first.click()
    assert urlparse(v.page.url).path.startswith("/workers/")
    assert name in v.page.locator("main").inner_text()
    v.page.go_back()
    v.page.set_viewport_size({"width": 390, "height": 844})
    v.screenshot("retention-stay-phone")
    assert v.page.evaluate("document.documentElement.scrollWidth") <= 391
    v.visit("/retention/model", "retention-model-phone")
    assert v.page.evaluate("document.documentElement.scrollWidth") <= 391
    assert not v.problems, v.problems


def test_the_analyst_has_the_model_but_not_the_list(visitor: Open) -> None:
    v = visitor(AccountRole.ANALYST)
    menu = v.page.get_by_role("navigation", name="Main")
    assert menu.get_by_role("link", name="Leaving risk").count() == 1
    assert menu.get_by_role("link", name="Stay conversations").count() == 0
    response = v.visit("/retention/stay", "retention-stay-refused")
    assert response.status == 403
    assert not v.problems, v.problems
