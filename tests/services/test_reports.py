"""The board pack and the scrutiny report, end to end on a small synthetic council with DfE's
release loaded: every figure is the pages' figure for the same date, the public version shows no
name and no more than the elected member's pages, the Excel workbook holds the snapshot's numbers,
the PDF's pages are not blank, sections appear only with their data, stored scorecards carry the
trend, and producing a report is recorded as an export."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from caseload.auth.principal import Principal
from caseload.auth.roles import AccountRole
from caseload.errors import AccessDeniedError, InvalidInputError, NotFoundError
from caseload.reports.model import Audience, FileFormat, Report, ReportKind, Table
from caseload.services import caseload_views, census_view
from caseload.services.audit import cli_actor
from caseload.services.benchmarks import import_published
from caseload.services.generation import build_council
from caseload.services.report_scorecard import take_snapshot
from caseload.services.reports import (
    ReportRequest,
    build_report,
    operator_report_file,
    render,
    report_file_for,
)
from caseload.storage import schema
from caseload.storage.account_models import AuditEvent
from caseload.storage.engine import make_engine
from caseload.storage.models import Child, Worker
from caseload.synthetic import CouncilSpec

# Code 999 borrows Rochdale's place among DfE's statistical neighbours, as the demo does.
SPEC = CouncilSpec(
    code="999",
    name="Smallshire Council (synthetic)",
    region="North West",
    size_fte=60.0,
    preset="typical",
    awaiting_allocation_days=5,
)
MOMENT = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def build(engine: Engine) -> Engine:
    build_council(engine, SPEC, years=3, seed=3)
    import_published(engine)
    return engine


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('reports') / 'small.db'}")
    schema.upgrade(engine)
    yield build(engine)
    engine.dispose()


def authority_id(engine: Engine) -> int:
    return census_view.open_council(engine, principal(engine, AccountRole.ADMIN), "t").id


def principal(engine: Engine, role: AccountRole) -> Principal:
    from caseload.storage.models import Authority

    with Session(engine) as session:
        found = session.scalar(select(Authority.id).where(Authority.code == SPEC.code))
    assert found is not None
    return Principal(1, role.value, role.value, role, int(found), source="test")


def report_of(engine: Engine, kind: ReportKind, audience: Audience) -> Report:
    return build_report(
        engine, ReportRequest(kind, audience), authority_code=SPEC.code, produced_at=MOMENT
    )


def table(report: Report, title_start: str) -> Table:
    return next(
        table
        for section in report.sections
        for table in section.tables
        if table.title.startswith(title_start)
    )


def test_the_board_pack_has_every_section_and_every_area(small: Engine) -> None:
    report = report_of(small, ReportKind.BOARD_PACK, Audience.INTERNAL)
    assert [section.key for section in report.sections] == [
        "headline",
        "indicators",
        "caseloads",
        "practice",
        "agency",
        "establishment",
        "demand",
        "people",
        "first_year",
        "progression",
        "learning",
        "retention",
        "absence",
        "health_check",
        "plan",
        "neighbours",
    ]
    # The synthetic council has visits, supervision and audits: every area has its measures.
    assert [table.title for table in report.sections[0].tables] == [
        "Manageable caseloads",
        "Recording data",
        "Quality and learning",
        "Recruitment and retention",
        "Quality of frontline practice",
    ]
    assert report.no_data == ()
    scrutiny = report_of(small, ReportKind.SCRUTINY, Audience.PUBLIC)
    assert [section.key for section in scrutiny.sections] == [
        "headline",
        "indicators",
        "caseloads",
        "practice",
        "agency",
        "establishment",
        "absence",
        "diversity",  # Reducing inequalities: who works for us (the scrutiny report only)
        "health_check",
        "neighbours",
    ]
    assert not any(t.title == "Caseloads by team" for s in scrutiny.sections for t in s.tables)


def test_the_retention_section_shows_the_retention_page_figures(small: Engine) -> None:
    from caseload.services.retention import Grouping, retention_view

    report = report_of(small, ReportKind.BOARD_PACK, Audience.INTERNAL)
    section = next(s for s in report.sections if s.key == "retention")
    assert report.as_at is not None
    page = retention_view(
        small, principal(small, AccountRole.LEADER), as_at=report.as_at, by=Grouping.ROUTE
    )
    routes = table(report, "Still with us 2 and 3 years after starting")
    expected = []
    for group in [*page["survival"], page["council"]]:
        assert group is not None
        by_years = {m["years"]: m["still_here"] for m in group["milestones"]}
        expected.append(
            (
                group["group"],
                group["episodes"],
                None if group["too_small"] else by_years[2],
                None if group["too_small"] else by_years[3],
            )
        )
    assert [(r["group"], r["started"], r["y2"], r["y3"]) for r in routes.rows] == expected
    assert any(isinstance(row[2], float) for row in expected)  # something was estimated
    hazards = [t for t in section.tables if t.title.startswith("Leaving by length of service")]
    assert [[row["chance"] for row in t.rows] for t in hazards] == [
        [row["chance_within_year"] for row in window["rows"]] for window in page["hazard"]
    ]
    assert len(section.charts) == len(page["hazard"])
    reasons = table(report, "Own-staff leavers by reason (census code)")
    assert reasons.rows[0]["name"] == "Resignation (1)"
    assert [[row[f"y{y}"] for y in page["leavers_by_reason"]["years"]] for row in reasons.rows] == [
        row["counts"] for row in page["leavers_by_reason"]["rows"][:-1]
    ]
    # Not in the public pack.
    public = report_of(small, ReportKind.BOARD_PACK, Audience.PUBLIC)
    assert "retention" not in [s.key for s in public.sections]


def test_every_figure_is_the_one_the_pages_show_for_the_same_date(small: Engine) -> None:
    leader = principal(small, AccountRole.LEADER)
    report = report_of(small, ReportKind.BOARD_PACK, Audience.INTERNAL)
    council = census_view.open_council(small, leader, "t")
    yearly = {int(str(row["year"])): row for row in census_view.yearly_rows(small, council)}
    latest = max(yearly)
    rows = {
        str(row["measure"]).split(",")[0].split(" (")[0]: row
        for t in report.sections[0].tables
        for row in t.rows
    }
    assert rows["Turnover rate"]["value"] == yearly[latest]["turnover_rate_fte"]
    assert rows["Vacancy rate"]["value"] == yearly[latest]["vacancy_rate_fte"]
    assert rows["Average caseload"]["value"] == yearly[latest]["caseload_fte"]
    page = caseload_views.caseloads_view(small, leader)
    assert rows["Children waiting for a social worker"]["value"] == page["summary"]["unallocated"]
    census = table(report, "Census indicators")
    turnover = next(row for row in census.rows if row["indicator"].startswith("Turnover rate"))  # type: ignore[union-attr]
    assert {year: turnover[f"y{year}"] for year in report_years(census)} == {
        year: yearly[year]["turnover_rate_fte"] for year in report_years(census)
    }
    services = table(report, "Caseloads by service")
    assert [row["cases"] for row in services.rows] == [row["cases"] for row in page["services"]]
    overview = {row["figure"]: row["value"] for row in table(report, "Caseloads on").rows}
    assert overview["Cases held"] == page["summary"]["cases"]
    assert overview["Rules broken"] == page["summary"]["rules_broken"]


def report_years(census: Table) -> list[int]:
    return [int(column.key[1:]) for column in census.columns if column.key.startswith("y")]


def test_the_public_report_shows_what_the_member_sees_and_names_no_one(small: Engine) -> None:
    member = principal(small, AccountRole.MEMBER)
    report = report_of(small, ReportKind.BOARD_PACK, Audience.PUBLIC)
    page = caseload_views.caseloads_view(small, member)
    services = table(report, "Caseloads by service")
    keys = [column.key for column in services.columns]
    assert [[row[key] for key in keys] for row in services.rows] == [
        [row[key] for key in keys]  # type: ignore[literal-required]
        for row in page["services"]
    ]
    assert any("c" in row.values() for row in services.rows)  # small numbers are hidden
    html = render(report, FileFormat.HTML).decode()
    with Session(small) as session:
        names = [f"{w.first_name} {w.last_name}" for w in session.scalars(select(Worker))]
        refs = list(session.scalars(select(Child.child_ref)))
    assert names and refs
    assert not [name for name in names if name in html]
    words = set(re.findall(r"[\w-]+", html))
    assert not [ref for ref in refs if ref in words]
    assert "Caseloads by team" not in html  # a board pack for the public has no team table


def test_the_workbook_holds_the_snapshots_numbers(small: Engine) -> None:
    leader = principal(small, AccountRole.LEADER)
    report = report_of(small, ReportKind.BOARD_PACK, Audience.INTERNAL)
    book = load_workbook(io.BytesIO(render(report, FileFormat.XLSX)))
    assert book.sheetnames[0] == "Contents" and book.sheetnames[-1] == "Notes"
    council = census_view.open_council(small, leader, "t")
    yearly = {int(str(row["year"])): row for row in census_view.yearly_rows(small, council)}
    found = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            if row and isinstance(row[0], str) and row[0].startswith("Turnover rate (FTE"):
                found[sheet.title] = row
    assert found, "the census sheet has a turnover row"
    row = next(iter(found.values()))
    years = report_years(table(report, "Census indicators"))
    assert list(row[1 : 1 + len(years)]) == [yearly[year]["turnover_rate_fte"] for year in years]
    assert all(isinstance(value, float) for value in row[1 : 1 + len(years)])
    waiting = caseload_views.caseloads_view(small, leader)["summary"]["unallocated"]
    cells = [
        row
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        if row and row[0] == "Children waiting for a social worker"
    ]
    assert cells and cells[0][1] == waiting


def test_the_pdf_has_a_cover_contents_and_pages_that_are_not_blank(
    small: Engine, tmp_path: Path
) -> None:
    report = report_of(small, ReportKind.SCRUTINY, Audience.PUBLIC)
    pdf = render(report, FileFormat.PDF)
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: the pages are not drawn")
    path = tmp_path / "scrutiny.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-gray", "-r", "20", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.pgm"))
    assert len(pages) >= len(report.sections) + 1  # the cover, then a page or more each
    for number, page in enumerate(pages, start=1):
        data = page.read_bytes()
        pixels = data[data.index(b"255\n") + 4 :]
        if min(pixels) < 128:
            continue  # something dark is drawn on it
        # A page of a few light lines (the end of the sources, say) draws nothing dark at this
        # resolution: it is blank only if it holds no words either.
        words = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(path), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        running = {
            "Children's social work workforce: scrutiny report",
            "Smallshire Council (synthetic)",
        }
        body = [
            line
            for line in words.splitlines()
            if line.strip() and line.strip() not in running and not line.startswith("Page ")
        ]
        assert body, f"{page.name} is blank"


def test_a_council_known_only_from_dfe_gets_the_census_and_its_neighbours(
    small: Engine,
) -> None:
    report = build_report(
        small, ReportRequest(ReportKind.SCRUTINY, Audience.PUBLIC), authority_code="354"
    )
    assert report.council_name == "Rochdale"
    assert [section.key for section in report.sections] == ["indicators", "neighbours"]
    assert report.as_at is None
    assert "published figures only" in report.no_data[0]
    census = table(report, "Census indicators")
    assert report_years(census) == [2021, 2022, 2023, 2024, 2025]
    turnover = next(row for row in census.rows if str(row["indicator"]).startswith("Turnover"))
    assert turnover["y2025"] == 16.6  # DfE's published figure for Rochdale
    for file_format in FileFormat:
        assert render(report, file_format)
    with pytest.raises(NotFoundError, match="council 998 holds no data"):
        build_report(small, ReportRequest(ReportKind.SCRUTINY), authority_code="998")


def test_a_wrong_baseline_year_names_the_years_there_are(small: Engine) -> None:
    with pytest.raises(InvalidInputError, match=r"baseline year 2019: .*earlier years"):
        build_report(
            small,
            ReportRequest(ReportKind.BOARD_PACK, baseline_year=2019),
            authority_code=SPEC.code,
        )


def test_only_the_roles_allowed_produce_reports_and_each_is_recorded(small: Engine) -> None:
    with Session(small) as session:
        before = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    member = principal(small, AccountRole.MEMBER)
    request = ReportRequest(ReportKind.SCRUTINY, Audience.PUBLIC, FileFormat.HTML)
    made = report_file_for(small, member, request)
    assert made.name == f"scrutiny-999-{made.report.as_at}-public.html"
    with pytest.raises(AccessDeniedError):
        report_file_for(small, member, replace(request, audience=Audience.INTERNAL))
    with pytest.raises(AccessDeniedError):
        report_file_for(small, principal(small, AccountRole.ANALYST), request)
    with Session(small) as session:
        recorded = session.scalars(
            select(AuditEvent).where(AuditEvent.id > (before or 0)).order_by(AuditEvent.id)
        ).all()
    assert [(e.action, e.outcome, e.target_type) for e in recorded] == [
        ("export", "allowed", "report"),
        ("internal_reports", "refused", "reports"),
        ("public_reports", "refused", "reports"),
    ]
    assert json.loads(recorded[0].detail) == {
        "kind": "scrutiny",
        "audience": "public",
        "format": "html",
        "as_at": made.report.as_at.isoformat() if made.report.as_at else None,
        "baseline_year": made.report.baseline_year,
        "council": "999",
    }


def test_stored_scorecards_carry_the_trend_as_it_was_reported(engine: Engine) -> None:
    build(engine)
    actor = cli_actor("scheduler")
    first = take_snapshot(
        engine, authority_code=None, as_at=date(2026, 6, 30), actor=actor, taken_at=MOMENT
    )
    assert first.as_at == date(2026, 6, 30) and not first.replaced
    with pytest.raises(InvalidInputError, match="already stored"):
        take_snapshot(
            engine, authority_code="999", as_at=date(2026, 6, 30), actor=actor, taken_at=MOMENT
        )
    again = take_snapshot(
        engine,
        authority_code="999",
        as_at=date(2026, 6, 30),
        actor=actor,
        taken_at=MOMENT,
        replace=True,
    )
    assert again.replaced
    report = report_of(engine, ReportKind.BOARD_PACK, Audience.INTERNAL)
    headline = report.sections[0]
    assert any("scorecards stored since 30 June 2026" in note for note in headline.notes)
    waiting = next(
        row
        for t in headline.tables
        for row in t.rows
        if str(row["measure"]).startswith("Children waiting")
    )
    assert waiting["trend"] == f"{first.measures['children_waiting']} → {waiting['value']}"
    file = operator_report_file(
        engine, actor, ReportRequest(ReportKind.BOARD_PACK), authority_code=None
    )
    assert file.content.startswith(b"%PDF")
