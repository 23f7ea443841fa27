"""The board pack's section "The plan": the baseline and the worked scenarios side by side after
three years (the middle outcome with the range of 8 in 10 simulated futures), own staff FTE year
by year as a chart, and the method's limits. Internal pack only: the same runs as the
/planning page (the default paths and seed, from the council snapshot)."""

from __future__ import annotations

from datetime import date

import polars as pl

from caseload.reports.model import Chart, Column, ColumnKind, Section, Series, Table
from caseload.services.caseloads import CouncilData
from caseload.services.planning import (
    DEFAULT_PATHS,
    DEFAULT_SEED,
    cost_model,
    planning_basis,
    result_summary,
    scenario_run,
    scenarios_named,
    series,
)

NUMBER = ColumnKind.NUMBER
TEXT = ColumnKind.TEXT
YEARS = 3


def _range(figures: dict[str, float], places: int = 1) -> str:
    return f"{figures['p10']:,.{places}f} to {figures['p90']:,.{places}f}"


def plan_section(
    council: CouncilData | None, as_at: date | None, placements: pl.DataFrame | None
) -> Section | None:
    """The section for the council's data on ``as_at`` (``placements``: its pipeline, for the
    newly qualified intakes); None without day-to-day data."""
    if council is None or as_at is None or council.latest is None or placements is None:
        return None
    basis = planning_basis(council, as_at, cost_model(), placements)
    results = [
        scenario_run(council, basis, scenario, DEFAULT_PATHS, DEFAULT_SEED)
        for scenario in scenarios_named(())
    ]
    summaries = [result_summary(result) for result in results]
    rows = []
    for summary in summaries:
        point = next(p for p in summary["points"] if p["years"] == YEARS)
        rows.append(
            {
                "plan": summary["title"],
                "posts": point["posts_fte"]["p50"],
                "own": point["own_fte"]["p50"],
                "own_range": _range(point["own_fte"]),
                "agency": point["agency_fte"]["p50"],
                "agency_range": _range(point["agency_fte"]),
                "caseload": point["caseload"]["p50"],
                "cost": round(point["cost_year"]["p50"] / 1e6, 2),
                "cost_range": _range({k: v / 1e6 for k, v in point["cost_year"].items()}, places=2),
            }
        )
    table = Table(
        f"The plans after {YEARS} years: middle outcome, and the range of 8 in 10 futures",
        (
            Column("plan", "Plan"),
            Column("posts", "Funded posts (FTE)", NUMBER, 1),
            Column("own", "Own staff (FTE)", NUMBER, 1),
            Column("own_range", "Own staff range", TEXT),
            Column("agency", "Agency staff (FTE)", NUMBER, 1),
            Column("agency_range", "Agency range", TEXT),
            Column("caseload", "Average caseload", NUMBER, 1),
            Column("cost", f"Cost in year {YEARS} (£m)", NUMBER, 2),
            Column("cost_range", "Cost range (£m)", TEXT),
        ),
        tuple(rows),
    )
    chart = Chart(
        "Own staff (FTE), middle outcome, year by year",
        "line",
        "Years from the reporting date",
        "FTE",
        tuple(
            Series(
                result.scenario.title,
                tuple(
                    (str(point["month"] // 12), point["p50"])
                    for point in series(result, "own_fte")
                    if point["month"] % 12 == 0
                ),
            )
            for result in results
        ),
    )
    baseline, *others = summaries
    start = baseline["start"]
    base_point = next(p for p in baseline["points"] if p["years"] == YEARS)
    lines = [
        f"On {as_at:%d %B %Y} the council had {start['own_fte']:,.1f} FTE of its own staff in the "
        f"modelled roles and {start['agency_fte']:,.1f} FTE of agency staff against "
        f"{start['posts_fte']:,.1f} FTE of funded posts. As things are, own staff are expected "
        f"to be {base_point['own_fte']['p50']:,.1f} FTE in {YEARS} years "
        f"({_range(base_point['own_fte'])}) and agency staff "
        f"{base_point['agency_fte']['p50']:,.1f} FTE ({_range(base_point['agency_fte'])}).",
    ]
    for summary in others:
        point = next(p for p in summary["points"] if p["years"] == YEARS)
        change = point["agency_fte"]["p50"] - base_point["agency_fte"]["p50"]
        cost = (point["cost_year"]["p50"] - base_point["cost_year"]["p50"]) / 1e6
        lines.append(
            f"{summary['title']}: agency staff {change:+.1f} FTE and cost £{cost:+.2f}m in year "
            f"{YEARS} against the baseline."
        )
    notes = (
        f"Each figure is the middle of {DEFAULT_PATHS:,} simulated futures (seed {DEFAULT_SEED}) "
        "built from the last three years' leaving by length of service, promotions, newly "
        "qualified intakes and recruitment; the ranges hold 8 in 10 of them. The number of "
        "children is held at the reporting date's. Costs use the council's cost model, whose "
        "figures are assumptions; a retention payment's effect on leaving is an assumption too.",
    )
    return Section("plan", "The plan", tuple(lines), (table,), (chart,), notes)
