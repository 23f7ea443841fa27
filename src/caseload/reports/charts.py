"""A report's charts drawn as SVG (Altair specifications rendered by vl-convert: no JavaScript,
nothing fetched), and the numbers each chart draws, which every format prints beside it.

The same SVG goes inline into the HTML report and, as a file, into the PDF. Its text is set in
Libertinus Serif, a font the PDF compiler carries with it, so the chart looks the same on every
machine; a browser without that font falls back to its own serif."""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl
import vl_convert as vlc

from caseload.reports.model import Cell, Chart, Column, ColumnKind, Table

# The product's palette (the same colours as caseload.web.charts, which the reports may not
# import): each keeps 4.5:1 contrast on white for marks and text.
PALETTE = ["#1d4f91", "#b3401a", "#2d7d32", "#6a3d9a", "#8a6d00", "#00707a", "#a4134b"]
RAG_COLOURS = {"red": "#b3261e", "amber": "#8a5a00", "green": "#2d7d32"}
FONT = "Libertinus Serif, Georgia, serif"
INK = "#222222"

X, SERIES, VALUE = "x", "series", "value"
# The size the reports draw charts at: beside the numbers, a chart takes 60% of an A4 page's text
# width (about 10 cm), where text drawn at this size prints at about 9 points, close to the
# tables'. The HTML and PDF reports use the same drawing.
PRINT_WIDTH, PRINT_HEIGHT = 300, 170


def x_labels(chart: Chart) -> list[str]:
    """The chart's x axis labels, in the order the series give them (first appearance)."""
    return list(dict.fromkeys(label for series in chart.series for label, _ in series.points))


def value_title(chart: Chart) -> str:
    """The y axis title, with the unit when it is per cent."""
    if chart.unit and chart.unit not in chart.y_label:
        return f"{chart.y_label} ({chart.unit})"
    return chart.y_label


def chart_rows(chart: Chart) -> tuple[list[str], list[list[Cell]]]:
    """The numbers a chart draws: a header of the x axis title and each series' name, then one
    row per x label with each series' value there (``None`` where it has none)."""
    values = [dict(series.points) for series in chart.series]
    header = [chart.x_label, *(series.name for series in chart.series)]
    rows: list[list[Cell]] = [
        [label, *(points.get(label) for points in values)] for label in x_labels(chart)
    ]
    return header, rows


def chart_table(chart: Chart) -> Table:
    """A chart's numbers as a report table, so every renderer prints them the way it prints any
    other table (per cent values with the chart's places and a "%")."""
    header, rows = chart_rows(chart)
    kind = ColumnKind.PERCENT if chart.unit == "%" else ColumnKind.NUMBER
    columns = (
        Column("x", header[0]),
        *(Column(f"s{index}", name, kind, chart.places) for index, name in enumerate(header[1:])),
    )
    return Table(
        title=chart.title,
        columns=columns,
        rows=tuple(
            {column.key: value for column, value in zip(columns, row, strict=True)} for row in rows
        ),
    )


def _frame(chart: Chart) -> pl.DataFrame:
    """One row per point: x label, series name, value (null for a gap)."""
    return pl.DataFrame(
        [(label, series.name, value) for series in chart.series for label, value in series.points],
        schema={X: pl.Utf8, SERIES: pl.Utf8, VALUE: pl.Float64},
        orient="row",
    )


def _spec(chart: Chart, width: int, height: int) -> dict[str, Any]:
    names = [series.name for series in chart.series]
    several = len(names) > 1
    colour = (
        alt.Color(
            f"{SERIES}:N",
            title=None,
            sort=names,
            scale=alt.Scale(domain=names, range=PALETTE[: len(names)] or PALETTE),
            legend=alt.Legend(orient="bottom", direction="horizontal"),
        )
        if several
        else alt.value(PALETTE[0])
    )
    x = alt.X(
        f"{X}:N",
        title=chart.x_label,
        sort=x_labels(chart),
        axis=alt.Axis(labelAngle=0, labelLimit=120),
    )
    y = alt.Y(f"{VALUE}:Q", title=value_title(chart))
    base = alt.Chart(_frame(chart))
    if chart.kind == "bar":
        encode: dict[str, Any] = {"x": x, "y": y, "color": colour}
        if several:
            encode["xOffset"] = alt.XOffset(f"{SERIES}:N", sort=names)
        drawn = base.mark_bar().encode(**encode)
    else:
        drawn = base.mark_line(
            point=alt.OverlayMarkDef(size=36, filled=True), invalid="break-paths-show-domains"
        ).encode(x=x, y=y, color=colour, detail=f"{SERIES}:N")
    spec: dict[str, Any] = (
        drawn.properties(width=width, height=height)
        .configure(font=FONT)
        .configure_axis(
            labelFontSize=11,
            titleFontSize=11,
            labelColor=INK,
            titleColor=INK,
            titleFontWeight="normal",
            gridColor="#e4e4e4",
            domainColor="#888888",
            tickColor="#888888",
        )
        .configure_legend(labelFontSize=11, labelColor=INK, symbolSize=60, symbolStrokeWidth=2)
        .configure_view(stroke=None)
        .to_dict()
    )
    return spec


def chart_svg(chart: Chart, *, width: int = 460, height: int = 200) -> str:
    """``chart`` as an SVG document: one line (with its points) per series for a line chart,
    grouped bars for a bar chart. A value of ``None`` is a gap: no point, and the line breaks."""
    svg = vlc.vegalite_to_svg(_spec(chart, width, height))
    # Decorative for assistive technology: the numbers table beside the chart carries the figures.
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
