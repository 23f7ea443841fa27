"""The report as an Excel workbook, read back with openpyxl."""

from __future__ import annotations

import io
from dataclasses import replace

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from caseload.reports.model import Column, ColumnKind, Section, Table
from caseload.reports.workbook import number_format, render_xlsx

from .sample import FORMULA_TEAM, SCRIPT_TEAM, TYPST_TEAM, sample_report


@pytest.fixture(scope="module")
def book() -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(sample_report())))


def _rows(sheet: Worksheet) -> list[list[object]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _row_of(sheet: Worksheet, first: str) -> int:
    """The row number (from 1) whose first cell is ``first``."""
    return next(row[0].row for row in sheet.iter_rows() if row[0].value == first)


def test_the_sheets_are_contents_each_section_and_notes(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == [
        "Contents",
        "Caseloads and vacancies",
        "Stability of the workforce",
        "Notes",
    ]


def test_contents_has_the_title_page_what_each_sheet_holds_and_the_areas_without_data(
    book: openpyxl.Workbook,
) -> None:
    rows = [[value for value in row if value is not None] for row in _rows(book["Contents"])]
    assert rows[:3] == [
        ["Workforce Steering Group pack"],
        ["Northbridge Council (E09000099), as at 31 March 2025. Internal: not for publication."],
        ["Produced on 2 April 2025 at 09:15."],
    ]
    assert ["Sheet", "What it holds"] in rows
    assert [
        "Caseloads and vacancies",
        "Chart numbers: Vacancy rate at 30 September. Table: Caseloads by team.",
    ] in rows
    assert ["Notes", "Definitions, sources and notes."] in rows
    assert rows[-3:] == [["Area"], ["Supervision: no records loaded yet"], ["Agency spend"]]
    assert book["Contents"].freeze_panes is None


def test_a_section_sheet_starts_with_its_commentary_and_freezes_the_first_header(
    book: openpyxl.Workbook,
) -> None:
    sheet = book["Caseloads and vacancies"]
    rows = _rows(sheet)
    assert [row[0] for row in rows[:8]] == [
        "Caseloads and vacancies",
        "Caseloads rose in two teams this quarter.",
        "The vacancy rate is below England's & the region's.",
        None,
        "Vacancy rate at 30 September",
        "The numbers in the chart of this name.",
        "Year",
        "2021",
    ]
    assert sheet.freeze_panes == "A8"  # below the chart numbers' header, row 7
    assert sheet["A1"].font.b
    assert all(cell.font.b for cell in sheet[7][:3])


def test_figures_are_numbers_with_formats_that_print_them_as_the_pdf_does(
    book: openpyxl.Workbook,
) -> None:
    sheet = book["Caseloads and vacancies"]
    row = sheet[_row_of(sheet, TYPST_TEAM)]
    assert [cell.value for cell in row[:6]] == [TYPST_TEAM, 1234, 17.25, 12.5, 4.1, "Amber"]
    assert [cell.number_format for cell in row[1:5]] == [
        "#,##0",
        "#,##0.0",
        '0.0"%"',
        "+0.0;-0.0;0.0",
    ]
    assert [cell.data_type for cell in row[:6]] == ["s", "n", "n", "n", "n", "s"]
    chart_row = sheet[_row_of(sheet, "2022")]
    assert [cell.value for cell in chart_row[:3]] == ["2022", None, 17.1]
    assert chart_row[2].number_format == '0.0"%"'


def test_suppressed_figures_are_text_and_missing_ones_empty(book: openpyxl.Workbook) -> None:
    sheet = book["Caseloads and vacancies"]
    row = sheet[_row_of(sheet, SCRIPT_TEAM)]
    assert [(cell.value, cell.data_type) for cell in row[:6]] == [
        (SCRIPT_TEAM, "s"),
        ("c", "s"),
        (None, "n"),
        ("c", "s"),
        (-0.34, "n"),
        ("Red", "s"),
    ]


def test_a_team_named_like_a_formula_stays_text(book: openpyxl.Workbook) -> None:
    sheet = book["Caseloads and vacancies"]
    cell = sheet.cell(_row_of(sheet, FORMULA_TEAM), 1)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (FORMULA_TEAM, "s", True)


def test_no_cells_are_merged_and_columns_have_widths(book: openpyxl.Workbook) -> None:
    for sheet in book.worksheets:
        assert not sheet.merged_cells.ranges, sheet.title
    widths = book["Caseloads and vacancies"].column_dimensions
    assert widths["A"].width == len("<script>alert(1)</script> team") + 2
    assert widths["E"].width == len("Change since last year") + 2


def test_the_notes_sheet_lists_definitions_sources_and_notes(book: openpyxl.Workbook) -> None:
    rows = [[value for value in row if value is not None] for row in _rows(book["Notes"])]
    assert ["Figure", "Definition", "Source"] in rows
    assert [
        "Vacancy rate",
        "Vacant FTE posts as a share of all FTE posts.",
        "DfE children's social work workforce census",
    ] in rows
    assert ["Caseload", "Open cases held by a worker.", "Case management system"] in rows
    assert ["DfE children's social work workforce statistics, 2024"] in rows
    assert ["Small numbers are suppressed for the public report."] in rows


def test_sections_with_the_same_title_get_distinct_sheets() -> None:
    same = Section(key="x", title="Caseloads and vacancies: a very long title indeed")
    twice = replace(sample_report(), sections=(same, same))
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(twice)))
    assert book.sheetnames == [
        "Contents",
        "Caseloads and vacancies  a very",
        "Caseloads and vacancies  a  (2)",
        "Notes",
    ]
    contents = [row[0] for row in _rows(book["Contents"])]
    assert "Caseloads and vacancies  a  (2)" in contents


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        (Column("a", "A", ColumnKind.COUNT), "#,##0"),
        (Column("a", "A", ColumnKind.NUMBER, 1), "#,##0.0"),
        (Column("a", "A", ColumnKind.NUMBER, 0), "#,##0"),
        (Column("a", "A", ColumnKind.PERCENT, 1), '0.0"%"'),
        (Column("a", "A", ColumnKind.PERCENT, 2), '0.00"%"'),
        (Column("a", "A", ColumnKind.POINTS, 1), "+0.0;-0.0;0.0"),
        (Column("a", "A", ColumnKind.POINTS, 0), "+0;-0;0"),
        (Column("a", "A", ColumnKind.TEXT), None),
        (Column("a", "A", ColumnKind.RAG), None),
    ],
)
def test_number_formats_follow_the_column_kind(column: Column, expected: str | None) -> None:
    assert number_format(column) == expected


def test_an_empty_table_still_has_its_header() -> None:
    table = Table("Nothing yet", (Column("team", "Team"), Column("n", "N", ColumnKind.COUNT)), ())
    empty = replace(sample_report(), sections=(Section(key="x", title="Empty", tables=(table,)),))
    rows = _rows(openpyxl.load_workbook(io.BytesIO(render_xlsx(empty)))["Empty"])
    assert [row[:2] for row in rows] == [
        ["Empty", None],
        [None, None],
        ["Nothing yet", None],
        ["Team", "N"],
    ]
