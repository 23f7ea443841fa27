"""Fan charts of the workforce plan: for each scenario, a band from P10 to P90 and a line at P50,
month by month, drawn on the server as SVG like every other chart (:mod:`caseload.web.charts`)."""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl

from caseload.web.charts import PALETTE, Chart, _finish


def scenario_fan_chart(
    scenarios: list[dict[str, Any]], measure: str, *, title: str, axis: str
) -> Chart:
    """One band and line per scenario of ``measure``'s series (see
    :func:`caseload.services.planning.series`); its table is the P50 (P10-P90) every year."""
    rows = [
        {
            "scenario": scenario["title"],
            "month": point["month"],
            **{key: point[key] for key in ("p10", "p50", "p90")},
        }
        for scenario in scenarios
        for point in scenario["series"][measure]
    ]
    frame = pl.DataFrame(rows)
    order = [scenario["title"] for scenario in scenarios]
    colour = alt.Color(
        "scenario:N",
        title=None,
        sort=order,
        scale=alt.Scale(domain=order, range=PALETTE),
        legend=alt.Legend(
            orient="bottom", direction="vertical", labelLimit=400, labelFontSize=12, symbolOpacity=1
        ),
    )
    x = alt.X(
        "month:Q", title="Months from the first day", axis=alt.Axis(values=list(range(0, 61, 12)))
    )
    base = alt.Chart(frame)
    band = base.mark_area(opacity=0.18).encode(
        x=x, y=alt.Y("p10:Q", title=axis, scale=alt.Scale(zero=False)), y2="p90:Q", color=colour
    )
    line = base.mark_line(strokeWidth=2).encode(x=x, y="p50:Q", color=colour)
    yearly = frame.filter(pl.col("month") % 12 == 0).select(
        "scenario", "month", "p50", "p10", "p90"
    )
    chart = _finish(
        alt.layer(band, line),  # type: ignore[arg-type]
        yearly,
        title=title,
        labels={
            "scenario": "Scenario",
            "month": "Month",
            "p50": "Middle (P50)",
            "p10": "Low (P10)",
            "p90": "High (P90)",
        },
        width=440,
        height=220,
    )
    return chart
