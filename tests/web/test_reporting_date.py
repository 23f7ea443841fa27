"""The reporting date: every page and API call answers for ``?as_at=`` (default the council's data
date), says so in a banner with a date picker, and refuses a day it cannot answer for."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from caseload.auth.roles import AccountRole

from .council import WebCouncil

PAGES = ("/scorecard", "/overview", "/workforce", "/caseloads", "/caseloads/queue", "/retention")
API = ("overview", "workforce", "caseloads", "caseloads/queue", "teams", "census/indicators")


def data_date(council: WebCouncil) -> date:
    client = council.client(AccountRole.LEADER)
    return date.fromisoformat(client.get("/api/v1/caseloads").json()["data_date"])


def test_every_page_defaults_to_the_data_date_and_says_so(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    day = data_date(shared_council)
    shown = day.strftime("%-d %b %Y")
    for path in PAGES:
        page = client.get(path)
        assert page.status_code == 200, path
        assert f"Data loaded up to <strong>{shown}</strong>" in page.text, path
        assert f'name="as_at" value="{day.isoformat()}"' in page.text, path
        assert f'max="{day.isoformat()}"' in page.text, path
        assert "Back to" not in page.text, path


def test_an_earlier_date_changes_the_figures_and_offers_the_way_back(
    shared_council: WebCouncil,
) -> None:
    client = shared_council.client(AccountRole.LEADER)
    day = data_date(shared_council)
    earlier = day - timedelta(days=45)
    now = client.get("/api/v1/caseloads").json()
    then = client.get("/api/v1/caseloads", params={"as_at": earlier.isoformat()}).json()
    assert (now["as_at"], then["as_at"]) == (day.isoformat(), earlier.isoformat())
    assert then["data_date"] == day.isoformat()
    assert then["summary"] != now["summary"]
    page = client.get("/caseloads", params={"as_at": earlier.isoformat()})
    assert f'name="as_at" value="{earlier.isoformat()}"' in page.text
    assert f'<a href="/caseloads">Back to {day.strftime("%-d %b %Y")}</a>' in page.text
    # Another choice on the page is kept when the date changes.
    service = now["services"][0]["service"]
    chosen = client.get("/caseloads", params={"service": service, "as_at": earlier.isoformat()})
    assert f'<input type="hidden" name="service" value="{service}">' in chosen.text


def test_census_years_are_those_whose_reference_date_has_passed(
    shared_council: WebCouncil,
) -> None:
    client = shared_council.client(AccountRole.LEADER)
    day = data_date(shared_council)
    years = client.get("/api/v1/workforce").json()["years"]
    assert years and max(years) <= (day.year if day >= date(day.year, 9, 30) else day.year - 1)
    before = date(max(years), 9, 29)
    earlier = client.get("/api/v1/workforce", params={"as_at": before.isoformat()}).json()
    assert earlier["years"] == [year for year in years if year < max(years)]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/03/2025", "as_at must be a date written YYYY-MM-DD, not '31/03/2025'"),
        ("9999-12-31", "as_at 9999-12-31 is after 2099-12-31; choose an earlier date"),
        ("1999-12-31", "as_at 1999-12-31 is before 2000-01-01; choose a later date"),
    ],
)
def test_a_day_out_of_range_is_refused_where_it_enters(
    shared_council: WebCouncil, value: str, message: str
) -> None:
    client = shared_council.client(AccountRole.LEADER)
    for path in ("/api/v1/overview", "/api/v1/caseloads", "/api/v1/teams"):
        response = client.get(path, params={"as_at": value})
        assert response.status_code == 400, path
        assert response.json() == {"error": "Cannot do that", "detail": message}
    page = client.get("/caseloads", params={"as_at": value})
    assert page.status_code == 400
    assert message.replace("'", "&#39;") in page.text


def test_a_day_after_the_data_date_is_refused(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    day = data_date(shared_council)
    later = day + timedelta(days=1)
    expected = (
        f"the date {later.isoformat()} is after {day.isoformat()}, the last day the data "
        f"covers; choose {day.isoformat()} or an earlier date"
    )
    for path in API:
        response = client.get(f"/api/v1/{path}", params={"as_at": later.isoformat()})
        assert response.status_code == 400, path
        assert response.json()["detail"] == expected, path


def test_members_see_the_data_date_only(shared_council: WebCouncil) -> None:
    member = shared_council.client(AccountRole.MEMBER)
    day = data_date(shared_council)
    page = member.get("/caseloads")
    assert page.status_code == 200
    assert 'name="as_at"' not in page.text
    assert f"Data loaded up to <strong>{day.strftime('%-d %b %Y')}</strong>." in page.text
    earlier = (day - timedelta(days=30)).isoformat()
    for path in ("/api/v1/overview", "/api/v1/caseloads", "/api/v1/teams", "/api/v1/workforce"):
        response = member.get(path, params={"as_at": earlier})
        assert response.status_code == 400, path
        assert response.json()["detail"] == (
            f"figures with small numbers hidden are published for the data date, "
            f"{day.isoformat()}, only; remove the date from the address to see them"
        )
    assert member.get("/api/v1/caseloads", params={"as_at": day.isoformat()}).status_code == 200


def test_the_workbench_says_it_works_on_the_data_date(shared_council: WebCouncil) -> None:
    manager = shared_council.client(AccountRole.TEAM_MANAGER)
    page = manager.get("/allocation")
    assert page.status_code == 200
    assert 'name="as_at"' not in page.text
    day = data_date(shared_council).strftime("%-d %b %Y")
    assert (
        f"Data loaded up to <strong>{day}</strong>. Recommendations are for the children waiting "
        "on that day; decisions made since are counted."
    ) in page.text


def test_the_caseloads_page_states_the_band_rule_it_applies(shared_council: WebCouncil) -> None:
    page = shared_council.client(AccountRole.LEADER).get("/caseloads").text
    assert (
        "A worker is red above the case or points cap of their role (for an ASYE, the "
        "protected caseload), amber above 90% of it, green otherwise; an average caseload is "
        "green up to 18 cases per FTE, amber up to 20, red above."
    ) in page
