"""The scorecard page and API on the web test council: they show the same figures, the service
leader lands on the page, the overview stays one click away, and a social worker is refused (and
the refusal recorded)."""

from __future__ import annotations

from urllib.parse import quote

from markupsafe import escape

from caseload.auth.roles import AccountRole
from caseload.reports.model import Audience
from caseload.services.report_figures import gather
from caseload.services.report_scorecard import AREAS, scorecard
from caseload.web.templating import visible_text

from .council import WebCouncil
from .people_helpers import events, last_event_id


def _shown(value: float | int | str | None, places: int, unit: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return f"{value:,.{places}f}{unit}"


def test_page_and_api_agree(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    data = client.get("/api/v1/scorecard").json()
    page = client.get("/scorecard")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert [area["area"] for area in data["areas"]] == list(AREAS)
    for area in data["areas"]:
        assert f">{area['area']}</h2>" in page.text
        for measure in area["measures"]:
            cell = _shown(measure["value"], measure["places"], measure["unit"])
            row = page.text.split(f"{escape(measure['label'])} <span", 1)[1].split("</tr>", 1)[0]
            assert f'<td class="num">{cell}</td>' in row, measure["key"]
    # Ratings are words with a marker, not colour alone.
    assert (
        '<span aria-hidden="true">✖ </span>Red<span class="visually-hidden"> against the target'
        in page.text
    )
    assert "association, not a cause" in text
    figures = gather(
        shared_council.engine,
        authority_code=shared_council.code,
        audience=Audience.INTERNAL,
        as_at=None,
        baseline_year=None,
    )
    expected = {m.spec.key: m.value for m in scorecard(figures)}
    assert {m["key"]: m["value"] for a in data["areas"] for m in a["measures"]} == expected


def test_the_leader_lands_on_the_scorecard_and_keeps_the_overview(
    shared_council: WebCouncil,
) -> None:
    leader = shared_council.client(AccountRole.LEADER)
    landing = leader.get("/")
    assert landing.status_code == 303
    assert landing.headers["location"] == "/scorecard"
    page = leader.get("/scorecard").text
    assert '<a href="/overview"' in page and '<a href="/scorecard"' in page
    assert leader.get("/overview").status_code == 200
    # Everyone else with aggregate figures lands where they did.
    assert shared_council.client(AccountRole.ANALYST).get("/").status_code == 200
    manager = shared_council.client(AccountRole.TEAM_MANAGER).get("/")
    assert manager.headers["location"] == f"/teams/{shared_council.own_team_id}"


def test_drill_down_by_service_on_the_page_and_the_api(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    services = client.get("/api/v1/scorecard").json()["services"]
    assert services
    name = services[0]["service"]
    assert services[0]["href"] == f"/scorecard?service={quote(name)}"
    data = client.get("/api/v1/scorecard", params={"service": name}).json()
    assert data["service"]["service"] == name
    page = client.get(services[0]["href"])
    assert page.status_code == 200
    assert f'<h2 id="service">{name}</h2>' in page.text
    assert f'href="/caseloads?service={quote(name)}"' in page.text
    worker = data["service"]["workers"][0]
    assert f'<a href="{worker["href"]}">' in page.text
    missing = client.get("/api/v1/scorecard", params={"service": "Nowhere"})
    assert missing.status_code == 404
    assert "no service area called 'Nowhere'" in missing.json()["detail"]


def test_a_member_sees_the_public_figures(shared_council: WebCouncil) -> None:
    member = shared_council.client(AccountRole.MEMBER)
    data = member.get("/api/v1/scorecard").json()
    assert data["audience"] == "public" and data["suppressed"] is True
    assert "Small numbers are hidden" in member.get("/scorecard").text
    name = data["services"][0]["service"]
    assert (
        member.get("/api/v1/scorecard", params={"service": name}).json()["service"]["workers"]
        is None
    )


def test_the_social_worker_is_refused_and_it_is_recorded(shared_council: WebCouncil) -> None:
    before = last_event_id(shared_council.engine)
    client = shared_council.client(AccountRole.SOCIAL_WORKER)
    assert client.get("/scorecard").status_code == 403
    assert client.get("/api/v1/scorecard").status_code == 403
    refused = [e for e in events(shared_council.engine, after=before) if e.outcome == "refused"]
    assert len(refused) == 2
    assert all(e.target_type == "scorecard" for e in refused)
