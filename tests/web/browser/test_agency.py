"""The agency rules page in a real browser: the service leader opens it from the menu, reads the
compliance shares, the breaches in plain words, the placeholder warning on the price caps, and it
fits a phone (screenshots in test-artifacts/screenshots/leader-agency*.png)."""

from __future__ import annotations

from collections.abc import Callable

from caseload.auth.roles import AccountRole

from .conftest import Visitor

Open = Callable[[AccountRole | None], Visitor]


def test_the_leader_reads_the_agency_rules(visitor: Open) -> None:
    v = visitor(AccountRole.LEADER)
    menu = v.page.get_by_role("navigation", name="Main")
    with v.page.expect_navigation():
        menu.get_by_role("link", name="Agency rules").click()
    assert v.heading() == "Agency rules"
    v.screenshot("agency")
    headings = v.page.locator("main h2").all_inner_texts()
    assert headings == [
        "How many engagements meet each rule",
        "Engagements not meeting a rule",
        "Quarterly return to DfE",
        "Price caps in use",
    ]
    assert v.page.locator("main table").first.locator("tbody tr").count() == 5
    assert v.page.get_by_role("textbox", name="Quarter").input_value()
    assert "These caps are examples" in v.page.locator("main").inner_text()
    v.page.set_viewport_size({"width": 390, "height": 844})
    v.screenshot("agency-phone")
    assert not v.problems, v.problems
