"""The board pack's Retention section (internal pack only): how many own social work staff are
still with the council 2 and 3 years after starting, by how they came in; the chance of leaving
within a year by length of service; and leavers by reason. The figures are the Retention page's
(:mod:`caseload.services.retention`), laid out as report tables."""

from __future__ import annotations

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
from caseload.services.report_figures import ReportFigures
from caseload.services.retention import (
    Grouping,
    group_rows,
    hazard_rows,
    retention_day,
    survival_for,
)

PERCENT = ColumnKind.PERCENT
COUNT = ColumnKind.COUNT
NUMBER = ColumnKind.NUMBER
SECTION_YEARS = (2, 3)

DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "Still with us after N years (survival)",
        "The Kaplan-Meier estimate of the share of own social work staff still with the council "
        "N years after starting, with its 95% range; people still in post count for as long as "
        "they have been followed.",
        "Caseload's HR records; docs/metrics/retention_survival.md",
    ),
    Definition(
        "Chance of leaving within a year by length of service (leaving hazard)",
        "Leavers in a period divided by the years own staff worked in each band of continuous "
        "service in it (the annual rate), and 1 - exp(-rate).",
        "Caseload's HR records; docs/metrics/leaving_hazard.md",
    ),
)


def retention(figures: ReportFigures) -> Section | None:
    """The section, for the internal pack of a council with records; None otherwise."""
    council = figures.council
    if council is None or figures.as_at is None or figures.audience is not Audience.INTERNAL:
        return None
    day = retention_day(council, figures.as_at)
    routes = group_rows(survival_for(council, day, Grouping.ROUTE, None), suppressed=False)
    whole = group_rows(survival_for(council, day, Grouping.COUNCIL, None), suppressed=False)
    rows: list[dict[str, Cell]] = []
    for group in [*routes, *whole]:
        row: dict[str, Cell] = {
            "group": group["group"],
            "started": group["episodes"],
            "left": group["leavers"],
        }
        for milestone in group["milestones"]:
            if milestone["years"] in SECTION_YEARS:
                value = None if group["too_small"] else milestone["still_here"]
                row[f"y{milestone['years']}"] = value if isinstance(value, float) else None
        rows.append(row)
    tables = [
        Table(
            "Still with us 2 and 3 years after starting, by how they came in",
            (
                Column("group", "How they came in"),
                Column("started", "Started", COUNT),
                Column("left", "Left", COUNT),
                *(
                    Column(f"y{years}", f"After {years} years (%)", PERCENT, 1)
                    for years in SECTION_YEARS
                ),
            ),
            tuple(rows),
            note=(
                f"Starts in census years {day.cohorts[0]} to {day.cohorts[1]}; a dash where fewer "
                "than 10 people were followed from their first day, or nobody was followed that "
                "long."
            ),
        )
    ]
    charts: list[Chart] = []
    lines: list[str] = []
    for (label, start, end), frame in zip(day.windows, day.hazard, strict=True):
        bands = hazard_rows(frame, suppressed=False)
        tables.append(
            Table(
                f"Leaving by length of service: {label.lower()} ({start:%-d %b %Y} to "
                f"{end:%-d %b %Y})",
                (
                    Column("band", "Continuous service"),
                    Column("exposure", "Years worked in the band", NUMBER, 1),
                    Column("leavers", "Left", COUNT),
                    Column("chance", "Chance of leaving within a year (%)", PERCENT, 1),
                ),
                tuple(
                    {
                        "band": row["band"],
                        "exposure": row["exposure_years"],
                        "leavers": row["leavers"],
                        "chance": row["chance_within_year"],
                    }
                    for row in bands
                ),
            )
        )
        charts.append(
            Chart(
                f"Chance of leaving within a year by length of service: {label.lower()}",
                "bar",
                "Continuous service",
                "Chance of leaving within a year (%)",
                (
                    Series(
                        "Chance of leaving within a year",
                        tuple(
                            (
                                row["band"],
                                row["chance_within_year"]
                                if isinstance(row["chance_within_year"], float)
                                else None,
                            )
                            for row in bands
                        ),
                    ),
                ),
                unit="%",
            )
        )
        rated = [row for row in bands if isinstance(row["chance_within_year"], float)]
        if rated and label == day.windows[-1][0]:
            top = max(rated, key=lambda row: float(row["chance_within_year"] or 0.0))
            lines.append(
                f"{label}: staff with {top['band'].lower()} of service were the most likely "
                f"to leave ({top['chance_within_year']}% within a year)."
            )
    for group in whole:
        for milestone in group["milestones"]:
            if milestone["years"] == 2 and isinstance(milestone["still_here"], float):
                lines.insert(
                    0,
                    f"An estimated {milestone['still_here']}% of own social work staff are still "
                    "with the council two years after starting.",
                )
    reasons = day.reasons
    years = list(day.count_years)
    reason_rows: list[dict[str, Cell]] = []
    for code, name in dict.fromkeys(zip(reasons["reason"], reasons["label"], strict=True)):
        mine = reasons.filter(reasons["reason"] == code)
        counts = dict(zip(mine["census_year"].to_list(), mine["leavers"].to_list(), strict=True))
        reason_rows.append(
            {"name": f"{name} ({code})", **{f"y{y}": int(counts.get(y, 0)) for y in years}}
        )
    tables.append(
        Table(
            "Own-staff leavers by reason (census code), by census year",
            (
                Column("name", "Reason for leaving"),
                *(Column(f"y{y}", str(y), COUNT) for y in years),
            ),
            tuple(reason_rows),
        )
    )
    return Section("retention", "Retention", tuple(lines), tuple(tables), tuple(charts))
