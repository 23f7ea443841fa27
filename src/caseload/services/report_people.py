"""The establishment and people-movement sections of the reports: funded posts over time and what
followed added posts, and who joined (by origin), progressed, moved between services, left (by
reason and destination) and how long own staff have stayed. The figures are defined once in
:mod:`caseload.retention.flows`; here they are laid out as tables, and for a public report
small numbers are hidden by the disclosure module (:mod:`caseload.domain.disclosure`) with the
published census totals kept, so no hidden count can be worked out by subtraction."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import date

import polars as pl

from caseload.domain.codes import Role
from caseload.domain.dates import reference_date
from caseload.domain.disclosure import DEFAULT_THRESHOLD, SUPPRESSED, Grid
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
from caseload.retention import flows
from caseload.services.report_figures import ReportFigures

COUNT = ColumnKind.COUNT
NUMBER = ColumnKind.NUMBER
ROLE_LABELS = {role.value: role.label for role in Role}

DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "Funded posts (FTE)",
        "The FTE of the establishment's funded posts on the day: posts started on or before "
        "it and not ended before it.",
        "Caseload's establishment (posts) records; docs/metrics/funded_fte.md",
    ),
    Definition(
        "Starters by origin",
        "Own-staff starters in the census year (DfE's definition of a starter), by where they "
        "came from: newly qualified, experienced, or converting from agency work.",
        "Caseload's HR records; docs/metrics/recruitment_by_origin.md",
    ),
    Definition(
        "Progressions",
        "Own staff moving up the ladder (ASYE, social worker, senior, advanced practitioner, "
        "manager) in the census year.",
        "Caseload's HR records; docs/metrics/progressions.md",
    ),
    Definition(
        "Moves between services",
        "Own staff whose team changed to a team in another service area in the census year.",
        "Caseload's HR records; docs/metrics/service_moves.md",
    ),
    Definition(
        "Length of service",
        "Own staff in post by their continuous service with the council on the reporting date.",
        "Caseload's HR records; docs/metrics/service_length.md",
    ),
    Definition(
        "Social workers with more than 2 years' experience (stability index)",
        "Own-staff qualified social workers in post with more than two years since qualifying, "
        "as a share of all of them.",
        "Caseload's HR records; docs/metrics/stability_index.md",
    ),
)


def _days(figures: ReportFigures) -> list[date]:
    days = [reference_date(year) for year in figures.years]
    if figures.as_at is not None and figures.as_at not in days:
        days.append(figures.as_at)
    return [day for day in days if figures.as_at is None or day <= figures.as_at]


def _day_label(day: date) -> str:
    return day.strftime("%-d %b %Y")


def establishment(figures: ReportFigures, *, detailed: bool) -> Section | None:
    council = figures.council
    if council is None or council.census.posts.height == 0:
        return None
    days = _days(figures)
    services = flows.team_services(council.data.teams)
    posts = flows.establishment(council.census.posts, services, days)
    keys = [f"d{day.isoformat()}" for day in days]
    day_columns = tuple(
        Column(key, _day_label(day), NUMBER, 1) for key, day in zip(keys, days, strict=True)
    )

    def by(column: str, label: str, names: dict[str, str] | None = None) -> Table:
        grouped = posts.group_by(column, "day").agg(pl.col("funded_fte").sum())
        rows: list[dict[str, Cell]] = []
        for name in sorted(grouped[column].unique().to_list(), key=_role_order):
            mine = grouped.filter(pl.col(column) == name)
            values = dict(zip(mine["day"].to_list(), mine["funded_fte"].to_list(), strict=True))
            rows.append(
                {
                    "name": (names or {}).get(name, name),
                    **{k: round(values.get(d, 0.0), 1) for k, d in zip(keys, days, strict=True)},
                }
            )
        totals = posts.group_by("day").agg(pl.col("funded_fte").sum())
        values = dict(zip(totals["day"].to_list(), totals["funded_fte"].to_list(), strict=True))
        rows.append(
            {
                "name": "All posts",
                **{k: round(values.get(d, 0.0), 1) for k, d in zip(keys, days, strict=True)},
            }
        )
        return Table(
            f"Funded posts (FTE) by {label}",
            (Column("name", label.capitalize()), *day_columns),
            tuple(rows),
        )

    tables = [by("role", "role", ROLE_LABELS)]
    if detailed:
        tables.append(by("service", "service"))
    totals = posts.group_by("day").agg(pl.col("funded_fte").sum()).sort("day")
    funded = dict(zip(totals["day"].to_list(), totals["funded_fte"].to_list(), strict=True))
    yearly_rows: list[dict[str, Cell]] = []
    for year in figures.years:
        day = reference_date(year)
        yearly_rows.append(
            {
                "year": str(year),
                "funded": round(funded.get(day, 0.0), 1) if day in funded else None,
                "inpost": figures.value("inpost_fte", year),
                "vacancy": figures.value("vacancy_fte", year),
                "vacancy_rate": figures.value("vacancy_rate_fte", year),
                "agency": figures.value("agency_fte", year),
                "cover": figures.value("agency_cover_rate_fte", year),
                "caseload": figures.value("caseload_fte", year),
            }
        )
    tables.append(
        Table(
            "Vacancies and agency cover on each census date (30 September)",
            (
                Column("year", "Census year"),
                Column("funded", "Funded posts (FTE)", NUMBER, 1),
                Column("inpost", "Own staff in post (FTE)", NUMBER, 1),
                Column("vacancy", "Vacancies (FTE)", NUMBER, 1),
                Column("vacancy_rate", "Vacancy rate (%)", NUMBER, 1),
                Column("agency", "Agency workers (FTE)", NUMBER, 1),
                Column("cover", "Vacancies covered by agency (%)", NUMBER, 1),
                Column("caseload", "Average caseload", NUMBER, 1),
            ),
            tuple(yearly_rows),
            note="Vacancies, agency workers and the average caseload are DfE's census measures.",
        )
    )
    changes = flows.establishment_changes(
        pl.DataFrame(
            {
                "day": [reference_date(year) for year in figures.years],
                "funded_fte": [funded.get(reference_date(year)) for year in figures.years],
                "caseload_fte": [figures.value("caseload_fte", year) for year in figures.years],
                "vacancy_rate_fte": [
                    figures.value("vacancy_rate_fte", year) for year in figures.years
                ],
            },
            schema={
                "day": pl.Date,
                "funded_fte": pl.Float64,
                "caseload_fte": pl.Float64,
                "vacancy_rate_fte": pl.Float64,
            },
        )
    )
    lines: list[str] = []
    if changes.height:
        change_rows = [
            {
                "period": f"{row['from_day'].year} to {row['to_day'].year}",
                "change": row["change"],
                "caseload_before": row["caseload_before"],
                "caseload_after": row["caseload_after"],
                "vacancy_before": row["vacancy_before"],
                "vacancy_after": row["vacancy_after"],
            }
            for row in changes.iter_rows(named=True)
        ]
        tables.append(
            Table(
                "Changes in funded posts and what followed",
                (
                    Column("period", "Between census dates"),
                    Column("change", "Change in funded posts (FTE)", ColumnKind.POINTS, 1),
                    Column("caseload_before", "Average caseload before", NUMBER, 1),
                    Column("caseload_after", "Average caseload after", NUMBER, 1),
                    Column("vacancy_before", "Vacancy rate before (%)", NUMBER, 1),
                    Column("vacancy_after", "Vacancy rate after (%)", NUMBER, 1),
                ),
                tuple(change_rows),
                note=(
                    "Before and after are the census dates either side of the change. Other things "
                    "change at the same time (demand, recruitment), so this shows what followed "
                    "added posts, not what they caused."
                ),
            )
        )
        largest = max(change_rows, key=lambda row: float(row["change"] or 0.0))
        if isinstance(largest["change"], float) and largest["change"] > 0:
            lines.append(
                f"The largest rise in funded posts was {largest['change']:.1f} FTE "
                f"({largest['period']}); the average caseload went from "
                f"{_text(largest['caseload_before'])} to {_text(largest['caseload_after'])} and "
                f"the vacancy rate from {_text(largest['vacancy_before'])}% to "
                f"{_text(largest['vacancy_after'])}%."
            )
    if len(funded) >= 2:
        first, last = min(funded), max(funded)
        lines.insert(
            0,
            f"Funded posts went from {funded[first]:.1f} FTE on {_day_label(first)} to "
            f"{funded[last]:.1f} FTE on {_day_label(last)}.",
        )
    chart = Chart(
        "Funded posts, own staff and agency workers (FTE)",
        "line",
        "Census year",
        "FTE",
        (
            _series("Funded posts", yearly_rows, "funded"),
            _series("Own staff in post", yearly_rows, "inpost"),
            _series("Agency workers", yearly_rows, "agency"),
        ),
    )
    return Section(
        "establishment",
        "Establishment, vacancies and agency cover",
        tuple(lines),
        tuple(tables),
        (chart,),
    )


def _series(name: str, rows: Sequence[dict[str, Cell]], key: str) -> Series:
    return Series(name, tuple((str(row["year"]), _float(row[key])) for row in rows))


def _role_order(name: object) -> tuple[int, str]:
    order = list(ROLE_LABELS)
    text = str(name)
    return (order.index(text) if text in order else len(order), text)


def _text(value: Cell) -> str:
    return f"{value:.1f}" if isinstance(value, int | float) else "–"


def _float(value: Cell) -> float | None:
    return float(value) if isinstance(value, int | float) else None


# --- people movement ---------------------------------------------------------------------------


def _by_year(
    frame: pl.DataFrame,
    label: str,
    value: str,
    years: Sequence[int],
    *,
    order: Sequence[str] | None = None,
    total: str | None = None,
) -> list[dict[str, Cell]]:
    """One row per ``label`` with a column per census year (``y2025``) of ``value``, and a
    total row when ``total`` names it."""
    names = list(order) if order is not None else sorted(set(frame[label].to_list()))
    rows: list[dict[str, Cell]] = []
    for name in names:
        mine = frame.filter(pl.col(label) == name)
        values = dict(zip(mine["census_year"].to_list(), mine[value].to_list(), strict=True))
        rows.append({"name": name, **{f"y{year}": int(values.get(year, 0)) for year in years}})
    if total is not None:
        rows.append(
            {
                "name": total,
                **{f"y{year}": sum(int(row[f"y{year}"] or 0) for row in rows) for year in years},
            }
        )
    return rows


def protect_counts(
    rows: list[dict[str, Cell]], columns: Sequence[str], *, total_row: bool
) -> list[dict[str, Cell]]:
    """Counts of 1 to 4 hidden, and enough others that none can be worked out from the total
    row (which, for starters and leavers, DfE publishes, so it is kept)."""
    grid: Grid[Hashable] = Grid()
    parts = rows[:-1] if total_row else rows
    for column in columns:
        for index, row in enumerate(rows):
            value = row.get(column)
            grid.count((index, column), int(value) if isinstance(value, int) else 0)
        if total_row:
            total = (len(rows) - 1, column)
            grid.keep(total)
            grid.add_sum(total, [(index, column) for index in range(len(parts))])
    hidden = grid.protect(DEFAULT_THRESHOLD).hidden
    return [
        {key: SUPPRESSED if (index, key) in hidden else value for key, value in row.items()}
        for index, row in enumerate(rows)
    ]


def people(figures: ReportFigures) -> Section | None:
    council = figures.council
    if council is None or figures.as_at is None or not figures.years:
        return None
    public = figures.audience is Audience.PUBLIC
    years = figures.years
    year_columns = tuple(Column(f"y{year}", str(year), COUNT) for year in years)
    keys = [f"y{year}" for year in years]
    spells, workers = council.data.spells, council.census.workers
    services = flows.team_services(council.data.teams)

    def table(
        title: str,
        label: str,
        rows: list[dict[str, Cell]],
        note: str | None = None,
        *,
        total: bool = True,
    ) -> Table:
        shown = protect_counts(rows, keys, total_row=total) if public else rows
        return Table(title, (Column("name", label), *year_columns), tuple(shown), note)

    starters = flows.recruitment_by_origin(spells, workers, years)
    origin_order = list(dict.fromkeys(starters["origin"].to_list()))
    tables = [
        table(
            "Own-staff starters by origin, by census year",
            "Origin",
            _by_year(
                starters, "origin", "starters", years, order=origin_order, total="All starters"
            ),
        )
    ]
    progressed = flows.progression(spells, years)
    if progressed.height:
        tables.append(
            table(
                "Progression between grades, by census year",
                "From and to",
                _by_year(progressed, "move", "people", years, total="All progressions"),
            )
        )
    moves = flows.service_moves(spells, services, years).with_columns(
        (pl.col("from_service") + " to " + pl.col("to_service")).alias("move")
    )
    if moves.height:
        tables.append(
            table(
                "Moves between services, by census year",
                "From and to",
                _by_year(moves, "move", "people", years, total="All moves"),
            )
        )
    reasons = flows.leavers_by_reason(spells, workers, years).drop("reason")
    reasons = reasons.rename({"label": "reason"})
    tables.append(
        table(
            "Own-staff leavers by reason, by census year",
            "Reason for leaving",
            _by_year(
                reasons,
                "reason",
                "leavers",
                years,
                order=list(dict.fromkeys(reasons["reason"].to_list())),
                total="All leavers",
            ),
        )
    )
    destinations = flows.leavers_by_destination(spells, workers, years).drop("destination")
    destinations = destinations.rename({"label": "destination"})
    tables.append(
        table(
            "Own-staff leavers by destination, by census year",
            "Where they went",
            _by_year(
                destinations,
                "destination",
                "leavers",
                years,
                order=list(dict.fromkeys(destinations["destination"].to_list())),
                total="All leavers",
            ),
        )
    )
    length = flows.service_length(spells, figures.as_at)
    length_rows: list[dict[str, Cell]] = [
        {"name": row["band"], "headcount": row["headcount"], "fte": row["fte"]}
        for row in length.iter_rows(named=True)
    ]
    if public:
        protected = protect_counts(
            [
                *length_rows,
                {"name": "All", "headcount": sum(int(r["headcount"] or 0) for r in length_rows)},
            ],
            ["headcount"],
            total_row=True,
        )[:-1]
        length_rows = [
            {**row, "fte": SUPPRESSED if row["headcount"] == SUPPRESSED else row["fte"]}
            for row in protected
        ]
    tables.append(
        Table(
            f"Own staff in post by length of service, {_day_label(figures.as_at)}",
            (
                Column("name", "Continuous service"),
                Column("headcount", "People", COUNT),
                Column("fte", "FTE", NUMBER, 1),
            ),
            tuple(length_rows),
            note="The 2 to 3 year point is when councils lose most social workers.",
        )
    )
    lines: list[str] = []
    latest = years[-1]
    total_starters = starters.filter(pl.col("census_year") == latest)["starters"].sum()
    newly = starters.filter(
        (pl.col("census_year") == latest) & pl.col("origin").str.starts_with("Newly qualified")
    )["starters"].sum()
    if total_starters and not public:
        lines.append(
            f"In {latest}, {total_starters} own staff started, {newly} of them newly qualified."
        )
    count = flows.approaching_two_years(spells, figures.as_at).approaching_count
    if not (public and 0 < count < DEFAULT_THRESHOLD):
        lines.append(
            f"{count} own {'member of staff reaches' if count == 1 else 'staff reach'} two years' "
            "service in the next six months: the point after which councils lose most social "
            "workers, and the time for a stay conversation."
        )
    stability = flows.stability_index(spells, workers, figures.as_at).row(0, named=True)
    if stability["share"] is not None and not public:
        lines.append(
            f"{stability['share']:.1f}% of own-staff social workers have more than two years' "
            f"experience since qualifying ({stability['numerator']} of {stability['denominator']})."
        )
    return Section(
        "people",
        "Recruitment, progression and leavers",
        tuple(commentary_line for commentary_line in lines if commentary_line),
        tuple(tables),
    )
