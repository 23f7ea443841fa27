"""The morning allocation meeting in a real browser, on the demo's typical council: filter the
queue, accept five children one by one, choose another worker for one (with a reason, in the
dialog), accept three ticked together; the page never reloads for an accept and keeps its place.
Screenshots at desktop and phone width go to test-artifacts/screenshots."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page

from caseload.auth.roles import AccountRole
from caseload.services.generation import DEMO_SPEC
from caseload.storage import schema
from caseload.storage.engine import make_engine

from ..council import PASSWORD, USERNAMES, WebCouncil, populate
from .conftest import SCREENSHOTS, LiveServer, _serve

REASON = "Knows the family from an earlier assessment."


@pytest.fixture(scope="module")
def demo_server(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path: Path = tmp_path_factory.mktemp("meeting") / "demo.db"
    engine = make_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    council: WebCouncil = populate(engine, spec=DEMO_SPEC)
    server, thread, url = _serve(council)
    try:
        yield LiveServer(url, council)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


def _signed_in(browser: Browser, server: LiveServer, width: int, height: int) -> Page:
    context = browser.new_context(
        base_url=server.url, viewport={"width": width, "height": height}, locale="en-GB"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("User name").fill(USERNAMES[AccountRole.LEADER])
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    return page


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"leader-{name}.png"), full_page=True)


def _recommended(page: Page) -> Locator:
    return page.locator("tr.meeting-row.proposal-recommended")


def test_the_morning_meeting(browser: Browser, demo_server: LiveServer) -> None:
    page = _signed_in(browser, demo_server, 1280, 900)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto("/allocation")
    _shot(page, "allocation-meeting")
    assert page.locator("main h1").inner_text() == "Allocation meeting"

    # Filter by a team, kept in the address; then back to every team.
    team = page.locator("#team option").nth(1).get_attribute("value") or ""
    page.select_option("#team", team)
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert "team=" in page.url
    homes = page.locator("tr.meeting-row td:nth-child(4)").all_inner_texts()
    proposed = page.locator("tr.meeting-row td:nth-child(5)").all_inner_texts()
    assert homes and all(
        team in (h, p.split("\n")[-1]) for h, p in zip(homes, proposed, strict=True)
    )
    page.goto("/allocation")

    # Accept five, one at a time: no page load, the row leaves, focus moves on.
    page.evaluate("window.__sameDocument = true")
    total = _recommended(page).count()
    assert total >= 9, f"the demo's meeting should have at least 9 recommendations, not {total}"
    for done in range(5):
        row = _recommended(page).first
        child = row.get_attribute("data-children") or ""
        row.get_by_role("button", name="Accept", exact=True).click()
        page.wait_for_selector(f'tr[data-children="{child}"]', state="detached")
        assert child.split()[0] in page.locator("#meeting-status").inner_text()
        assert _recommended(page).count() == total - done - 1
    assert page.evaluate("window.__sameDocument") is True, "an accept reloaded the page"
    _shot(page, "allocation-after-accepts")

    # Another worker for one child, with a reason, in the dialog.
    row = _recommended(page).first
    child = (row.get_attribute("data-children") or "").split()[0]
    row.get_by_role("link", name="Other worker or reject").click()
    dialog = page.locator("dialog#decide-dialog")
    dialog.wait_for(state="visible")
    _shot(page, "allocation-dialog")
    choose = dialog.get_by_label("Worker")
    values = [v for v in choose.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
    choose.select_option(values[0])
    dialog.get_by_label("Reason", exact=True).first.select_option("Knows the child or family")
    dialog.get_by_label('In your words (needed for "Other")').first.fill(REASON)
    with page.expect_navigation():
        dialog.get_by_role("button", name="Allocate to this worker").click()
    assert f"{child} is allocated to" in page.locator("main").inner_text()
    assert page.locator(f'tr.meeting-row[data-children~="{child}"]').count() == 0

    # Three ticked and accepted together.
    page.evaluate("window.__sameDocument = true")
    left = _recommended(page).count()
    ticked = []
    for i in range(3):
        row = _recommended(page).nth(i)
        ticked.append(row.get_attribute("data-children") or "")
        row.locator('input[name="selected"]').check()
    page.get_by_role("button", name="Accept selected").click()
    for children in ticked:
        page.wait_for_selector(f'tr[data-children="{children}"]', state="detached")
    assert _recommended(page).count() == left - 3
    assert page.evaluate("window.__sameDocument") is True
    _shot(page, "allocation-after-selected")
    assert not problems, problems


def test_the_meeting_fits_a_phone(browser: Browser, demo_server: LiveServer) -> None:
    page = _signed_in(browser, demo_server, 390, 844)
    page.goto("/allocation")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "leader-allocation-phone.png"), full_page=False)
    button = _recommended(page).first.get_by_role("button", name="Accept", exact=True)
    box = button.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert box["height"] >= 40, "a touch target should be at least 40 px high"
