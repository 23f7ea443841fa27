"""The scorecard's context on a small synthetic council: the same figures as the board pack's
headline for the same date, a member's disclosure as the public report's, the drill-down by
service area, and the refusal of a role without aggregate figures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine

from caseload.auth.principal import Principal
from caseload.auth.roles import AccountRole
from caseload.domain.disclosure import SUPPRESSED
from caseload.errors import CaseloadError, NotFoundError
from caseload.reports.model import Audience
from caseload.services import caseload_views
from caseload.services.generation import build_council
from caseload.services.report_figures import gather
from caseload.services.report_scorecard import AREAS, NO_DATA_YET, scorecard
from caseload.services.report_sections import headline
from caseload.services.scorecard import council_principal, scorecard_view
from caseload.storage import bulk, schema
from caseload.storage.engine import make_engine
from caseload.synthetic import CouncilSpec

SPEC = CouncilSpec(
    code="802",
    name="Webtown (synthetic)",
    region="North West",
    size_fte=40.0,
    preset="typical",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("scorecard") / "council.db"
    engine = make_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    build_council(engine, SPEC, years=1, seed=5)
    yield engine
    engine.dispose()


def _as(engine: Engine, role: AccountRole) -> Principal:
    leader = council_principal(engine, SPEC.code)
    return Principal(
        user_id=99,
        username=role.value,
        display_name=role.value,
        role=role,
        authority_id=leader.authority_id,
        source="test",
    )


def _headline_rows(engine: Engine, audience: Audience) -> dict[str, list[tuple[object, ...]]]:
    """The board pack's headline tables, area by area: figure, target and the four ratings."""
    figures = gather(
        engine, authority_code=SPEC.code, audience=audience, as_at=None, baseline_year=None
    )
    section = headline(figures, scorecard(figures))
    return {
        table.title: [
            (
                row["value"],
                row["target"],
                row["rag_target"],
                row["england"],
                row["rag_england"],
                row["rag_region"],
                row["rag_neighbours"],
                row["trend"],
            )
            for row in table.rows
        ]
        for table in section.tables
    }


def _page_rows(context: dict[str, object]) -> dict[str, list[tuple[object, ...]]]:
    areas = context["areas"]
    assert isinstance(areas, list)
    return {
        area["area"]: [
            (
                m["value"],
                round(m["target"]) if m["target"] is not None and m["places"] == 0 else m["target"],
                m["rag_target"],
                m["england"],
                m["rag_england"],
                m["rag_region"],
                m["rag_neighbours"],
                m["trend_text"],
            )
            for m in area["measures"]
        ]
        for area in areas
        if area["measures"]
    }


def test_the_figures_are_the_board_packs_headline(built: Engine) -> None:
    context = scorecard_view(built, _as(built, AccountRole.LEADER))
    assert context["audience"] == "internal"
    assert [area["area"] for area in context["areas"]] == list(AREAS)
    assert _page_rows(dict(context)) == _headline_rows(built, Audience.INTERNAL)
    # The synthetic council has every kind of record, so every area has measures.
    assert all(area["measures"] and area["no_data"] is None for area in context["areas"])
    keys = {m["key"] for area in context["areas"] for m in area["measures"]}
    assert {"visits_on_time", "recording_on_time", "supervision_compliance"} <= keys
    assert context["practice_method"] is not None
    assert "association, not a cause" in context["practice_method"]
    assert context["as_at"] == context["data_date"]


def test_the_analyst_and_team_manager_read_the_internal_figures(built: Engine) -> None:
    leader = _page_rows(dict(scorecard_view(built, _as(built, AccountRole.LEADER))))
    for role in (AccountRole.ANALYST, AccountRole.ADMIN):
        context = scorecard_view(built, _as(built, role))
        assert context["audience"] == "internal"
        assert _page_rows(dict(context)) == leader


def test_a_member_sees_the_public_headline(built: Engine) -> None:
    context = scorecard_view(built, _as(built, AccountRole.MEMBER))
    assert context["audience"] == "public" and context["suppressed"] is True
    assert _page_rows(dict(context)) == _headline_rows(built, Audience.PUBLIC)
    internal = {
        m["key"]: m["value"]
        for area in scorecard_view(built, _as(built, AccountRole.LEADER))["areas"]
        for m in area["measures"]
    }
    public = {m["key"]: m["value"] for area in context["areas"] for m in area["measures"]}
    hidden = {key for key, value in public.items() if value == SUPPRESSED}
    # Only what the member's pages hide is hidden; everything else is the leader's figure.
    assert {key: value for key, value in public.items() if key not in hidden} == {
        key: value for key, value in internal.items() if key not in hidden
    }
    assert hidden, "the small council has a figure the member's pages hide"
    assert hidden <= {
        "over_cap_share",
        "cla_three_or_more_share",
        "stability_index",
    }


def _busiest_service(engine: Engine) -> str:
    figures = gather(
        engine, authority_code=SPEC.code, audience=Audience.INTERNAL, as_at=None, baseline_year=None
    )
    assert figures.practice is not None
    by_service = figures.practice.visits_by_service.filter(pl.col("service").is_not_null())
    return str(by_service.sort("due", descending=True)["service"][0])


def test_drill_down_by_service(built: Engine) -> None:
    leader = _as(built, AccountRole.LEADER)
    service = _busiest_service(built)
    context = scorecard_view(built, leader, service=service.upper())
    drill = context["service"]
    assert drill is not None and drill["service"] == service
    figures = gather(
        built, authority_code=SPEC.code, audience=Audience.INTERNAL, as_at=None, baseline_year=None
    )
    assert figures.practice is not None
    visits = figures.practice.visits_by_service.filter(pl.col("service") == service)
    assert drill["visits_on_time"] == visits["on_time_rate"][0]
    recording = figures.practice.recording_by_service.filter(pl.col("service") == service)
    assert drill["recording_on_time"] == recording["on_time_rate"][0]
    caseloads = caseload_views.caseloads_view(built, leader, service=service)
    summary = caseloads["summary"]
    assert isinstance(summary["cases"], int) and isinstance(summary["fte"], float)
    assert drill["average_caseload"] == round(summary["cases"] / summary["fte"], 1)
    red = sum(int(t["red"]) for t in caseloads["teams"])
    holders = sum(int(t["red"]) + int(t["amber"]) + int(t["green"]) for t in caseloads["teams"])
    assert drill["over_cap_share"] == round(100.0 * red / holders, 1)
    teams = {t["team"] for t in caseloads["teams"]}
    assert {row["team"] for row in drill["supervision_by_team"]} <= teams
    assert drill["supervision_by_team"]
    assert all(
        row["href"] and row["href"].startswith("/teams/") for row in drill["supervision_by_team"]
    )
    assert drill["workers"] and all(
        w["href"] and w["href"].startswith("/workers/") for w in drill["workers"]
    )
    # The list of services links each to its own scorecard.
    assert service in [item["service"] for item in context["services"]]


def test_drill_down_without_named_records(built: Engine) -> None:
    service = _busiest_service(built)
    analyst = scorecard_view(built, _as(built, AccountRole.ANALYST), service=service)["service"]
    assert analyst is not None
    assert analyst["workers"] is None
    assert all(row["href"] is None for row in analyst["supervision_by_team"])
    member = scorecard_view(built, _as(built, AccountRole.MEMBER), service=service)["service"]
    assert member is not None and member["workers"] is None
    leader = scorecard_view(built, _as(built, AccountRole.LEADER), service=service)["service"]
    assert leader is not None
    for key in ("visits_on_time", "recording_on_time", "average_caseload", "over_cap_share"):
        assert member[key] in (SUPPRESSED, leader[key]), key
    assert (
        scorecard_view(built, _as(built, AccountRole.LEADER), service=service, people=False)[
            "service"
        ]["workers"]
        is None
    )  # type: ignore[index]


def test_an_unknown_service_names_the_known_ones(built: Engine) -> None:
    with pytest.raises(NotFoundError, match="no service area called 'Nowhere'; choose one of"):
        scorecard_view(built, _as(built, AccountRole.LEADER), service="Nowhere")


def test_a_social_worker_is_refused(built: Engine) -> None:
    with pytest.raises(CaseloadError):
        scorecard_view(built, _as(built, AccountRole.SOCIAL_WORKER))


def test_a_council_with_no_data_names_what_each_area_needs(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    schema.upgrade(engine)
    with engine.begin() as connection:
        bulk.insert_authority(
            connection, code="804", name="Newtown", region="North West", data_as_at=None
        )
    principal = council_principal(engine, "804")
    context = scorecard_view(engine, principal)
    assert context["as_at"] is None and context["authority"]["name"] == "Newtown"
    assert [(a["area"], a["no_data"]) for a in context["areas"]] == [
        (area, NO_DATA_YET[area]) for area in AREAS
    ]
    engine.dispose()
