"""The Workforce Steering Group pack and the scrutiny report: put together from the council
snapshot, rendered as PDF, Excel or HTML, and recorded in the audit trail as an export.

- **Board pack** (internal or public): the five areas, the census since the baseline, caseloads
  by service and team, the establishment, recruitment, progression and leavers, absence and the
  statistical neighbours.
- **Scrutiny report** (usually public, for elected members): the five areas, the census since the
  baseline against England, the region and the neighbours, the establishment, caseloads by
  service and absence.

A section appears only when its data exists; the report lists the areas with no data yet. A
council Caseload holds no day-to-day data for (a neighbour, say) still gets a scrutiny report
from DfE's published figures alone: the census, the neighbours and the trends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlalchemy import Engine

from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.census.definitions import RATE_BY_NAME, STOCK_BY_NAME
from caseload.domain.dates import reference_date
from caseload.reports.model import Audience as Audience
from caseload.reports.model import Definition, Report, Section
from caseload.reports.model import FileFormat as FileFormat
from caseload.reports.model import ReportKind as ReportKind
from caseload.services import (
    audit,
    census_view,
    report_demand,
    report_diversity,
    report_people,
    report_retention,
    report_sections,
)
from caseload.services.audit import Actor
from caseload.services.benchmarks import NEIGHBOURS_SOURCE
from caseload.services.caseloads import only_council
from caseload.services.census_view import indicator_info
from caseload.services.demand import demand_view
from caseload.services.report_agency import agency_section
from caseload.services.report_figures import (
    DEFAULT_YEARS,
    ReportFigures,
    audience_principal,
    gather,
)
from caseload.services.report_health_check import health_check_section
from caseload.services.report_learning import first_year_section, progression_section
from caseload.services.report_plan import plan_section
from caseload.services.report_practice import practice_section
from caseload.services.report_scorecard import (
    AREAS,
    NO_DATA_YET,
    StoredSnapshot,
    scorecard,
    take_snapshot,
)
from caseload.services.report_training import training_section
from caseload.services.targets import TARGETS_SETTING
from caseload.storage import scorecard_store
from caseload.storage.engine import session_scope

SOURCES = (
    "Caseload: the council's HR, absence and case records as loaded, on the reporting date.",
    "Department for Education, Children's social work workforce (indicators for England, the "
    "regions and every council), as imported into Caseload. Open Government Licence v3.0.",
    f"{NEIGHBOURS_SOURCE}. Open Government Licence v3.0.",
    "Department for Education, Children looked after in England including adoptions, 2024: "
    "looked-after children by number of social workers in the year. Open Government Licence v3.0.",
)


@dataclass(frozen=True)
class ReportRequest:
    kind: ReportKind
    audience: Audience = Audience.INTERNAL
    file_format: FileFormat = FileFormat.PDF
    as_at: date | None = None
    baseline_year: int | None = None


@dataclass(frozen=True)
class ReportFile:
    name: str
    media_type: str
    content: bytes
    report: Report


def audiences_for(principal: Principal) -> list[Audience]:
    """The audiences the principal may produce reports for (none: no Reports page)."""
    allowed = []
    if principal.can(Permission.INTERNAL_REPORTS):
        allowed.append(Audience.INTERNAL)
    if principal.can(Permission.PUBLIC_REPORTS):
        allowed.append(Audience.PUBLIC)
    return allowed


def check_audience(engine: Engine, principal: Principal, audience: Audience) -> None:
    needed = (
        Permission.INTERNAL_REPORTS if audience is Audience.INTERNAL else Permission.PUBLIC_REPORTS
    )
    audit.require(engine, principal, needed, "reports")


# --- putting a report together ----------------------------------------------------------------


def compose(figures: ReportFigures, kind: ReportKind, produced_at: datetime) -> Report:
    """The report's sections from the gathered figures, in reading order."""
    sections: list[Section] = []
    no_data: list[str] = []
    board = kind is ReportKind.BOARD_PACK
    internal = figures.audience is Audience.INTERNAL
    if figures.local:
        measures = scorecard(figures)
        sections.append(report_sections.headline(figures, measures))
        no_data.extend(
            f"{area}: {NO_DATA_YET[area]}."
            for area in AREAS
            if not any(measure.spec.area == area for measure in measures)
        )
    else:
        no_data.append(
            f"{figures.name} holds no day-to-day data in Caseload, so this report has DfE's "
            "published figures only: no scorecard, caseloads, establishment or people movement."
        )
    if figures.years:
        sections.append(report_sections.indicators(figures))
    else:
        no_data.append("Census indicators: no census year has figures yet.")
    optional: list[Callable[[], Section | None]] = []
    if figures.local:
        optional.append(lambda: report_sections.caseloads(figures, with_teams=board and internal))
        optional.append(lambda: practice_section(figures.practice, figures.audience))
        optional.append(lambda: agency_section(figures.agency, figures.audience))
        optional.append(lambda: report_people.establishment(figures, detailed=board))
        if board and internal and figures.demand is not None:
            demand = figures.demand
            optional.append(lambda: report_demand.section(demand))
        if board:
            optional.append(lambda: report_people.people(figures))
            optional.append(lambda: first_year_section(figures, figures.learning))
            optional.append(lambda: progression_section(figures, figures.learning))
            if internal:
                optional.append(lambda: training_section(figures.training))
            optional.append(lambda: report_retention.retention(figures))
        optional.append(lambda: report_sections.absence(figures))
        if not board:
            optional.append(lambda: report_diversity.diversity(figures))
        optional.append(lambda: health_check_section(figures.health_check, figures.audience))
        if board and internal:
            optional.append(
                lambda: plan_section(figures.council, figures.as_at, figures.placements)
            )
    optional.append(lambda: report_sections.neighbours(figures))
    for build in optional:
        section = build()
        if section is not None:
            sections.append(section)
    return Report(
        kind=kind,
        audience=figures.audience,
        council_code=figures.code,
        council_name=figures.name,
        as_at=figures.as_at,
        baseline_year=figures.baseline_year,
        produced_at=produced_at,
        sections=tuple(sections),
        no_data=tuple(no_data),
        definitions=_definitions(),
        sources=SOURCES,
        notes=(
            report_sections.audience_note(figures.audience),
            f"The council's targets come from its targets file ({TARGETS_SETTING}) or, where it "
            "has none, Caseload's defaults.",
        ),
    )


def _definitions() -> tuple[Definition, ...]:
    census = tuple(
        Definition(
            indicator_info(name)["label"],
            _census_definition(name),
            "DfE children's social work workforce census (docs/metrics/" + name + ".md)",
        )
        for name in report_sections.INDICATORS
    )
    return (
        *census,
        *report_people.DEFINITIONS,
        *report_diversity.DEFINITIONS,
        *report_retention.DEFINITIONS,
        Definition(
            "Looked-after children with 3 or more social workers",
            "Children looked after on the reporting date who had three or more different "
            "allocated social workers in the 12 months to it, as a share of all looked-after "
            "children open that day.",
            "Caseload's case records; DfE's 2024 figures for comparison",
        ),
        Definition(
            "Case holders over their caseload cap",
            "Workers in post in case-holding roles whose cases or points are above their role's "
            "cap in the council's caseload policy, as a share of all such workers.",
            "Caseload's caseload policy (docs/caseloads.md)",
        ),
        Definition(
            "Children waiting for a social worker",
            "Open children with no allocated social worker on the reporting date.",
            "Caseload's case records",
        ),
    )


def _census_definition(name: str) -> str:
    found = STOCK_BY_NAME.get(name) or RATE_BY_NAME.get(name)
    formula = found.formula if found is not None else ""
    return f"{name} = {formula}" if formula else name


def build_report(
    engine: Engine,
    request: ReportRequest,
    *,
    authority_id: int | None = None,
    authority_code: str | None = None,
    produced_at: datetime | None = None,
) -> Report:
    figures = gather(
        engine,
        authority_id=authority_id,
        authority_code=authority_code,
        audience=request.audience,
        as_at=request.as_at,
        baseline_year=request.baseline_year,
    )
    if (
        request.kind is ReportKind.BOARD_PACK
        and request.audience is Audience.INTERNAL
        and figures.council is not None
        and figures.as_at is not None
    ):
        reader = audience_principal(figures.council.authority.id, Audience.INTERNAL)
        figures = replace(figures, demand=demand_view(engine, reader, as_at=figures.as_at))
    return compose(figures, request.kind, produced_at or datetime.now(UTC))


def render(report: Report, file_format: FileFormat) -> bytes:
    if file_format is FileFormat.PDF:
        from caseload.reports.pdf import render_pdf

        return render_pdf(report)
    if file_format is FileFormat.XLSX:
        from caseload.reports.workbook import render_xlsx

        return render_xlsx(report)
    from caseload.reports.html import render_html

    return render_html(report).encode("utf-8")


def _file(report: Report, file_format: FileFormat) -> ReportFile:
    return ReportFile(
        report.file_name(file_format), file_format.media_type, render(report, file_format), report
    )


def _detail(report: Report, request: ReportRequest) -> dict[str, object]:
    return {
        "kind": request.kind.value,
        "audience": request.audience.value,
        "format": request.file_format.value,
        "as_at": report.as_at.isoformat() if report.as_at else None,
        "baseline_year": report.baseline_year,
        "council": report.council_code,
    }


def report_file_for(engine: Engine, principal: Principal, request: ReportRequest) -> ReportFile:
    """The report for the principal's council, as a file, recorded as an export."""
    check_audience(engine, principal, request.audience)
    report = build_report(engine, request, authority_id=principal.authority_id)
    made = _file(report, request.file_format)
    audit.record(engine, principal, "export", "report", None, _detail(report, request))
    return made


def operator_report_file(
    engine: Engine, actor: Actor, request: ReportRequest, *, authority_code: str | None
) -> ReportFile:
    """The report for a command: any council in the database (the only one when no code is
    given) or, by its code, any council in the imported DfE release."""
    code = authority_code or only_council(engine)
    report = build_report(engine, request, authority_code=code)
    made = _file(report, request.file_format)
    who = audit.council_actor(engine, actor, code) if report.as_at is not None else actor
    audit.record(engine, who, "export", "report", None, _detail(report, request))
    return made


# --- the Reports page -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportsPage:
    """What the Reports page offers the principal: the audiences they may choose, the census
    years a baseline can be (every year but the latest), the data date and the stored
    scorecards."""

    audiences: list[Audience]
    kinds: list[ReportKind]
    formats: list[FileFormat]
    data_date: date | None
    choose_date: bool  # a public-only reader has the data date only
    baseline_years: list[int]
    default_baseline: int | None
    stored: list[date]


def reports_page(engine: Engine, principal: Principal) -> ReportsPage:
    allowed = audiences_for(principal)
    if not allowed:
        audit.require(engine, principal, Permission.PUBLIC_REPORTS, "reports")
    council = census_view.open_council(engine, principal, "reports")
    years = sorted(census_view.census_years(engine, council))
    data_date = council.data_date
    if data_date is not None:
        years = [year for year in years if reference_date(year) <= data_date]
    with session_scope(engine) as session:
        stored = scorecard_store.stored_days(session, principal.authority_id)
    shown = years[-DEFAULT_YEARS:]
    return ReportsPage(
        audiences=allowed,
        kinds=list(ReportKind),
        formats=list(FileFormat),
        data_date=data_date,
        choose_date=Audience.INTERNAL in allowed,
        baseline_years=years[:-1],
        default_baseline=shown[0] if len(shown) > 1 else None,
        stored=stored,
    )


def store_scorecard_for(engine: Engine, principal: Principal) -> StoredSnapshot:
    """Store the scorecard of the council's data date from the Reports page (the leader or the
    administrator, after a Steering Group meeting): what ``caseload report snapshot`` does."""
    audit.require(engine, principal, Permission.INTERNAL_REPORTS, "scorecards")
    code = census_view.open_council(engine, principal, "scorecards").code
    return take_snapshot(
        engine,
        authority_code=code,
        as_at=None,
        actor=audit.actor_of(principal),
        taken_at=datetime.now(UTC),
    )
