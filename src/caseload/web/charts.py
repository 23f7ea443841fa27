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
            "y": alt.Y(f"{x}:N", title=labels.get(x, x), sort=sort or None),
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
            y=alt.Y(f"{category}:N", title=labels.get(category, category), sort=sort or None),
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
