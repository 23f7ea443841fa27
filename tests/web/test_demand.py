"""The demand page and the forecast API on the web test council: the page shows the API's
numbers, an elected member sees small numbers hidden, a social worker is refused, and bad
numbers in the address are answered 400."""

from __future__ import annotations

from datetime import date

from caseload.auth.roles import AccountRole
from caseload.services.demand import cli_principal, demand_view
from caseload.web.templating import visible_text

from .council import WebCouncil


def test_page_and_api_show_the_same_numbers(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    data = client.get("/api/v1/forecast/demand").json()
    page = client.get("/planning/demand")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert data["as_at"] and data["series"][0]["key"] == "referrals"
    # Each series' numbers are beside its chart: the last actual and the first year ahead.
    for series in data["series"]:
        assert series["label"] in text
        part = page.text.split(f'id="series-{series["key"]}"', 1)[1].split("</section>", 1)[0]
        for row in series["summary"]:
            row_html = part.split(f">{row['label']}</th>", 1)[1].split("</tr>", 1)[0]
            assert f'<td class="num">{row["p50"]:,}</td>' in row_html or row["p50"] is None
    total = data["posts"]["total"]
    assert f"<strong>{total['needed'][0]:.1f} FTE</strong>" in page.text
    assert f"<strong>{total['funded_fte']:.1f} FTE</strong>" in page.text
    assert "<svg" in page.text  # the fan charts, drawn on the server
    assert "Demand and posts" in text  # in the navigation
    assert "P10" in text and "in 8 months out of 10" in text


def test_page_and_api_agree_on_an_earlier_day(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.ANALYST)
    latest = client.get("/api/v1/forecast/demand").json()["data_date"]
    earlier = f"{latest[:7]}-01"
    data = client.get(f"/api/v1/forecast/demand?as_at={earlier}&months=12").json()
    assert data["as_at"] == earlier and data["months"] == 12
    page = client.get(f"/planning/demand?as_at={earlier}&months=12")
    assert page.status_code == 200
    assert f"<strong>{data['posts']['total']['needed'][0]:.1f} FTE</strong>" in page.text


def test_backtest_api(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    data = client.get("/api/v1/forecast/demand").json()
    latest = data["data_date"]
    origin = f"{int(latest[:4]) - 1}-03-31"
    found = client.get(f"/api/v1/forecast/backtest?from={origin}&months=3").json()
    assert found["origin"] == origin
    assert found["summary"][0]["series"] == "referrals"
    assert all(row["months"] == 3 for row in found["summary"])


def test_member_sees_small_numbers_hidden_and_only_the_data_date(
    shared_council: WebCouncil,
) -> None:
    client = shared_council.client(AccountRole.MEMBER)
    data = client.get("/api/v1/forecast/demand").json()
    assert data["suppressed"] is True
    for series in data["series"]:
        for point in series["history"]:
            value = point["actual"]
            assert value == "c" or not 0 < value < 5
    refused = client.get("/api/v1/forecast/demand?as_at=2026-01-31")
    assert refused.status_code == 400


def test_social_worker_is_refused(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.SOCIAL_WORKER)
    assert client.get("/api/v1/forecast/demand").status_code == 403
    assert client.get("/planning/demand").status_code == 403


def test_bad_months_are_400(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    for value in ("0", "61", "abc"):
        assert client.get(f"/api/v1/forecast/demand?months={value}").status_code == 400
    assert client.get("/api/v1/forecast/backtest?from=9999-12-31").status_code == 400


def test_the_api_is_the_services_context_for_the_same_day(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    data = client.get("/api/v1/forecast/demand?as_at=2026-07-31").json()
    engine = shared_council.engine
    expected = demand_view(
        engine, cli_principal(engine, shared_council.code), as_at=date(2026, 7, 31)
    )
    assert data["posts"] == expected["posts"]
    assert data["series"] == expected["series"]
    assert data["context"]["council"] == expected["context"]["council"]
