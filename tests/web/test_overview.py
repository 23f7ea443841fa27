"""The overview page and its JSON: figures equal the census engine's and the caseload report's,
benchmarks and ratings when DfE's figures are loaded, and what each role may see."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, func, select

from caseload.auth.principal import Principal
from caseload.auth.roles import AccountRole
from caseload.census.definitions import INDICATOR_COLUMNS
from caseload.errors import InvalidInputError
from caseload.services.caseloads import caseload_report
from caseload.services.census import census_indicators
from caseload.services.generation import build_council
from caseload.services.overview import HEADLINE, NAMED_ALERTS_SHOWN, overview_context
from caseload.services.workforce_view import indicator_table
from caseload.storage import schema
from caseload.storage.account_models import AuditEvent
from caseload.storage.engine import make_engine, session_scope
from caseload.storage.models import Authority, Team

from .census_support import import_benchmarks
from .council import WEB_SPEC, WebCouncil

YEAR = 2026  # the test council simulates one census year, to 30 September 2026


def _engine_row(council: WebCouncil) -> dict[str, object]:
    table = census_indicators(council.engine, census_year=YEAR, authority_code=council.code)
    return table.frame.drop("LEA", "Year").row(0, named=True)


def test_leader_sees_the_census_engines_figures(shared_council: WebCouncil) -> None:
    client = shared_council.client(AccountRole.LEADER)
    data = client.get("/api/v1/overview").json()
    expected = _engine_row(shared_council)
    assert data["years"] == [YEAR]
    assert data["latest_year"] == YEAR
    assert [row["name"] for row in data["indicators"]] == list(HEADLINE)
    for row in data["indicators"]:
        assert row["trend"] == [{"year": YEAR, "value": expected[row["name"]]}]
        assert row["latest"] == expected[row["name"]]
        assert row["change"] is None  # one year only

    page = client.get("/overview")  # the leader lands on the scorecard
    assert page.status_code == 200
    turnover = expected["turnover_rate_fte"]
    assert f'<span class="figure">{turnover:.1f}%</span>' in page.text


def test_caseloads_waiting_children_and_alerts_match_the_caseload_report(
    shared_council: WebCouncil,
) -> None:
    scope, report = caseload_report(shared_council.engine, authority_code=shared_council.code)
    data = shared_council.client(AccountRole.LEADER).get("/api/v1/overview").json()
    caseloads = data["caseloads"]
    assert caseloads["as_at"] == scope.day.isoformat()
    assert caseloads["average"] == report.dfe_average["caseload_fte"]
    assert caseloads["cases"] == report.dfe_average["cases"]
    assert caseloads["rag"] == scope.policy.policy.band(report.dfe_average["caseload_fte"])
    assert caseloads["bands"] == report.distribution
    # Case holders hold at least one case (DfE), as on the Caseloads page.
    assert caseloads["case_holders"] == int(report.teams["case_holders"].sum())
    # ... and their FTE is the DfE average's denominator, team by team and in all.
    assert round(float(report.teams["fte"].sum()), 1) == caseloads["case_holders_fte"]

    waiting = data["unallocated"]
    assert waiting["children"] == report.queue.height
    assert waiting["longest_wait_days"] == report.queue["days_waiting"].max()
    assert waiting["escalate"] == report.queue.filter(pl.col("escalation") == "escalate").height
    # 'Waiting 7 days or more' includes every child waiting 28 days or more.
    review_days = scope.policy.policy.review_days
    assert waiting["review"] == report.queue.filter(pl.col("days_waiting") >= review_days).height
    assert waiting["review"] >= waiting["escalate"]

    alerts = data["alerts"]
    assert alerts["total"] == report.alerts.height
    assert alerts["red"] == report.alerts.filter(pl.col("severity") == "red").height
    counts = report.alerts.group_by("kind").len()
    assert {row["kind"]: row["count"] for row in alerts["by_kind"]} == dict(counts.iter_rows())
    # a leader sees every alert, named
    assert alerts["named_scope"] == "every team"
    assert alerts["named_total"] == report.alerts.height


def test_without_published_figures_the_page_says_who_can_load_them(
    shared_council: WebCouncil,
) -> None:
    client = shared_council.client(AccountRole.ANALYST)
    data = client.get("/api/v1/overview").json()
    assert data["benchmark"]["loaded"] is False
    assert "Ask your administrator to load them" in data["benchmark"]["message"]
    assert all(row["rag_england"] is None for row in data["indicators"])
    page = client.get("/").text
    assert "No England or regional comparison is loaded" in page
    assert "Ask your administrator to load them" in page
    assert "caseload benchmarks" not in page  # no command-line advice on a page


def _worker_names(council: WebCouncil) -> list[str]:
    _, report = caseload_report(council.engine, authority_code=council.code)
    return [name for name in report.workers["name"].to_list() if name]


@pytest.mark.parametrize("role", [AccountRole.ANALYST, AccountRole.MEMBER, AccountRole.ADMIN])
def test_roles_without_named_records_see_alert_counts_only(
    shared_council: WebCouncil, role: AccountRole
) -> None:
    client = shared_council.client(role)
    data = client.get("/api/v1/overview").json()
    assert data["alerts"]["named"] is None
    assert data["sees_names"] is False
    page = client.get("/")
    assert page.status_code == 200
    assert "Alerts by kind" in page.text
    leaked = [name for name in _worker_names(shared_council) if name in page.text]
    assert not leaked, f"names on the {role.value}'s overview: {leaked[:3]}"


def test_team_manager_sees_named_alerts_for_their_teams_only(shared_council: WebCouncil) -> None:
    with session_scope(shared_council.engine) as session:
        teams = {
            name
            for name, parent in session.execute(
                select(Team.name, Team.parent_id).where(
                    (Team.id == shared_council.own_team_id)
                    | (Team.parent_id == shared_council.own_team_id)
                )
            )
        }
    _, report = caseload_report(shared_council.engine, authority_code=shared_council.code)
    expected = report.alerts.filter(pl.col("team").is_in(list(teams)))
    data = shared_council.client(AccountRole.TEAM_MANAGER).get("/api/v1/overview").json()
    alerts = data["alerts"]
    assert alerts["named_scope"] == "your teams"
    assert alerts["named_total"] == expected.height
    assert {row["team"] for row in alerts["named"]} <= teams
    assert [row["subject"] for row in alerts["named"]] == expected["subject"].to_list()[
        :NAMED_ALERTS_SHOWN
    ]
    # the counts by kind still cover the whole council
    assert alerts["total"] == report.alerts.height


def test_member_sees_small_numbers_suppressed(shared_council: WebCouncil) -> None:
    _, report = caseload_report(shared_council.engine, authority_code=shared_council.code)
    client = shared_council.client(AccountRole.MEMBER)
    data = client.get("/api/v1/overview").json()
    assert data["suppressed"] is True
    # Small counts are hidden, and so is anything built from them; a count that is shown is the
    # true one. (Which other cells hide them is tested in tests/web/test_disclosure.py.)
    for shown, actual in zip(data["caseloads"]["bands"], report.distribution, strict=True):
        small = 1 <= int(actual["workers"]) <= 4
        assert shown["workers"] in ("c", actual["workers"])
        if small:
            assert shown["workers"] == "c"
        assert shown["share"] == ("c" if shown["workers"] == "c" else actual["share"])
    grouped = report.alerts.group_by("kind", "severity").len().iter_rows()
    counts = {(kind, severity): n for kind, severity, n in grouped}
    for row in data["alerts"]["by_kind"]:
        count = counts[(row["kind"], row["severity"])]
        assert row["count"] in ("c", count)
        if 1 <= count <= 4:
            assert row["count"] == "c"
    assert any(row["count"] == "c" for row in data["alerts"]["by_kind"])  # the test is not empty
    page = client.get("/").text
    assert "Small numbers are hidden" in page


def test_social_worker_is_sent_to_their_own_page_and_refused_by_the_api(
    shared_council: WebCouncil,
) -> None:
    client = shared_council.client(AccountRole.SOCIAL_WORKER)
    response = client.get("/")
    assert response.status_code == 303
    assert response.headers["location"] == "/me"

    def refusals() -> int:
        with session_scope(shared_council.engine) as session:
            return int(
                session.scalar(
                    select(func.count()).where(
                        AuditEvent.actor == "worker",
                        AuditEvent.outcome == "refused",
                        AuditEvent.target_type == "overview",
                    )
                )
                or 0
            )

    before = refusals()
    api = client.get("/api/v1/overview")
    assert api.status_code == 403
    assert api.json()["error"] == "Not allowed"
    assert refusals() == before + 1


def test_ratings_against_england_and_the_region(
    council: WebCouncil, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DfE's figures set just around the council's own: each rating is known in advance."""
    own = _engine_row(council)
    turnover, agency = float(own["turnover_rate_fte"]), float(own["agency_rate_fte"])  # type: ignore[arg-type]
    client = council.client(AccountRole.LEADER)
    assert client.get("/api/v1/overview").json()["benchmark"]["loaded"] is False
    # the figures shown are cached; importing DfE's file changes them at once
    import_benchmarks(
        council.engine,
        tmp_path,
        YEAR,
        england={"turnover_rate_fte": round(turnover - 1.5, 1), "agency_rate_fte": agency + 3},
        region={"turnover_rate_fte": round(turnover - 2.5, 1), "agency_rate_fte": agency},
    )
    data = client.get("/api/v1/overview").json()
    assert data["benchmark"]["loaded"] is True
    assert data["benchmark"]["year"] == YEAR
    assert data["benchmark"]["region_name"] == "North West"
    rows = {row["name"]: row for row in data["indicators"]}
    assert rows["turnover_rate_fte"]["england"] == round(turnover - 1.5, 1)
    assert rows["turnover_rate_fte"]["rag_england"] == "amber"  # worse by 1.5, within 2.0
    assert rows["turnover_rate_fte"]["rag_region"] == "red"  # worse by 2.5
    assert rows["agency_rate_fte"]["rag_england"] == "green"  # better
    assert rows["agency_rate_fte"]["rag_region"] == "green"  # equal
    assert rows["inpost_fte"]["rag_england"] is None  # counts are not rated
    page = client.get("/overview").text  # the leader lands on the scorecard
    assert "No England or regional comparison is loaded" not in page
    assert 'class="rag rag-amber">Amber<span class="visually-hidden"> against England' in page


@pytest.fixture(scope="module")
def two_year_council(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A council simulated over the 2025 and 2026 census years (its staff's records start long
    before, with nobody recorded leaving until the simulation starts)."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('years') / 'council.db'}")
    schema.upgrade(engine)
    build_council(engine, replace(WEB_SPEC, code="803"), years=2, seed=3)
    yield engine
    engine.dispose()


def test_years_with_figures_and_their_trend(two_year_council: Engine) -> None:
    engine = two_year_council
    leader = Principal(1, "leader", "Leader", AccountRole.LEADER, _authority_id(engine))
    context = overview_context(engine, leader)
    # 2024 is covered by the HR records but nobody is recorded leaving before October 2024
    assert context["years"] == [2025, 2026]
    expected = {
        year: census_indicators(engine, census_year=year, authority_code="803")
        .frame.select(*INDICATOR_COLUMNS, "days_lost_per_fte")
        .row(0, named=True)
        for year in (2025, 2026)
    }
    for row in context["indicators"]:
        name = row["name"]
        assert row["trend"] == [
            {"year": 2025, "value": expected[2025][name]},
            {"year": 2026, "value": expected[2026][name]},
        ]
        latest, previous = expected[2026][name], expected[2025][name]
        if name.endswith("_rate_fte") or name.endswith("_rate_headcount"):
            # rates: percentage points
            change, unit = round(latest - previous, 1), "pp"
        else:
            # counts, FTE, days, caseload: per cent of the earlier year
            change, unit = round(100 * (latest - previous) / previous, 1), "%"
        assert row["change"] == pytest.approx(change, abs=0.051), name
        assert row["change_on_previous"]["unit"] == unit, name
        assert row["change_on_baseline"] is None
    rows = {row["name"]: row for row in context["indicators"]}
    turnover = rows["turnover_rate_fte"]["change_on_previous"]
    assert turnover["verdict"] == ("worse" if turnover["value"] > 0 else "better")
    assert rows["starters_headcount"]["change_on_previous"]["verdict"] is None  # neutral
    with_baseline = overview_context(engine, leader, baseline_year=2025)
    for row in with_baseline["indicators"]:
        assert row["change_on_baseline"] == row["change_on_previous"], row["name"]
    table = indicator_table(engine, leader)
    assert [row["year"] for row in table["rows"]] == [2025, 2026]
    for row in table["rows"]:
        assert {name: row[name] for name in expected[row["year"]]} == expected[row["year"]]


def _authority_id(engine: Engine) -> int:
    with session_scope(engine) as session:
        found = session.scalar(select(Authority.id))
    assert found is not None
    return found


def test_named_alerts_are_a_recorded_view(council: WebCouncil) -> None:
    def alert_views(actor: str) -> list[str]:
        with session_scope(council.engine) as session:
            return list(
                session.scalars(
                    select(AuditEvent.detail).where(
                        AuditEvent.actor == actor, AuditEvent.target_type == "alerts"
                    )
                )
            )

    leader = council.client(AccountRole.LEADER)
    data = leader.get("/api/v1/overview").json()
    assert data["alerts"]["named"], "the test council has alerts"
    leader.get("/overview")
    shown = len(data["alerts"]["named"])
    assert [json.loads(d) for d in alert_views("leader")] == [
        {"page": "overview", "alerts_shown": shown}
    ] * 2
    council.client(AccountRole.ANALYST).get("/")
    assert alert_views("analyst") == []


def test_a_baseline_year_and_an_earlier_day(two_year_council: Engine) -> None:
    engine = two_year_council
    leader = Principal(1, "leader", "Leader", AccountRole.LEADER, _authority_id(engine))
    context = overview_context(engine, leader, baseline_year=2025)
    assert context["baseline_year"] == 2025
    for row in context["indicators"]:
        assert row["change_on_baseline"] == row["change_on_previous"], row["name"]
    with pytest.raises(InvalidInputError) as refused:
        overview_context(engine, leader, baseline_year=2024)
    assert str(refused.value) == (
        "there are no census figures for 2024 to compare 2026 with; earlier years with "
        "figures: 2025"
    )
    # On a day before 30 September 2026 the 2026 census year has no figures yet.
    earlier = overview_context(engine, leader, as_at=date(2026, 8, 31))
    assert (earlier["years"], earlier["latest_year"]) == ([2025], 2025)
    assert (earlier["as_at"], earlier["data_date"]) == ("2026-08-31", "2026-09-30")
    assert earlier["caseloads"] is not None and earlier["caseloads"]["as_at"] == "2026-08-31"
