"""The board pack's section "Demand and the posts it needs" (internal pack only): the demand
page's context (:func:`caseload.services.demand.demand_view`, so the figures are the page's) laid
out as the report's tables and charts."""

from __future__ import annotations

from datetime import date
from typing import Any

from caseload.reports.model import Cell, Chart, Column, ColumnKind, Section, Series, Table

KEY = "demand"
TITLE = "Demand and the posts it needs"
CHARTED = ("referrals", "open_cases")


def _cell(value: Any) -> Cell:
    return value if isinstance(value, str | int | float) or value is None else str(value)


def _month_label(text: str) -> str:
    return date.fromisoformat(f"{text}-01").strftime("%b %Y")


def _chart(series: dict[str, Any]) -> Chart:
    """History and P10, P50, P90 at each quarter's last month (March, June, September,
    December), so the printed axis stays readable."""
    quarter = ("03", "06", "09", "12")
    past = [p for p in series["history"] if p["month"][5:] in quarter]
    ahead = [p for p in series["forecast"] if p["month"][5:] in quarter]

    def number(value: Any) -> float | None:
        return float(value) if isinstance(value, int | float) else None

    actual = tuple((_month_label(p["month"]), number(p["actual"])) for p in past)
    bands = {
        name: tuple((_month_label(p["month"]), number(p[name])) for p in ahead)
        for name in ("p10", "p50", "p90")
    }
    return Chart(
        series["label"],
        "line",
        "Quarter's last month",
        series["unit"].capitalize(),
        (
            Series("Actual", actual),
            Series("Low (P10)", bands["p10"]),
            Series("Middle (P50)", bands["p50"]),
            Series("High (P90)", bands["p90"]),
        ),
        places=0,
    )


def section(context: dict[str, Any]) -> Section | None:
    """The section from the demand context (None when there is too little history)."""
    if not context["enough_history"]:
        return None
    posts = context["posts"]
    horizons = posts["horizons"]
    total = posts["total"]
    columns = (
        Column("label", "Post"),
        Column("funded", "Funded FTE", ColumnKind.NUMBER, 1),
        Column("in_post", "Own staff in post (FTE)", ColumnKind.NUMBER, 1),
        Column("agency", "Agency (FTE)", ColumnKind.NUMBER, 1),
        *(
            Column(f"needed_{i}", f"Needed: {h['label']}", ColumnKind.NUMBER, 1)
            for i, h in enumerate(horizons)
        ),
        Column("gap_now", "Gap now", ColumnKind.POINTS, 1),
        Column("gap_last", f"Gap: {posts['gap_label']}", ColumnKind.POINTS, 1),
    )
    rows = tuple(
        {
            "label": row["label"],
            "funded": _cell(row["funded_fte"]),
            "in_post": _cell(row["in_post_fte"]),
            "agency": _cell(row["agency_fte"]),
            **{f"needed_{i}": _cell(value) for i, value in enumerate(row["needed"])},
            "gap_now": _cell(row["gap_now"]),
            "gap_last": _cell(row["gap_last"]),
        }
        for row in [*posts["rows"], total]
    )
    posts_table = Table(
        "Case-holding FTE needed at the caseload policy's targets",
        columns,
        rows,
        note="Gap: FTE needed minus funded FTE; above zero means more posts are needed. "
        "Newly qualified workers in their supported first year fill social worker posts at "
        "their own lower target.",
    )
    by_series = {s["key"]: s for s in context["series"]}
    ahead_rows = []
    for key in CHARTED:
        found = by_series[key]
        for row in found["summary"]:
            ahead_rows.append(
                {
                    "series": found["label"],
                    "period": row["label"],
                    "p10": _cell(row["p10"]),
                    "p50": _cell(row["p50"]),
                    "p90": _cell(row["p90"]),
                }
            )
    demand_table = Table(
        "Referrals (12-month totals) and open cases (at the period's end)",
        (
            Column("series", "Series"),
            Column("period", "Period"),
            Column("p10", "Low (P10)", ColumnKind.COUNT),
            Column("p50", "Middle (P50)", ColumnKind.COUNT),
            Column("p90", "High (P90)", ColumnKind.COUNT),
        ),
        tuple(ahead_rows),
    )
    tables = [demand_table, posts_table]
    backtest = context["backtest"]
    if backtest:
        tables.append(
            Table(
                f"How well the forecast did: made as if on {backtest['origin']}, compared up to "
                f"{backtest['as_at']}",
                (
                    Column("label", "Series"),
                    Column("months", "Months", ColumnKind.COUNT),
                    Column("mae", "Average miss", ColumnKind.NUMBER, 1),
                    Column("mape", "Average miss (%)", ColumnKind.PERCENT, 1),
                    Column("coverage", "Months inside the band (%)", ColumnKind.PERCENT, 1),
                ),
                tuple(
                    {k: _cell(row[k]) for k in ("label", "months", "mae", "mape", "coverage")}
                    for row in backtest["summary"]
                ),
            )
        )
    needed_now, needed_last = total["needed"][0], total["needed"][-2 if len(horizons) > 2 else -1]
    commentary = (
        f"At the caseload policy's targets the children open on {context['as_at']} need "
        f"{needed_now} FTE of case-holding staff, against {total['funded_fte']} FTE of funded "
        f"posts and {total['in_post_fte']} FTE of own staff in post (with {total['agency_fte']} "
        "FTE agency).",
        f"{horizons[-2]['label'] if len(horizons) > 2 else horizons[-1]['label']}, the middle "
        f"forecast needs {needed_last} FTE; if demand runs high, {total['needed'][-1]} FTE.",
        context["method"][0],
    )
    return Section(
        KEY,
        TITLE,
        commentary=commentary,
        tables=tuple(tables),
        charts=tuple(_chart(by_series[key]) for key in CHARTED if not by_series[key]["hidden"]),
        notes=(context["method"][1], *context["limits"]),
    )
