"""The board pack's section "Demand and the posts it needs": in the internal board pack only, with
the demand page's figures for the same date (posts needed, the years ahead, the backtest), and
charts whose numbers are the page's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine

from caseload.reports.model import Audience, ReportKind, Section
from caseload.services.demand import cli_principal, demand_view
from caseload.services.generation import build_council
from caseload.services.reports import ReportRequest, build_report
from caseload.storage import schema
from caseload.storage.engine import make_engine
from caseload.synthetic import CouncilSpec

SPEC = CouncilSpec(
    code="998", name="Demandshire (synthetic)", region="North West", size_fte=40.0, preset="typical"
)
MOMENT = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
DAY = date(2026, 8, 31)


@pytest.fixture(scope="module")
def council(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('demand') / 'council.db'}")
    schema.upgrade(engine)
    build_council(engine, SPEC, years=3, seed=7)
    yield engine
    engine.dispose()


def _section(
    engine: Engine, kind: ReportKind, audience: Audience, day: date | None = DAY
) -> Section | None:
    report = build_report(
        engine,
        ReportRequest(kind, audience, as_at=day),
        authority_code=SPEC.code,
        produced_at=MOMENT,
    )
    return next((s for s in report.sections if s.key == "demand"), None)


def test_the_section_shows_the_pages_figures(council: Engine) -> None:
    section = _section(council, ReportKind.BOARD_PACK, Audience.INTERNAL)
    assert section is not None and section.title == "Demand and the posts it needs"
    page = demand_view(council, cli_principal(council, SPEC.code), as_at=DAY)
    posts = next(t for t in section.tables if t.title.startswith("Case-holding FTE needed"))
    total = posts.rows[-1]
    assert total["label"] == "All case-holding posts"
    assert total["funded"] == page["posts"]["total"]["funded_fte"]
    assert [total[f"needed_{i}"] for i in range(len(page["posts"]["horizons"]))] == page["posts"][
        "total"
    ]["needed"]
    years = next(t for t in section.tables if t.title.startswith("Referrals (12-month totals)"))
    referrals = next(s for s in page["series"] if s["key"] == "referrals")
    assert [r["p50"] for r in years.rows if r["series"] == referrals["label"]] == [
        row["p50"] for row in referrals["summary"]
    ]
    backtest = next(t for t in section.tables if t.title.startswith("How well the forecast did"))
    assert [r["mae"] for r in backtest.rows] == [r["mae"] for r in page["backtest"]["summary"]]
    assert [chart.title for chart in section.charts] == [
        "Referrals in the month",
        "Open cases: all types",
    ]
    actual = dict(section.charts[1].series[0].points)
    open_cases = next(s for s in page["series"] if s["key"] == "open_cases")
    june = next(p for p in open_cases["history"] if p["month"] == "2026-06")
    assert actual["Jun 2026"] == june["actual"]
    assert str(page["posts"]["total"]["needed"][0]) in section.commentary[0]


def test_only_the_internal_board_pack_has_it(council: Engine) -> None:
    # The public pack answers for the data date only.
    assert _section(council, ReportKind.BOARD_PACK, Audience.PUBLIC, None) is None
    assert _section(council, ReportKind.SCRUTINY, Audience.INTERNAL) is None
