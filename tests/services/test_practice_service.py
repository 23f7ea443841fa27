"""The practice service on a small synthetic council whose generated practice records are
replaced by hand-written ones: the
figures reach the scorecard's three practice areas and the reports' practice section, and a
council without records has neither (and is told what to load)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from caseload.domain.dates import reference_date
from caseload.errors import NotFoundError
from caseload.reports.model import Audience, ReportKind
from caseload.services.caseloads import council_data
from caseload.services.generation import build_council
from caseload.services.practice import council_practice, practice_day, practice_trend
from caseload.services.report_figures import gather
from caseload.services.report_scorecard import scorecard
from caseload.services.reports import ReportRequest, build_report
from caseload.storage.models import Allocation, Base
from caseload.storage.practice_models import CaseAudit, Supervision, Visit
from caseload.synthetic import CouncilSpec

SPEC = CouncilSpec(
    code="999",
    name="Smallshire Council (synthetic)",
    region="North West",
    size_fte=40.0,
    preset="typical",
)


def test_practice_records_fill_the_three_areas_and_the_section(engine: Engine) -> None:
    build_council(engine, SPEC, years=1, seed=6)
    with engine.begin() as connection:  # start from a council with no practice records
        for table in ("case_audit_grade", "case_audit", "supervision", "visit", "review"):
            connection.execute(Base.metadata.tables[table].delete())
    with pytest.raises(NotFoundError, match="no practice records yet"):
        council_practice(engine, authority_code="999", as_at=None)
    report = build_report(engine, ReportRequest(ReportKind.BOARD_PACK), authority_code="999")
    assert "practice" not in [section.key for section in report.sections]
    assert [line.split(":")[0] for line in report.no_data] == [
        "Recording data",
        "Quality and learning",
        "Quality of frontline practice",
    ]

    council = council_data(engine, authority_code="999")
    day = council.latest
    assert day is not None
    with Session(engine) as session:
        held = session.execute(
            select(Allocation.child_id, Allocation.worker_id)
            .where(Allocation.role == "allocated", Allocation.end_date.is_(None))
            .order_by(Allocation.id)
            .limit(3)
        ).all()
        authority_id = council.authority.id
        grades = ["good", "outstanding", "inadequate"]
        for (child_id, worker_id), grade in zip(held, grades, strict=True):
            session.add(
                CaseAudit(
                    authority_id=authority_id,
                    child_id=child_id,
                    worker_id=worker_id,
                    auditor="A Auditor",
                    audit_date=day - timedelta(days=30),
                    instrument="Case file audit",
                    overall_grade=grade,
                )
            )
            session.add(
                Supervision(
                    authority_id=authority_id,
                    worker_id=worker_id,
                    supervision_date=day - timedelta(days=10),
                    kind="formal",
                )
            )
            session.add(
                Visit(
                    authority_id=authority_id,
                    child_id=child_id,
                    worker_id=worker_id,
                    case_type="cp",
                    visit_date=day - timedelta(days=5),
                    seen=True,
                    seen_alone=True,
                    recorded_date=day - timedelta(days=4),
                )
            )
        session.commit()
    practice = council_practice(engine, authority_code="999", as_at=None)
    assert practice.as_at == day
    assert practice.measure("audits_good_or_better") == 66.7  # good and outstanding of three
    assert practice.has_visits and practice.has_supervision and practice.has_audits
    report = build_report(engine, ReportRequest(ReportKind.BOARD_PACK), authority_code="999")
    keys = [section.key for section in report.sections]
    assert "practice" in keys
    areas = [table.title for table in report.sections[0].tables]
    assert "Quality of frontline practice" in areas and "Quality and learning" in areas
    assert report.no_data == ()
    audits = next(
        row
        for table in report.sections[0].tables
        for row in table.rows
        if str(row["measure"]).startswith("Case file audits graded good or better")
    )
    assert audits["value"] == 66.7
    public = build_report(
        engine, ReportRequest(ReportKind.SCRUTINY, Audience.PUBLIC), authority_code="999"
    )
    section = next(s for s in public.sections if s.key == "practice")
    grades_table = next(t for t in section.tables if "final grades" in t.title)
    assert [row["y"] for row in grades_table.rows] == ["c", "c", 0, "c", 3]
    assert date(2000, 1, 1) < day


def test_the_trend_is_the_days_own_measure_and_skips_days_before_the_records(
    engine: Engine,
) -> None:
    build_council(engine, SPEC, years=2, seed=6)
    council = council_data(engine, authority_code="999")
    assert council.latest is not None
    first_visit = council.latest - timedelta(days=2 * 365)
    with Session(engine) as session:
        earliest = session.scalar(select(func.min(Visit.visit_date)))
    assert earliest is not None and earliest >= first_visit - timedelta(days=31)
    too_early = earliest + timedelta(days=30)  # its three months start before the first visit
    middle = council.latest - timedelta(days=200)
    days = [too_early, middle, council.latest]
    trend = practice_trend(engine, authority_id=council.authority.id, days=days)
    assert list(trend) == sorted(days)
    assert trend[too_early]["visits_on_time"] is None
    assert trend[too_early]["recording_on_time"] is None
    for day in (middle, council.latest):
        figures = practice_day(engine, authority_id=council.authority.id, as_at=day)
        assert trend[day] == {
            name: figures.measure(name)
            for name in (
                "recording_on_time",
                "supervision_compliance",
                "visits_on_time",
                "audits_good_or_better",
            )
        }
        assert trend[day]["visits_on_time"] is not None
    figures = gather(
        engine, authority_code="999", audience=Audience.INTERNAL, as_at=None, baseline_year=None
    )
    visits_measure = next(m for m in scorecard(figures) if m.spec.key == "visits_on_time")
    census_days = [reference_date(year) for year in figures.years]
    shown = [day for day in census_days if day < council.latest] + [council.latest]
    assert len(shown) >= 2
    assert visits_measure.trend_source == "practice records"
    expected = practice_trend(engine, authority_id=council.authority.id, days=shown)
    assert visits_measure.trend == tuple(
        (day.strftime("%b %Y"), expected[day]["visits_on_time"]) for day in shown
    )
