"""A report chart as SVG, and the numbers beside it."""

from __future__ import annotations

import re

from caseload.reports.charts import PALETTE, chart_rows, chart_svg, chart_table, value_title
from caseload.reports.model import Chart, ColumnKind, Series

from .sample import LEAVERS_CHART, VACANCY_CHART


def test_the_numbers_have_a_row_per_x_label_and_a_column_per_series() -> None:
    assert chart_rows(VACANCY_CHART) == (
        ["Year", "Council", "England"],
        [
            ["2021", 10.0, 16.0],
            ["2022", None, 17.1],
            ["2023", 12.5, 18.0],
            ["2024", 14.0, 17.5],
        ],
    )


def test_labels_keep_the_order_given_and_a_series_without_a_label_has_no_figure_there() -> None:
    chart = Chart(
        "Posts",
        "bar",
        "Quarter",
        "Posts",
        (
            Series("Filled", (("Q3", 5.0), ("Q1", 4.0))),
            Series("Vacant", (("Q1", 1.0), ("Q2", 2.0))),
        ),
    )
    assert chart_rows(chart) == (
        ["Quarter", "Filled", "Vacant"],
        [["Q3", 5.0, None], ["Q1", 4.0, 1.0], ["Q2", None, 2.0]],
    )


def test_the_numbers_table_prints_per_cent_values_with_the_charts_places() -> None:
    table = chart_table(VACANCY_CHART)
    assert table.title == "Vacancy rate at 30 September"
    assert [(column.label, column.kind, column.places) for column in table.columns] == [
        ("Year", ColumnKind.TEXT, 0),
        ("Council", ColumnKind.PERCENT, 1),
        ("England", ColumnKind.PERCENT, 1),
    ]
    assert table.rows[1] == {"x": "2022", "s0": None, "s1": 17.1}
    assert chart_table(LEAVERS_CHART).columns[1].kind is ColumnKind.NUMBER


def test_the_unit_is_in_the_value_axis_title_once() -> None:
    assert value_title(VACANCY_CHART) == "Vacancy rate (%)"
    assert value_title(LEAVERS_CHART) == "People"
    with_unit = Chart("Rate", "line", "Year", "Rate (%)", (), unit="%")
    assert value_title(with_unit) == "Rate (%)"


def test_a_line_chart_draws_a_line_per_series_broken_at_a_gap() -> None:
    svg = chart_svg(VACANCY_CHART)
    assert svg.startswith('<svg aria-hidden="true"')
    lines = re.findall(r'aria-roledescription="line mark" d="([^"]+)" stroke="([^"]+)"', svg)
    paths = {stroke: path for path, stroke in lines}
    assert set(paths) == {PALETTE[0], PALETTE[1]}
    # The council's line has a gap at 2022: its path starts again (a second move-to).
    assert paths[PALETTE[0]].count("M") == 2
    assert paths[PALETTE[1]].count("M") == 1
    assert "Vacancy rate (%)" in svg
    assert "England" in svg  # the legend


def test_a_bar_chart_draws_a_bar_per_value() -> None:
    svg = chart_svg(LEAVERS_CHART)
    assert len(re.findall(r'aria-roledescription="bar"', svg)) == 4


def test_text_in_a_chart_is_escaped() -> None:
    chart = Chart("T", "line", "Year", "Rate", (Series("<script>x</script>", (("2024", 1.0),)),))
    svg = chart_svg(chart)
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
