"""Formatted workbooks (titles, bold headers, number formats, frozen headers) from the one
writer, read back with openpyxl."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from caseload.exporters.tables import (
    FORMULA_TRIGGERS,
    FormattedSheet,
    SheetColumn,
    SheetTable,
    sheet_titles,
    write_formatted_workbook,
)

TEAMS = SheetTable(
    heading=["Caseloads by team", "At 31 March 2025."],
    columns=[
        SheetColumn("Team", None, 20),
        SheetColumn("Workers", "#,##0", 10),
        SheetColumn("Rate", '0.0"%"', None),
    ],
    rows=[["North", 1234, 12.5], ["=SUM(A1)", "c", None], ["-3", -3, 0.0]],
)
AGENCY = SheetTable(
    heading=["Agency"],
    columns=[SheetColumn("Service", None, 30), SheetColumn("On", None, None)],
    rows=[["Fostering", date(2025, 3, 31)]],
)


def _book(sheets: list[FormattedSheet]) -> openpyxl.Workbook:
    out = io.BytesIO()
    write_formatted_workbook(sheets, out)
    return openpyxl.load_workbook(io.BytesIO(out.getvalue()))


def test_lead_lines_tables_and_blank_rows_are_laid_out_in_order() -> None:
    sheet = _book([FormattedSheet("Teams", [TEAMS, AGENCY], lead=["Teams", "Two lines."])])["Teams"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Teams", None, None],
        ["Two lines.", None, None],
        [None, None, None],
        ["Caseloads by team", None, None],
        ["At 31 March 2025.", None, None],
        ["Team", "Workers", "Rate"],
        ["North", 1234, 12.5],
        ["=SUM(A1)", "c", None],
        ["-3", -3, 0],
        [None, None, None],
        ["Agency", None, None],
        ["Service", "On", None],
        ["Fostering", sheet["B13"].value, None],
    ]
    assert sheet["B13"].value.date() == date(2025, 3, 31)
    assert sheet.freeze_panes == "A7"
    assert [sheet[f"A{row}"].font.b for row in (1, 2, 4, 5, 12)] == [True, False, True, False, True]
    assert all(cell.font.b for cell in sheet[6])
    assert not sheet.merged_cells.ranges


def test_number_formats_go_on_numbers_only_and_widths_take_the_widest() -> None:
    sheet = _book([FormattedSheet("Teams", [TEAMS, AGENCY])])["Teams"]
    assert sheet.freeze_panes == "A4"
    assert [sheet.cell(4, column).number_format for column in (1, 2, 3)] == [
        "General",
        "#,##0",
        '0.0"%"',
    ]
    assert sheet["B5"].data_type == "s"  # "c" stays text, unformatted
    assert sheet["B5"].number_format == "General"
    assert sheet["B6"].number_format == "#,##0"
    assert sheet["A6"].data_type == "s"  # "-3" as text stays text
    assert sheet.column_dimensions["A"].width == 30
    assert sheet.column_dimensions["B"].width == 10


def test_text_that_reads_like_a_formula_is_never_one() -> None:
    sheet = _book([FormattedSheet("Teams", [TEAMS])])["Teams"]
    cell = sheet["A5"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=SUM(A1)", "s", True)


@given(st.sampled_from(FORMULA_TRIGGERS[:4]), st.text(max_size=20))
def test_any_text_with_a_trigger_stays_text(trigger: str, rest: str) -> None:
    text = trigger + rest
    table = SheetTable([text], [SheetColumn(text, "#,##0")], [[text]])
    sheet = _book([FormattedSheet(text or "x", [table], lead=[text])]).worksheets[0]
    for row in (1, 3, 4, 5):
        cell = sheet.cell(row, 1)
        assert cell.data_type == "s"
        assert cell.quotePrefix


def test_no_freeze_when_asked_or_without_tables() -> None:
    book = _book(
        [
            FormattedSheet("Contents", [TEAMS], lead=["Contents"], freeze_header=False),
            FormattedSheet("Empty", [], lead=["Nothing here"]),
        ]
    )
    assert [sheet.freeze_panes for sheet in book.worksheets] == [None, None]


def test_sheet_titles_are_valid_and_distinct_ignoring_case() -> None:
    assert sheet_titles(["Notes", "notes", "A/B: c?", "x" * 40, "x" * 40]) == [
        "Notes",
        "notes (2)",
        "A B  c",
        "x" * 31,
        "x" * 27 + " (2)",
    ]
