"""The scrutiny report's "Reducing inequalities: who works for us" section: the workforce diversity
page (:mod:`caseload.services.diversity`) laid out as report tables, from the same figures and,
for a public report, through the same disclosure grid as an elected member's page, so the report
and the page can never show different numbers or hide different cells."""

from __future__ import annotations

from caseload.domain.dates import reference_date
from caseload.reports.model import (
    Audience,
    Cell,
    Chart,
    Column,
    ColumnKind,
    Definition,
    Section,
    Series,
    Table,
)
from caseload.services.diversity import (
    DiversityContext,
    council_figures,
    empty_context,
    fill,
    protection,
    rates_year_of,
)
from caseload.services.report_figures import ReportFigures

COUNT = ColumnKind.COUNT
PERCENT = ColumnKind.PERCENT
TITLE = "Reducing inequalities: who works for us"
RATE_KEYS = (
    "in_post",
    "starters",
    "leavers",
    "progressions",
    "starter_rate",
    "leaver_rate",
    "progression_rate",
)

DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "Workforce by ethnic group, sex and age",
        "Own social work staff in post on the day (registered social workers in the census's "
        "roles, agency workers not included), each person once at their highest grade; shares "
        "are per cent of those whose group is known.",
        "Caseload's HR records; docs/metrics/workforce_diversity.md",
    ),
    Definition(
        "Residents by ethnic group",
        "Usual residents of the council's area by ethnic group, ONS Census 2021 (TS021), grouped "
        "as the workforce census groups ethnicity.",
        "ONS Census 2021, Open Government Licence v3.0",
    ),
    Definition(
        "Joining, leaving and promotion rates by group",
        "Starters, leavers and promotions in the census year per 100 own staff of the group in "
        "post on 30 September; the all-staff leaving rate is DfE's turnover rate (headcount).",
        "Caseload's HR records; docs/metrics/diversity_rates.md",
    ),
)


def context_for(figures: ReportFigures) -> DiversityContext | None:
    """The diversity context as the report's audience reads it (None without local data)."""
    council = figures.council
    if council is None or figures.as_at is None:
        return None
    day = figures.as_at
    years = {
        year: str(row.get("source"))
        for year, row in figures.yearly.items()
        if year in figures.years
    }
    found = council_figures(
        council.data.spells,
        council.census.workers,
        figures.code,
        day,
        rates_year_of(years, day) if years else None,
    )
    public = figures.audience is Audience.PUBLIC
    context = empty_context(figures.code, figures.name, suppressed=public)
    context["as_at"] = day.isoformat()
    context["data_date"] = figures.data_date.isoformat() if figures.data_date else None
    fill(context, found, figures.code, day, protection(found, day) if public else None)
    return context


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _number(value: object) -> Cell:
    return value if isinstance(value, int | float | str) or value is None else str(value)


def diversity(figures: ReportFigures) -> Section | None:
    """The section, or None when the council has no day-to-day data in Caseload."""
    context = context_for(figures)
    if context is None or figures.as_at is None:
        return None
    day = figures.as_at.strftime("%-d %B %Y")
    tables: list[Table] = []
    charts: list[Chart] = []
    comparison = context["community"]
    if comparison is not None:
        tables.append(
            Table(
                f"Ethnic group: our staff on {day} and the residents of {comparison['area']}",
                (
                    Column("group", "Ethnic group"),
                    Column("headcount", "Our staff (people)", COUNT),
                    Column("workforce_share", "Our staff (%)", PERCENT, 1),
                    Column("community_share", "Residents (%)", PERCENT, 1),
                    Column("difference", "Difference (points)", ColumnKind.POINTS, 1),
                    Column("england_share", "England's residents (%)", PERCENT, 1),
                ),
                tuple(
                    {
                        "group": row["label"],
                        "headcount": _number(row["headcount"]),
                        "workforce_share": _number(row["workforce_share"]),
                        "community_share": row["community_share"],
                        "difference": _number(row["difference"]),
                        "england_share": row["england_share"],
                    }
                    for row in comparison["rows"]
                ),
                note=(
                    "Our staff: per cent of those whose ethnic group is known. Residents: ONS "
                    "Census 2021."
                    + (
                        f" A synthetic council: the residents are council "
                        f"{comparison['borrowed_from']}'s."
                        if comparison["borrowed_from"]
                        else ""
                    )
                ),
            )
        )
        staff = [row["workforce_share"] for row in comparison["rows"]]
        if any(isinstance(value, int | float) for value in staff):  # not when all are hidden
            charts.append(
                Chart(
                    "Ethnic group: our staff and the residents (%)",
                    "bar",
                    "Ethnic group",
                    "Per cent",
                    (
                        Series(
                            "Our staff",
                            tuple(
                                (row["group"], _float(row["workforce_share"]))
                                for row in comparison["rows"]
                            ),
                        ),
                        Series(
                            "Residents",
                            tuple(
                                (row["group"], row["community_share"]) for row in comparison["rows"]
                            ),
                        ),
                    ),
                    unit="%",
                )
            )
    grades = context["grades"]
    for profile in context["profile"]:
        tables.append(
            Table(
                f"Our staff by {profile['title'].lower()} and grade, {day} (people)",
                (
                    Column("name", profile["title"]),
                    *(Column(f"g{index}", grade, COUNT) for index, grade in enumerate(grades)),
                    Column("share", "Share of known (%)", PERCENT, 1),
                ),
                tuple(
                    {
                        "name": row["label"],
                        **{
                            f"g{index}": _number(row["grades"][grade]["headcount"])
                            for index, grade in enumerate(grades)
                        },
                        "share": _number(row["grades"][grades[-1]]["share"]),
                    }
                    for row in profile["rows"]
                ),
            )
        )
    year = context["rates_year"]
    for rates in context["rates"]:
        tables.append(
            Table(
                f"Joining, leaving and promotion by {rates['title'].lower()}, census year {year}",
                (
                    Column("name", rates["title"]),
                    Column("in_post", "In post on 30 September", COUNT),
                    Column("starters", "Joined", COUNT),
                    Column("leavers", "Left", COUNT),
                    Column("progressions", "Promoted", COUNT),
                    Column("starter_rate", "Joined per 100", ColumnKind.NUMBER, 1),
                    Column("leaver_rate", "Left per 100", ColumnKind.NUMBER, 1),
                    Column("progression_rate", "Promoted per 100", ColumnKind.NUMBER, 1),
                ),
                tuple(
                    {
                        "name": row["label"],
                        **{key: _number(row[key]) for key in RATE_KEYS},  # type: ignore[literal-required]
                    }
                    for row in rates["rows"]
                ),
            )
        )
    lines = list(context["summary"])
    if year is not None:
        lines.append(
            f"Rates are for the census year to {reference_date(year).strftime('%-d %B %Y')}."
        )
    return Section(
        "diversity",
        TITLE,
        tuple(lines),
        tuple(tables),
        tuple(charts),
        notes=tuple(context["notes"]),
    )
