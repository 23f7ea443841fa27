"""Learning and the pipeline in a real browser: a social worker sees their own training and
searches the offer (the search runs on the server, the tag links search too); the team manager
sees their team's gaps; the service leader reaches the pipeline from the menu (screenshots in
test-artifacts/screenshots/*-learning*.png and leader-pipeline.png)."""

from __future__ import annotations

from collections.abc import Callable

from caseload.auth.roles import AccountRole

from .conftest import Visitor

Open = Callable[[AccountRole | None], Visitor]


def test_a_social_worker_sees_their_training_and_searches_the_offer(visitor: Open) -> None:
    v = visitor(AccountRole.SOCIAL_WORKER)
    menu = v.page.get_by_role("navigation", name="Main")
    with v.page.expect_navigation():
        menu.get_by_role("link", name="Learning").click()
    v.screenshot("learning")
    assert v.heading() == "Learning"
    assert v.page.locator("h2#mine-heading").inner_text() == "Your training"
    assert v.page.locator("table caption", has_text="Your mandatory courses").count() == 1
    v.page.get_by_label("Find courses, practice guidance, tools and events").fill("neglect")
    with v.page.expect_navigation():
        v.page.get_by_role("button", name="Search").click()
    v.screenshot("learning-search")
    assert "q=neglect" in v.page.url
    assert "3 of 30 entries match" in v.page.get_by_role("status").last.inner_text()
    titles = v.page.locator("ul.offer li strong").all_inner_texts()
    assert "Graded care profile 2" in titles and len(titles) == 3
    with v.page.expect_navigation():
        v.page.locator("ul.offer .tags a", has_text="assessment").first.click()
    assert (
        v.page.get_by_label("Find courses, practice guidance, tools and events").input_value()
        == "assessment"
    )
    assert not v.problems, v.problems


def test_the_team_manager_sees_their_team_and_the_leader_gaps_and_the_pipeline(
    visitor: Open,
) -> None:
    # The manager's team (the MASH) has every mandatory course current on the data date: one
    # team's row and no list of gaps; the leader sees the council's named gaps.
    manager = visitor(AccountRole.TEAM_MANAGER)
    manager.visit("/learning")
    assert manager.page.locator("h2#gaps-heading").count() == 0
    teams = manager.page.locator("table caption", has_text="By team").locator("xpath=..")
    assert teams.locator("tbody tr").count() == 1
    leader = visitor(AccountRole.LEADER)
    leader.visit("/learning")
    assert leader.page.locator("h2#gaps-heading").count() == 1
    assert leader.page.locator("table caption", has_text="By service").count() == 1
    menu = leader.page.get_by_role("navigation", name="Main")
    with leader.page.expect_navigation():
        menu.get_by_role("link", name="Pipeline").click()
    leader.screenshot("pipeline")
    assert leader.heading() == "Pipeline"
    assert leader.page.locator("h2#conversions-heading").count() == 1
    leader.page.set_viewport_size({"width": 390, "height": 844})
    leader.visit("/learning", "learning-phone")
    assert not manager.problems and not leader.problems
