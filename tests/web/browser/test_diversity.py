"""Workforce diversity in a real browser: the leader reaches it from the workforce page and sees
the staff beside the residents, with a chart; an elected member sees small numbers as c; both
fit a phone (screenshots in test-artifacts/screenshots/*-diversity*.png)."""

from __future__ import annotations

from collections.abc import Callable

from caseload.auth.roles import AccountRole

from .conftest import Visitor

Open = Callable[[AccountRole | None], Visitor]


def test_the_leader_opens_diversity_from_the_workforce_page(visitor: Open) -> None:
    v = visitor(AccountRole.LEADER)
    v.visit("/workforce")
    with v.page.expect_navigation():
        v.page.get_by_role("link", name="Workforce diversity").click()
    assert v.page.url.split("?", 1)[0].endswith("/workforce/diversity")
    assert v.heading() == "Workforce diversity"
    v.screenshot("diversity")
    headings = v.page.locator("main h2").all_inner_texts()
    assert "Our staff and the community we serve" in headings
    assert "Ethnic group by grade" in headings
    assert v.page.locator("main figure.chart svg").count() == 1
    table = v.page.get_by_role("table", name="Ethnic group: our staff and the residents")
    assert table.get_by_role("row").count() == 6  # the header and five groups
    v.page.set_viewport_size({"width": 390, "height": 844})
    v.screenshot("diversity-phone")
    assert not v.problems, v.problems


def test_a_member_sees_small_numbers_hidden(visitor: Open) -> None:
    v = visitor(AccountRole.MEMBER)
    v.visit("/workforce/diversity", "diversity")
    assert "shown as c" in v.page.locator("main p.lead").inner_text()
    cells = v.page.locator("main table td").all_inner_texts()
    assert any(text.strip() == "c" for text in cells)
    assert not v.problems, v.problems
