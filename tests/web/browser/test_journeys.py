"""The main journeys in a real browser: signing in as each role, the keyboard route past the
menu, allocating children, downloading the census return, and being refused another team's
worker. Fixtures and screenshots: see conftest.py and docs/web/testing.md."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import pytest
from lxml import etree

from caseload.auth.roles import ROLE_PERMISSIONS, AccountRole
from caseload.web.templating import NAVIGATION

from .conftest import Visitor, page_name

if TYPE_CHECKING:
    pass

Open = Callable[[AccountRole | None], Visitor]

# Where each role lands after signing in; {team} is the team manager's one team.
HOME = dict.fromkeys(AccountRole, "/") | {
    AccountRole.SOCIAL_WORKER: "/me",
    AccountRole.TEAM_MANAGER: "/teams/{team}",
    AccountRole.LEADER: "/scorecard",
}
# Pages reached from other pages rather than the menu, visited by the service leader (who sees
# every team); {team} and {worker} are filled with ids from the test council.
LEADER_EXTRA_PAGES = {
    "/caseloads/queue": "caseloads-queue",
    "/teams/{team}": "team",
    "/workers/{worker}": "worker",
    "/allocation/moves": "allocation-moves",
}


def path_of(url: str) -> str:
    return urlparse(url).path


def menu_for(role: AccountRole) -> list[str]:
    allowed = ROLE_PERMISSIONS[role]
    # The service leader lands on the scorecard, so their overview is at /overview.
    start = "/overview" if role is AccountRole.LEADER else "/"
    return [
        start if path == "/" else path for path, _label, needed in NAVIGATION if needed in allowed
    ]


@pytest.mark.parametrize("role", list(AccountRole), ids=[r.value for r in AccountRole])
def test_each_role_lands_on_their_home_page_and_can_open_their_menu(
    visitor: Open, role: AccountRole
) -> None:
    v = visitor(role)
    v.screenshot("home")
    assert v.landing is not None
    home = HOME[role].format(team=v.council.own_team_id)
    assert path_of(v.page.url) == home
    assert v.landing.status == 200, f"{home}: {v.landing.status} {v.heading()}"
    assert v.heading()
    links = v.page.locator('nav[aria-label="Main"] a')
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    assert hrefs == menu_for(role)
    pages = {href: page_name(href) for href in hrefs}
    if role is AccountRole.LEADER:
        council = v.council
        for path, name in LEADER_EXTRA_PAGES.items():
            pages[path.format(team=council.own_team_id, worker=council.own_worker_id)] = name
    failed = []
    for href, name in pages.items():
        response = v.visit(href, name)
        if response.status != 200:
            failed.append(f"{href}: {response.status} {v.heading()!r}")
        elif not v.heading():
            failed.append(f"{href}: no heading")
    assert not failed, f"pages that did not open for {role.value}: {failed}"
    assert not v.problems


@pytest.mark.parametrize("path", ["/", "/caseloads"])
def test_the_first_tab_focuses_the_skip_link(visitor: Open, path: str) -> None:
    v = visitor(AccountRole.LEADER)
    v.page.goto(path)
    v.page.keyboard.press("Tab")
    focused = v.page.evaluate(
        "() => { const e = document.activeElement; const r = e.getBoundingClientRect();"
        " return {text: e.textContent.trim(), href: e.getAttribute('href'),"
        " visible: r.width > 0 && r.height > 0 && r.top >= 0}; }"
    )
    v.screenshot(f"{path.strip('/') or 'overview'}-skip-link")
    assert focused == {"text": "Skip to main content", "href": "#main", "visible": True}
    v.page.keyboard.press("Enter")
    assert v.page.evaluate("() => document.activeElement.id") == "main"
    assert v.page.url.endswith("#main")


def test_leader_downloads_the_census_return(visitor: Open, tmp_path: Path) -> None:
    v = visitor(AccountRole.LEADER)
    response = v.visit("/workforce")
    assert response.status == 200, v.heading()
    with v.page.expect_download() as started:
        v.page.get_by_role("link", name="Download the census return (XML)").click()
    download = started.value
    assert download.failure() is None
    assert download.suggested_filename.endswith(".xml"), download.suggested_filename
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    root = etree.parse(str(saved), etree.XMLParser(resolve_entities=False)).getroot()
    assert root.tag == "Message"
    assert root.find("Header") is not None
    assert root.findall("CSWWWorker"), "the return holds no workers"
    assert not v.problems


def test_team_manager_is_refused_another_teams_worker(visitor: Open) -> None:
    v = visitor(AccountRole.TEAM_MANAGER)
    council = v.council
    own = v.visit(f"/workers/{council.own_worker_id}", "worker-own-team")
    assert own.status == 200, v.heading()
    other = v.visit(f"/workers/{council.other_worker_id}", "worker-other-team")
    assert other.status == 403
    assert v.heading() == "Not allowed"
    assert not v.problems
