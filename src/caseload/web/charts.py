"""Charts drawn on the server: Altair specifications rendered to SVG with vl-convert (no
JavaScript, nothing fetched). Every chart carries its numbers as a table, shown under the chart
for screen readers and for copying."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import altair as alt
import polars as pl
import vl_convert as vlc

# Colours from a palette that keeps 4.5:1 contrast on white for marks and text.
PALETTE = ["#1d4f91", "#b3401a", "#2d7d32", "#6a3d9a", "#8a6d00", "#00707a", "#a4134b"]
RAG_COLOURS = {"red": "#b3261e", "amber": "#8a5a00", "green": "#2d7d32"}
# Category labels down the side of horizontal bars (team names, say) are written in full up to
# 400 pixels rather than Vega's 180: a cut name helps nobody, and cutting each label (measuring it
# again and again) was most of such a chart's drawing time (0.47 s for 37 teams, 0.20 s whole).
# The axis title stands a little further off, clear of the longest names in every font.
FULL_NAMES = alt.Axis(labelLimit=400, titlePadding=16)


@dataclass(frozen=True)
class Chart:
    """An SVG and the table of the numbers it draws."""

    title: str
    svg: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    description: str = ""


def _svg(spec: str) -> str:
    """The chart as SVG. Charts are drawn only when a page's main part is rendered, which the
    application keeps per context (:mod:`caseload.web.page_bodies`), so they are not kept here."""
    svg = vlc.vegalite_to_svg(spec)
    # The chart is decorative for assistive technology: the table beside it carries the numbers.
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def _table(frame: pl.DataFrame, labels: dict[str, str]) -> tuple[list[str], list[list[Any]]]:
    columns = [labels.get(name, name) for name in frame.columns]
    return columns, [list(row) for row in frame.iter_rows()]


def _finish(
    chart: alt.Chart,
    frame: pl.DataFrame,
    *,
    title: str,
    labels: dict[str, str],
    width: int,
    height: int,
) -> Chart:
    """Size and style ``chart`` the house way, render it and pair it with its table."""
    spec = (
        chart.properties(width=width, height=height)
        .configure_axis(labelFontSize=12, titleFontSize=12, labelColor="#222", titleColor="#222")
        .configure_legend(labelFontSize=12, titleFontSize=12, orient="bottom")
        .configure_view(stroke=None)
        .to_json()
    )
    columns, rows = _table(frame, labels)
    return Chart(title, _svg(spec), columns, rows)


def line_chart(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    series: str | None = None,
    title: str,
    labels: dict[str, str] | None = None,
    width: int = 420,
    height: int = 180,
    x_type: str = "O",
) -> Chart:
    """One line per ``series`` (or a single line) of ``y`` against ``x``."""
    labels = labels or {}
    encode: dict[str, Any] = {
        "x": alt.X(f"{x}:{x_type}", title=labels.get(x, x)),
        "y": alt.Y(f"{y}:Q", title=labels.get(y, y)),
    }
    if series:
        encode["color"] = alt.Color(
            f"{series}:N", title=labels.get(series, series), scale=alt.Scale(range=PALETTE)
        )
    chart = alt.Chart(frame).mark_line(point=True, color=PALETTE[0]).encode(**encode)
    return _finish(chart, frame, title=title, labels=labels, width=width, height=height)


def bar_chart(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    colour: str | None = None,
    colours: dict[str, str] | None = None,
    title: str,
    labels: dict[str, str] | None = None,
    width: int = 420,
    height: int = 180,
    horizontal: bool = False,
    sort: list[str] | None = None,
) -> Chart:
    """Bars of ``y`` by category ``x``; ``colour`` names a column, ``colours`` maps its values to
    colours (for RAG bands)."""
    labels = labels or {}
    encode: dict[str, Any]
    if horizontal:
        encode = {
            "y": alt.Y(f"{x}:N", title=labels.get(x, x), sort=sort or None, axis=FULL_NAMES),
            "x": alt.X(f"{y}:Q", title=labels.get(y, y)),
        }
    else:
        encode = {
            "x": alt.X(f"{x}:N", title=labels.get(x, x), sort=sort or None),
            "y": alt.Y(f"{y}:Q", title=labels.get(y, y)),
        }
    if colour:
        scale = (
            alt.Scale(domain=list(colours), range=list(colours.values()))
            if colours
            else alt.Scale(range=PALETTE)
        )
        encode["color"] = alt.Color(f"{colour}:N", title=labels.get(colour, colour), scale=scale)
    chart = alt.Chart(frame).mark_bar(color=PALETTE[0]).encode(**encode)
    return _finish(chart, frame, title=title, labels=labels, width=width, height=height)


def grouped_bar_chart(
    frame: pl.DataFrame,
    *,
    category: str,
    value: str,
    series: str,
    title: str,
    labels: dict[str, str] | None = None,
    width: int = 420,
    sort: list[str] | None = None,
    series_order: list[str] | None = None,
) -> Chart:
    """Horizontal bars of ``value`` for each ``category``, one bar per ``series`` side by side
    (for instance our staff beside the residents)."""
    labels = labels or {}
    groups = frame[category].n_unique()
    bars = frame[series].n_unique()
    domain = series_order or sorted(set(frame[series].to_list()))
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y(
                f"{category}:N",
                title=labels.get(category, category),
                sort=sort or None,
                axis=FULL_NAMES,
            ),
            x=alt.X(f"{value}:Q", title=labels.get(value, value)),
            yOffset=alt.YOffset(f"{series}:N", sort=domain),
            color=alt.Color(
                f"{series}:N",
                title=labels.get(series, series),
                scale=alt.Scale(domain=domain, range=PALETTE[: len(domain)]),
            ),
        )
    )
    return _finish(
        chart, frame, title=title, labels=labels, width=width, height=max(80, 16 * groups * bars)
    )


def fan_chart(
    history: pl.DataFrame,
    forecast: pl.DataFrame,
    *,
    title: str,
    y_label: str,
    width: int = 460,
    height: int = 200,
) -> Chart:
    """A forecast's fan: the history as a solid line (``history``: month, actual), the P10 to
    P90 band shaded and the P50 as a dashed line (``forecast``: month, p10, p50, p90). Months
    are dates (the first of the month). Values shown as ``c`` (suppressed) are left out."""
    past = history.filter(pl.col("actual").is_not_null())
    ahead = forecast.drop_nulls()
    joined_at = past.tail(1)
    # The band and the P50 start from the last actual month, so the fan grows out of the line.
    start = joined_at.select(
        "month",
        pl.col("actual").alias("p10"),
        pl.col("actual").alias("p50"),
        pl.col("actual").alias("p90"),
    )
    fan = pl.concat([start, ahead.select("month", "p10", "p50", "p90")]) if past.height else ahead
    x = alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=6))
    band = (
        alt.Chart(fan)
        .mark_area(color=PALETTE[0], opacity=0.18)
        .encode(x=x, y=alt.Y("p10:Q", title=y_label), y2="p90:Q")
    )
    middle = (
        alt.Chart(fan)
        .mark_line(color=PALETTE[0], strokeDash=[6, 4], strokeWidth=2)
        .encode(x=x, y="p50:Q")
    )
    line = (
        alt.Chart(past)
        .mark_line(color="#222222", strokeWidth=2)
        .encode(x=x, y=alt.Y("actual:Q", title=y_label))
    )
    chart = alt.layer(band, middle, line)
    table = pl.concat(
        [
            past.select(
                "month",
                "actual",
                *(pl.lit(None, pl.Float64).alias(c) for c in ("p10", "p50", "p90")),
            ),
            ahead.select("month", pl.lit(None, pl.Float64).alias("actual"), "p10", "p50", "p90"),
        ]
    )
    return _finish(
        chart,  # type: ignore[arg-type]
        table,
        title=title,
        labels={"month": "Month", "actual": "Actual", "p10": "P10", "p50": "P50", "p90": "P90"},
        width=width,
        height=height,
    )
