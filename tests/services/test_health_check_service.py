"""The staff health check on a synthetic council: the demo's two surveys, the section "What staff
told us" of the board pack for each audience (the member's view in public), and the same figures
as the page's context."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from caseload.reports.model import Audience, ReportKind
from caseload.services.generation import build_council
from caseload.services.health_check import health_check_view
from caseload.services.report_figures import audience_principal, gather
from caseload.services.reports import compose
from caseload.storage import schema
from caseload.storage.engine import make_engine
from caseload.storage.health_check_models import Survey, SurveyQuestion
from caseload.storage.models import Authority
from caseload.synthetic import CouncilSpec

SPEC = CouncilSpec(
    code="803", name="Surveyton (synthetic)", region="North West", size_fte=120.0, preset="typical"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, int]]:
    path: Path = tmp_path_factory.mktemp("health") / "council.db"
    engine = make_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    build_council(engine, SPEC, years=2, seed=5)
    with engine.connect() as connection:
        authority_id = connection.execute(select(Authority.id)).scalar_one()
    yield engine, authority_id
    engine.dispose()


def test_the_council_has_two_surveys_of_sixty_questions(built: tuple[Engine, int]) -> None:
    engine, _ = built
    with engine.connect() as connection:
        years = connection.execute(select(Survey.year).order_by(Survey.year)).scalars().all()
        questions = connection.execute(select(func.count(SurveyQuestion.id))).scalar_one()
    assert years == [2025, 2026]
    assert questions == 120


@pytest.mark.parametrize("audience", [Audience.INTERNAL, Audience.PUBLIC])
def test_the_board_pack_says_what_staff_told_us(
    built: tuple[Engine, int], audience: Audience
) -> None:
    engine, authority_id = built
    figures = gather(
        engine, authority_id=authority_id, audience=audience, as_at=None, baseline_year=None
    )
    report = compose(figures, ReportKind.BOARD_PACK, datetime(2026, 10, 1, tzinfo=UTC))
    section = next(s for s in report.sections if s.key == "health_check")
    assert section.title == "What staff told us"
    view = health_check_view(engine, audience_principal(authority_id, audience))
    assert f"{view['council']['share']:.1f}% of answers were favourable" in section.commentary[0]
    titles = [table.title for table in section.tables]
    expected = ["Favourable answers by theme", "Favourable answers by service area"]
    if audience is Audience.INTERNAL:
        expected.append("Favourable answers by team")
    assert titles == expected
    services = section.tables[1].rows
    shown = {row["group"]: row["share"] for row in view["groups"]["service"]["rows"]}
    assert {row["group"]: row["share"] for row in services} == shown
    assert view["link"] is None or audience is Audience.INTERNAL


def test_surveys_are_written_and_read_on_each_backend(engine: Engine) -> None:
    """The generator's surveys go through the bulk writer and back on SQLite and PostgreSQL."""
    small = CouncilSpec(
        code="804", name="Smallton (synthetic)", region="London", size_fte=40.0, preset="typical"
    )
    build_council(engine, small, years=1, seed=3)
    with engine.connect() as connection:
        authority_id = connection.execute(select(Authority.id)).scalar_one()
    view = health_check_view(engine, audience_principal(authority_id, Audience.INTERNAL))
    assert view["years"] == [2026]
    assert len(view["questions"]) == 60
    assert view["council"]["responses"] >= 10
    assert (
        sum(row["responses"] or 0 for row in view["groups"]["team"]["rows"])
        <= view["council"]["responses"]
    )
