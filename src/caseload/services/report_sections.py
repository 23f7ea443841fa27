"""The sections of the board pack and the scrutiny report, put together from the gathered figures
(:mod:`caseload.services.report_figures`) as tables, charts and commentary
(:mod:`caseload.reports.model`). Nothing here computes a figure the pages compute: it arranges
the same values, and writes the sentences about them (:mod:`caseload.reports.commentary`)."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from typing import cast

from caseload.census.definitions import Kind, kind_of
from caseload.reports import commentary
from caseload.reports.model import (
    Audience,
    Cell,
    Chart,
    Column,
    ColumnKind,
    Section,
    Series,
    Table,
)
from caseload.services.census_view import indicator_info
from caseload.services.report_figures import ReportFigures
from caseload.services.report_scorecard import (
    AREAS,
    NO_DATA_YET,
    Measure,
    better_than,
    continuity_benchmarks,
    current_values,
)

TEXT = ColumnKind.TEXT
COUNT = ColumnKind.COUNT
NUMBER = ColumnKind.NUMBER
PERCENT = ColumnKind.PERCENT
POINTS = ColumnKind.POINTS
RAG = ColumnKind.RAG

INDICATORS: tuple[str, ...] = (
    "inpost_fte",
    "inpost_headcount",
    "starters_headcount",
    "leavers_headcount",
    "turnover_rate_fte",
    "agency_fte",
    "agency_rate_fte",
    "vacancy_fte",
    "vacancy_rate_fte",
    "caseload_fte",
    "absence_rate_fte",
    "days_lost_per_fte",
)
KEY_INDICATORS: tuple[str, ...] = (
    "turnover_rate_fte",
    "agency_rate_fte",
    "vacancy_rate_fte",
    "caseload_fte",
)
NEIGHBOUR_INDICATORS: tuple[str, ...] = (
    "turnover_rate_fte",
    "agency_rate_fte",
    "vacancy_rate_fte",
    "caseload_fte",
    "absence_rate_fte",
)
ABSENCE: tuple[str, ...] = ("absence_rate_fte", "days_lost_per_fte", "working_days_lost_fte")


def _label(name: str) -> str:
    return indicator_info(name)["label"]


def short_label(name: str) -> str:
    """The indicator's label without its bracketed detail, for sentences."""
    return indicator_info(name)["label"].split(" (")[0]


def _places(name: str) -> int:
    return 0 if kind_of(name) is Kind.COUNT else 1


def _trend_text(points: Sequence[tuple[str, Cell]], places: int) -> str | None:
    shown = [value for _, value in points if value is not None]
    if len(shown) < 2:
        return None
    return " → ".join(
        value if isinstance(value, str) else f"{value:,.{places}f}" for value in shown[-5:]
    )


# --- the five areas -------------------------------------------------------------------------


HEADLINE_COLUMNS = (
    Column("measure", "Measure"),
    Column("value", "Figure", NUMBER, 1),
    Column("target", "Target", NUMBER, 1),
    Column("rag_target", "Against target", RAG),
    Column("england", "England", NUMBER, 1),
    Column("rag_england", "Against England", RAG),
    Column("rag_region", "Against region", RAG),
    Column("rag_neighbours", "Against neighbours", RAG),
    Column("trend", "Trend"),
)


def _whole(value: float | None, places: int) -> Cell:
    """A target or benchmark as the measure's figures read: whole for a count."""
    if value is None:
        return None
    return round(value) if places == 0 else value


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def headline(figures: ReportFigures, measures: Sequence[Measure]) -> Section:
    tables: list[Table] = []
    for area in AREAS:
        mine = [measure for measure in measures if measure.spec.area == area]
        if not mine:
            continue
        rows: list[dict[str, Cell]] = []
        for measure in mine:
            spec = measure.spec
            unit = f", {spec.unit}" if spec.unit else ""
            rows.append(
                {
                    "measure": f"{spec.label}{unit} ({measure.as_of})",
                    "value": measure.value,
                    "target": _whole(measure.target, spec.places),
                    "rag_target": measure.rag_target,
                    "england": measure.england,
                    "rag_england": measure.rag_england,
                    "rag_region": measure.rag_region,
                    "rag_neighbours": measure.rag_neighbours,
                    "trend": _trend_text(measure.trend, spec.places),
                }
            )
        tables.append(Table(area, HEADLINE_COLUMNS, tuple(rows)))
    lines = [
        commentary.rag_summary([m.rag_target for m in measures], "the council's own target"),
        commentary.rag_summary([m.rag_england for m in measures], "England's figure or better"),
    ]
    ranked = [
        f"{_lower_first(m.spec.label)} {m.better_than} of {m.neighbours_ranked}"
        for m in measures
        if m.better_than is not None and m.neighbours_ranked
    ]
    if ranked:
        lines.append(
            "Against the statistical neighbours, the council does better than: "
            + commentary.listed(ranked)
            + "."
        )
    reds = [_lower_first(m.spec.label) for m in measures if m.rag_target == "red"]
    if reds:
        lines.append(f"Furthest from target: {commentary.listed(reds)}.")
    missing = [area for area in AREAS if not any(m.spec.area == area for m in measures)]
    if missing:
        lines.append(
            f"No data yet for {commentary.listed([area.lower() for area in missing])}: "
            + "; ".join(
                f"{area.lower()} {NO_DATA_YET.get(area, 'needs records')}" for area in missing
            )
            + "."
        )
    notes = [
        "Green: at or better than the target (or England, the region, the statistical "
        "neighbours' median); amber: a little worse; red: clearly worse. The margins are in the "
        "council's targets and in Caseload's benchmark thresholds. 'Against neighbours' "
        "is rated against the median of the statistical neighbours' figures."
    ]
    if figures.stored:
        first = figures.stored[0].as_at.strftime("%-d %B %Y")
        notes.append(
            f"Trends use the {len(figures.stored)} scorecards stored since {first}, as they were "
            "reported at the time; later corrections to the data do not change them."
        )
    elif figures.local:
        notes.append(
            "No scorecards have been stored yet, so census measures are traced over the census "
            "years from today's data"
            + (
                ", the practice measures over each 30 September since the baseline and the "
                "reporting date from today's records,"
                if any(measure.trend_source == "practice records" for measure in measures)
                else ""
            )
            + " and the other measures show today's figure only."
        )
    return Section(
        "headline",
        "The five areas at a glance",
        tuple(line for line in lines if line),
        tuple(tables),
        notes=tuple(notes),
    )


# --- census indicators over the years ---------------------------------------------------------


def indicators(figures: ReportFigures) -> Section:
    years = figures.years
    first, latest = years[0], years[-1]
    published = _latest_published(figures)
    rows: list[dict[str, Cell]] = []
    for name in INDICATORS:
        info = indicator_info(name)
        values = {year: figures.value(name, year) for year in years}
        row: dict[str, Cell] = {"indicator": _label(name)}
        count = kind_of(name) is Kind.COUNT
        for year in years:
            value = values[year]
            row[f"y{year}"] = int(value) if count and value is not None else value
        start, end = values[first], values[latest]
        if start is not None and end is not None and len(years) > 1:
            row["change"] = int(end - start) if count else round(end - start, info["places"])
            row["change_pct"] = round(100.0 * (end - start) / start, 1) if start else None
        if published is not None and info["kind"] in ("rate", "ratio", "days"):
            own = figures.value(name, published.year)
            others = [v for v in published.neighbours.get(name, {}).values() if v is not None]
            row["england"] = published.england.get(name)
            row["region"] = published.region.get(name)
            row["neighbours"] = round(statistics.median(others), 1) if others else None
            if info["better"] is not None:
                ahead = better_than(info["better"], own, others)
                row["better_than"] = f"{ahead} of {len(others)}" if ahead is not None else None
                row["quartile"] = _quartile(ahead, len(others))
        rows.append(row)
    year_columns = tuple(Column(f"y{year}", str(year), NUMBER, 1) for year in years)
    bench = f" {published.year}" if published is not None else ""
    table = Table(
        f"Census indicators, {first} to {latest}",
        (
            Column("indicator", "Indicator"),
            *year_columns,
            Column("change", f"Change since {first}", POINTS, 1),
            Column("change_pct", "Change (%)", POINTS, 1),
            Column("england", f"England{bench}", NUMBER, 1),
            Column("region", f"Region{bench}", NUMBER, 1),
            Column("neighbours", f"Neighbours' median{bench}", NUMBER, 1),
            Column("better_than", "Better than neighbours"),
            Column("quartile", "Quartile among neighbours", COUNT),
        ),
        tuple(rows),
        note=(
            "Rates change in percentage points; 'Change (%)' is the change as a share of the "
            f"{first} figure. Quartile 1 is the best quarter of the council and its neighbours. "
            "England, the region and the neighbours are DfE's published figures for the latest "
            "year DfE has published, shown for rates and averages (counts depend on a council's "
            "size)."
        ),
    )
    lines: list[str] = []
    for name in KEY_INDICATORS:
        info = indicator_info(name)
        moved = commentary.change_sentence(
            short_label(name),
            first=figures.value(name, first),
            latest=figures.value(name, latest),
            first_year=first,
            latest_year=latest,
            unit=info["unit"],
            places=info["places"],
            better=info["better"],
        )
        if moved:
            lines.append(moved)
        if published is not None:
            others = [v for v in published.neighbours.get(name, {}).values() if v is not None]
            own = figures.value(name, published.year)
            standing = commentary.standing_sentence(
                short_label(name),
                value=own,
                year=published.year,
                better_than=better_than(info["better"] or "lower", own, others),
                neighbours=len(others),
                england=published.england.get(name),
                better=info["better"],
                unit=info["unit"],
                places=info["places"],
            )
            if standing:
                lines.append(standing)
    charts = tuple(_trend_chart(figures, name) for name in KEY_INDICATORS)
    return Section(
        "indicators",
        f"The workforce census since {first}",
        tuple(lines),
        (table,),
        charts,
    )


def _latest_published(figures: ReportFigures):  # type: ignore[no-untyped-def]
    for year in reversed(figures.years):
        found = figures.comparisons.get(year)
        if found is not None and found.release is not None and found.england:
            return found
    return None


def _quartile(better: int | None, others: int) -> int | None:
    """The quarter the council falls in among itself and its neighbours (1 = the best)."""
    if better is None or not others:
        return None
    rank = others - better + 1  # 1 when better than every neighbour
    return min(4, 1 + (4 * (rank - 1)) // (others + 1))


def _trend_chart(figures: ReportFigures, name: str) -> Chart:
    info = indicator_info(name)
    years = figures.years
    england = tuple(
        (str(year), comparison.england.get(name) if comparison else None)
        for year in years
        for comparison in [figures.comparisons.get(year)]
    )
    region = tuple(
        (str(year), comparison.region.get(name) if comparison else None)
        for year in years
        for comparison in [figures.comparisons.get(year)]
    )
    series = [Series(figures.short_name, tuple((str(y), figures.value(name, y)) for y in years))]
    if any(value is not None for _, value in england):
        series.append(Series("England", england))
    if any(value is not None for _, value in region):
        series.append(Series(figures.region or "Region", region))
    return Chart(
        info["label"],
        "line",
        "Census year",
        info["label"],
        tuple(series),
        unit=info["unit"],
        places=info["places"],
    )


# --- statistical neighbours ------------------------------------------------------------------


def neighbours(figures: ReportFigures) -> Section | None:
    published = _latest_published(figures)
    if published is None or not published.neighbour_names:
        return None
    year = published.year

    def row(name: str, values: dict[str, float | None]) -> dict[str, Cell]:
        return {"council": name, **{key: values.get(key) for key in NEIGHBOUR_INDICATORS}}

    own = {key: figures.value(key, year) for key in NEIGHBOUR_INDICATORS}
    rows = [row(f"{figures.name} (this council)", own)]
    for code, label in published.neighbour_names.items():
        rows.append(
            row(
                label or code,
                {key: published.neighbours.get(key, {}).get(code) for key in NEIGHBOUR_INDICATORS},
            )
        )
    rows.append(row("England", dict(published.england)))
    if published.region_name:
        rows.append(row(published.region_name, dict(published.region)))
    table = Table(
        f"The council and its statistical neighbours, {year}",
        (
            Column("council", "Council"),
            *(Column(key, _label(key), NUMBER, 1) for key in NEIGHBOUR_INDICATORS),
        ),
        tuple(rows),
        note=(
            "Statistical neighbours are the councils most like this one in DfE's model; the "
            "figures are DfE's published ones (a dash where DfE published none)."
        ),
    )
    chart = Chart(
        f"Turnover rate, {year}",
        "bar",
        "Council",
        "Turnover rate",
        (
            Series(
                "Turnover rate",
                tuple(
                    (
                        str(item["council"]).replace(" (this council)", ""),
                        _float(item.get("turnover_rate_fte")),
                    )
                    for item in rows
                ),
            ),
        ),
        unit="%",
    )
    return Section(
        "neighbours",
        "Compared with statistical neighbours",
        (
            f"{len(published.neighbour_names)} statistical neighbours in DfE's model, "
            f"compared on DfE's {year} figures.",
        ),
        (table,),
        (chart,),
    )


def _float(value: Cell) -> float | None:
    return float(value) if isinstance(value, int | float) else None


# --- absence -----------------------------------------------------------------------------------


def absence(figures: ReportFigures) -> Section | None:
    years = figures.years
    if not any(figures.value("absence_rate_fte", year) is not None for year in years):
        return None
    rows: list[dict[str, Cell]] = []
    for year in years:
        compared = figures.comparisons.get(year)
        rows.append(
            {
                "year": str(year),
                "rate": figures.value("absence_rate_fte", year),
                "days_per_fte": figures.value("days_lost_per_fte", year),
                "days": figures.value("working_days_lost_fte", year),
                "england": compared.england.get("absence_rate_fte") if compared else None,
                "region": compared.region.get("absence_rate_fte") if compared else None,
            }
        )
    table = Table(
        "Sickness absence by census year",
        (
            Column("year", "Census year"),
            Column("rate", "Absence rate (%)", NUMBER, 1),
            Column("days_per_fte", "Days lost per FTE", NUMBER, 1),
            Column("days", "Working days lost", NUMBER, 1),
            Column("england", "England absence rate (%)", NUMBER, 1),
            Column("region", "Region absence rate (%)", NUMBER, 1),
        ),
        tuple(rows),
        note=(
            "DfE's absence rate is working days lost to sickness as a share of the working days "
            "available (FTE in post x 253 working days, 254 in a census year with 29 February); "
            "days per FTE divides the same days by the FTE in post."
        ),
    )
    line = commentary.change_sentence(
        short_label("absence_rate_fte"),
        first=figures.value("absence_rate_fte", years[0]),
        latest=figures.value("absence_rate_fte", years[-1]),
        first_year=years[0],
        latest_year=years[-1],
        unit="%",
        places=1,
        better="lower",
    )
    return Section(
        "absence",
        "Sickness absence",
        (line,) if line else (),
        (table,),
        (_trend_chart(figures, "absence_rate_fte"),),
    )


def audience_note(audience: Audience) -> str:
    if audience is Audience.PUBLIC:
        return (
            "Prepared for publication: no person is named, and small numbers are hidden as 'c' "
            "(a count of 1 to 4, and any figure from which one could be worked out), as on the "
            "elected members' pages. Council totals published by DfE are shown in full."
        )
    return (
        "Internal: figures for teams and services are shown in full. Not for publication; "
        "produce the public version for papers that will be published."
    )


# --- caseloads ---------------------------------------------------------------------------------


def caseloads(figures: ReportFigures, *, with_teams: bool) -> Section | None:
    context = figures.caseloads
    if context is None:
        return None
    summary = context["summary"]
    day = figures.as_at.strftime("%-d %B %Y") if figures.as_at else ""
    overview = Table(
        f"Caseloads on {day}",
        (Column("figure", "Figure"), Column("value", "Value", NUMBER, 1)),
        (
            {"figure": "Case holders", "value": summary["case_holders"]},
            {"figure": "Case holders' FTE", "value": summary["fte"]},
            {"figure": "Cases held", "value": summary["cases"]},
            {
                "figure": "Average caseload (DfE: cases per case-holding FTE)",
                "value": summary["dfe_average"],
            },
            {"figure": "Children waiting for a social worker", "value": summary["unallocated"]},
            {"figure": "Children waiting past the escalation point", "value": summary["escalate"]},
            {"figure": "Rules broken", "value": summary["rules_broken"]},
        ),
    )
    bands = context["bands"]
    service_columns = (
        Column("service", "Service"),
        Column("case_holders", "Case holders", COUNT),
        Column("fte", "FTE", NUMBER, 1),
        Column("cases", "Cases", COUNT),
        Column("red", "Over cap (red)", COUNT),
        Column("amber", "Near cap (amber)", COUNT),
        Column("green", "Within cap (green)", COUNT),
    )
    services = Table(
        "Caseloads by service",
        service_columns,
        tuple(_pick(row, service_columns) for row in context["services"]),
        note=(
            f"A worker is red over their role's cap, amber above {bands['worker_amber_share']:.0%} "
            "of it, green otherwise (the council's caseload policy)."
        ),
    )
    tables = [overview, services]
    if with_teams:
        team_columns = (
            Column("team", "Team"),
            Column("service", "Service"),
            Column("case_holders", "Case holders", COUNT),
            Column("cases", "Cases", COUNT),
            Column("dfe_caseload", "Average caseload (DfE)", NUMBER, 1),
            Column("red", "Over cap (red)", COUNT),
            Column("amber", "Near cap (amber)", COUNT),
            Column("rules_broken", "Rules broken", COUNT),
        )
        tables.append(
            Table(
                "Caseloads by team",
                team_columns,
                tuple(_pick(row, team_columns) for row in context["teams"]),
            )
        )
    tables.append(
        Table(
            "Case holders by number of cases held",
            (
                Column("band", "Cases held"),
                Column("workers", "Workers", COUNT),
                Column("share", "Share (%)", NUMBER, 1),
            ),
            tuple(
                {"band": row["band"], "workers": row["workers"], "share": row["share"]}
                for row in context["distribution"]
            ),
            note="Workers in case-holding roles; the 0-9 band includes those holding no case.",
        )
    )
    if context["rules"]:
        tables.append(
            Table(
                "Caseload rules broken",
                (
                    Column("rule", "Rule"),
                    Column("severity", "Severity", RAG),
                    Column("count", "Times broken", COUNT),
                ),
                tuple(
                    {"rule": row["label"], "severity": row["severity"], "count": row["count"]}
                    for row in context["rules"]
                ),
            )
        )
    lines: list[str] = []
    average = summary["dfe_average"]
    if isinstance(average, int | float):
        lines.append(
            f"On {day} social workers held {average:.1f} cases per FTE on average (DfE's "
            f"measure); the council's policy rates up to {bands['green']:g} green and up to "
            f"{bands['amber']:g} amber."
        )
    waiting = summary["unallocated"]
    if isinstance(waiting, int):
        lines.append(
            "No child was waiting for a social worker."
            if waiting == 0
            else f"{waiting} {'child was' if waiting == 1 else 'children were'} waiting for a "
            "social worker."
        )
    continuity = _continuity_table(figures)
    if continuity is not None:
        table, line = continuity
        tables.append(table)
        if line:
            lines.append(line)
    return Section(
        "caseloads",
        "Caseloads",
        tuple(lines),
        tuple(tables),
    )


def _pick(row: Mapping[str, object], columns: Sequence[Column]) -> dict[str, Cell]:
    """A page's row, cut to the report's columns."""
    return {column.key: cast(Cell, row[column.key]) for column in columns}


def _continuity_table(figures: ReportFigures) -> tuple[Table, str | None] | None:
    if figures.continuity is None:
        return None
    share = current_values(figures).get("cla_three_or_more_share")
    england, region, others = continuity_benchmarks(figures)
    median = round(statistics.median(others), 1) if others else None
    table = Table(
        "Continuity: looked-after children with three or more social workers in a year",
        (Column("who", "Council or area"), Column("share", "Share (%)", NUMBER, 1)),
        (
            {"who": f"{figures.name}, 12 months to the reporting date", "share": share},
            {"who": "England, year to 31 March 2024 (DfE)", "share": england},
            {"who": f"{figures.region or 'Region'}, year to 31 March 2024 (DfE)", "share": region},
            {"who": "Statistical neighbours' median, 2024 (DfE)", "share": median},
        ),
        note=(
            "DfE counts children looked after on 31 March by the social workers they had in the "
            "year to that date; Caseload counts children looked after on the reporting date by "
            "their allocated social workers in the 12 months to it."
        ),
    )
    line = None
    if isinstance(share, int | float) and england is not None:
        if share == england:
            compared = "the same as England"
        else:
            compared = f"{'lower' if share < england else 'higher'} than England's {england:.0f}%"
        line = (
            f"{share:.1f}% of looked-after children had three or more social workers in the last "
            f"12 months, {compared} (DfE, 2024)."
        )
    return table, line
