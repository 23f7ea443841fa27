"""A report built by hand for the renderer tests: two sections, a table with every kind of
column (and suppressed and missing cells), a line chart with two series and a gap, a bar chart,
team names that would break HTML, Typst and spreadsheets if they were not escaped, areas with no
data, definitions, sources and notes."""

from __future__ import annotations

from datetime import date, datetime

from caseload.reports.model import (
    Audience,
    Chart,
    Column,
    ColumnKind,
    Definition,
    Report,
    ReportKind,
    Section,
    Series,
    Table,
)

TYPST_TEAM = '#import "x": *'
SCRIPT_TEAM = "<script>alert(1)</script> team"
FORMULA_TEAM = "=1+1"

TEAMS_TABLE = Table(
    title="Caseloads by team",
    columns=(
        Column("team", "Team"),
        Column("workers", "Social workers", ColumnKind.COUNT),
        Column("fte", "FTE", ColumnKind.NUMBER, 1),
        Column("vacancy", "Vacancy rate", ColumnKind.PERCENT, 1),
        Column("change", "Change since last year", ColumnKind.POINTS, 1),
        Column("rag", "Rating", ColumnKind.RAG),
    ),
    rows=(
        {
            "team": TYPST_TEAM,
            "workers": 1234,
            "fte": 17.25,
            "vacancy": 12.5,
            "change": 4.1,
            "rag": "amber",
        },
        {
            "team": SCRIPT_TEAM,
            "workers": "c",
            "fte": None,
            "vacancy": "c",
            "change": -0.34,
            "rag": "red",
        },
        {
            "team": FORMULA_TEAM,
            "workers": 8,
            "fte": 7.0,
            "vacancy": None,
            "change": 0.0,
            "rag": None,
        },
        {
            "team": "*_Looked after_* children",
            "workers": 15,
            "fte": 14.5,
            "vacancy": 0.0,
            "change": -2.0,
            "rag": "green",
        },
    ),
    note="c: fewer than five people, held back to protect them.",
)

VACANCY_CHART = Chart(
    title="Vacancy rate at 30 September",
    kind="line",
    x_label="Year",
    y_label="Vacancy rate",
    unit="%",
    places=1,
    series=(
        Series("Council", (("2021", 10.0), ("2022", None), ("2023", 12.5), ("2024", 14.0))),
        Series("England", (("2021", 16.0), ("2022", 17.1), ("2023", 18.0), ("2024", 17.5))),
    ),
)

LEAVERS_CHART = Chart(
    title="Starters and leavers",
    kind="bar",
    x_label="Year",
    y_label="People",
    places=0,
    series=(
        Series("Starters", (("2023", 21.0), ("2024", 18.0))),
        Series("Leavers", (("2023", 25.0), ("2024", 16.0))),
    ),
)

AGENCY_TABLE = Table(
    title="Agency workers",
    columns=(Column("service", "Service"), Column("agency", "Agency workers", ColumnKind.COUNT)),
    rows=({"service": "Children in need", "agency": 12}, {"service": "Fostering", "agency": 3}),
)


def sample_report(*, sections: int = 2, audience: Audience = Audience.INTERNAL) -> Report:
    """The hand-built report; ``sections`` above 2 repeats the second section (for timing)."""
    first = Section(
        key="caseloads",
        title="Caseloads and vacancies",
        commentary=(
            "Caseloads rose in two teams this quarter.",
            "The vacancy rate is below England's & the region's.",
        ),
        tables=(TEAMS_TABLE,),
        charts=(VACANCY_CHART,),
        notes=("Figures at 31 March 2025.",),
    )
    others = tuple(
        Section(
            key=f"stability-{number}",
            title="Stability of the workforce" if number == 1 else f"Stability, part {number}",
            commentary=("More people joined than left in 2024.",),
            tables=(AGENCY_TABLE,),
            charts=(LEAVERS_CHART,),
        )
        for number in range(1, sections)
    )
    return Report(
        kind=ReportKind.BOARD_PACK,
        audience=audience,
        council_code="E09000099",
        council_name="Northbridge Council",
        as_at=date(2025, 3, 31),
        baseline_year=2024,
        produced_at=datetime(2025, 4, 2, 9, 15),
        sections=(first, *others),
        no_data=("Supervision: no records loaded yet", "Agency spend"),
        definitions=(
            Definition(
                "Vacancy rate",
                "Vacant FTE posts as a share of all FTE posts.",
                "DfE children's social work workforce census",
            ),
            Definition("Caseload", "Open cases held by a worker.", "Case management system"),
        ),
        sources=("DfE children's social work workforce statistics, 2024",),
        notes=("Small numbers are suppressed for the public report.",),
    )
