"""The Retention page's charts, drawn from its context (the numbers the page and the API show):
survival curves with their shaded 95% bands, and the leaving hazard by length of service."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import polars as pl

from caseload.services.retention import SUPPRESSED, CurvePoint, HazardWindow
from caseload.web.charts import PALETTE, Chart, _finish

STEP_MONTHS = 6  # the chart's table: the estimate every six months


def survival_chart(points: Sequence[CurvePoint], *, title: str) -> Chart | None:
    """One stepped line per group of the share still with the council against years since
    starting, over its shaded 95% band."""
    if not points:
        return None
    frame = pl.DataFrame(
        [
            {
                "group": point["group"],
                "years": point["months"] / 12,
                "still_here": point["still_here"],
                "lower": point["lower"],
                "upper": point["upper"],
            }
            for point in points
        ]
    )
    groups = list(dict.fromkeys(frame["group"].to_list()))
    scale = alt.Scale(domain=groups, range=PALETTE[: len(groups)] or PALETTE)
    colour = alt.Color("group:N", title=None, scale=scale, sort=groups)
    shade = alt.Color("group:N", scale=scale, legend=None)  # the legend shows the lines
    x = alt.X("years:Q", title="Years since starting", axis=alt.Axis(tickMinStep=1))
    band = (
        alt.Chart(frame)
        .mark_area(opacity=0.15, interpolate="step-after")
        .encode(x=x, y=alt.Y("lower:Q"), y2="upper:Q", color=shade)
    )
    line = (
        alt.Chart(frame)
        .mark_line(interpolate="step-after", strokeWidth=2)
        .encode(
            x=x,
            y=alt.Y(
                "still_here:Q",
                title="Still with us (%)",
                scale=alt.Scale(domain=[0, 100]),
            ),
            color=colour,
        )
    )
    chart = _finish(
        alt.layer(band, line).resolve_legend(color="independent"),
        _table(frame),
        title=title,
        labels={
            "group": "Group",
            "years": "Years since starting",
            "still_here": "Still with us (%)",
            "lower": "95% band from (%)",
            "upper": "95% band to (%)",
        },
        width=520,
        height=260,
    )
    return chart


def _table(frame: pl.DataFrame) -> pl.DataFrame:
    """The estimate every :data:`STEP_MONTHS` months along each curve, for the chart's table."""
    marks = []
    for group in dict.fromkeys(frame["group"].to_list()):
        mine = frame.filter(pl.col("group") == group)
        longest = float(mine["years"].max() or 0.0)  # type: ignore[arg-type]
        step = STEP_MONTHS / 12
        at = 0.0
        while at <= longest + 1e-9:
            row = mine.filter(pl.col("years") <= at + 1e-9).tail(1)
            marks.append(
                {
                    "group": group,
                    "years": round(at, 1),
                    "still_here": row["still_here"][0],
                    "lower": row["lower"][0],
                    "upper": row["upper"][0],
                }
            )
            at += step
    return pl.DataFrame(marks)


def hazard_chart(window: HazardWindow) -> Chart | None:
    """The chance of leaving within a year by length of service, the highest band picked out;
    none when a band's figure is hidden (the bars would mislead) or nobody left."""
    if any(row["chance_within_year"] == SUPPRESSED for row in window["rows"]):
        return None
    rows: list[dict[str, Any]] = [
        {
            "band": row["band"],
            "chance": row["chance_within_year"],
            "leavers": row["leavers"],
        }
        for row in window["rows"]
        if isinstance(row["chance_within_year"], float)
    ]
    if not any(row["chance"] > 0 for row in rows):
        return None
    top = max(row["chance"] for row in rows)
    for row in rows:
        row["highest"] = "Highest" if row["chance"] == top else "Others"
    frame = pl.DataFrame(rows)
    order = [row["band"] for row in rows]
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("band:N", title="Continuous service", sort=order, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("chance:Q", title="Chance of leaving within a year (%)"),
            color=alt.Color(
                "highest:N",
                title=None,
                scale=alt.Scale(domain=["Highest", "Others"], range=[PALETTE[1], PALETTE[0]]),
                legend=None,
            ),
        )
    )
    return _finish(
        chart,
        frame.select("band", "chance", "leavers"),
        title=f"Chance of leaving within a year by length of service: {window['label'].lower()}",
        labels={
            "band": "Continuous service",
            "chance": "Chance of leaving within a year (%)",
            "leavers": "Leavers",
        },
        width=420,
        height=200,
    )
