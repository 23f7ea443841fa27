"""The staff health check's team link chart: each shown team's favourable share against its
turnover (Altair, rendered to SVG on the server, with its numbers as a table)."""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl

from caseload.web.charts import PALETTE, Chart, _finish


def team_link_chart(rows: list[dict[str, Any]]) -> Chart | None:
    """Favourable share (%) against turnover (%) per team; None with no team to draw."""
    frame = pl.DataFrame(
        rows,
        schema={
            "team": pl.Utf8,
            "share": pl.Float64,
            "turnover": pl.Float64,
            "average_caseload": pl.Float64,
        },
    ).filter(pl.col("turnover").is_not_null())
    if frame.is_empty():
        return None
    labels = {
        "team": "Team",
        "share": "Favourable answers (%)",
        "turnover": "Turnover in the year after (%)",
        "average_caseload": "Average caseload",
    }
    chart = (
        alt.Chart(frame)
        .mark_circle(size=90, color=PALETTE[0], opacity=0.85)
        .encode(
            x=alt.X("turnover:Q", title=labels["turnover"]),
            y=alt.Y("share:Q", title=labels["share"], scale=alt.Scale(domain=[0, 100])),
            tooltip=["team:N", "share:Q", "turnover:Q"],
        )
    )
    return _finish(
        chart,
        frame,
        title="Each team's favourable answers against its turnover",
        labels=labels,
        width=420,
        height=240,
    )
