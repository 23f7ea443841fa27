"""Sniffing and reading files, mappings and values, without a database."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseload.errors import InvalidInputError, NotFoundError
from caseload.importers.mapping import load_mapping, parse_mapping
from caseload.importers.tables import read_bytes, read_source
from caseload.importers.values import parse_date, parse_fte


def test_csv_with_bom_semicolons_trailing_spaces_and_blank_rows() -> None:
    table = read_bytes("\ufeffStaff No ; FTE\n E1 ;0,5\n\n;\nE2;1\n".encode(), name="x.csv")
    assert table.headers == ("Staff No", "FTE")
    assert table.frame.rows() == [("E1", "0,5", 2), ("E2", "1", 5)]


def test_windows_1252_text_is_read() -> None:
    table = read_bytes("Name,Team\nZoë,Café Team\n".encode("cp1252"), name="x.csv")
    assert table.frame.row(0) == ("Zoë", "Café Team", 2)


def test_a_row_wider_than_the_header_is_reported() -> None:
    table = read_bytes(b"a,b\n1,2,3\n4,5,,\n", name="x.csv")
    assert table.width_problems == ((2, 3),)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "x.csv: the file is empty"),
        (b"\xd0\xcf\x11\xe0rest", "is an old Excel .xls workbook; save it as .xlsx or CSV"),
        (b"PK\x03\x04not really a zip", "is not a readable .xlsx workbook"),
        (b"a,b\x00\x00\x01", "is not a CSV or XLSX file"),
    ],
)
def test_unreadable_files_are_refused_with_advice(content: bytes, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        read_bytes(content, name="x.csv")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"nothing\.csv: no such file"):
        read_source(tmp_path / "nothing.csv")


def itrent_workbook() -> bytes:
    """A title row, then merged group headings over the column names (as Excel reports are)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Establishment report", None, None, None, None])
    sheet.append(["Employee", None, "Assignment", None, None])
    sheet.merge_cells("A2:B2")
    sheet.merge_cells("C2:E2")
    sheet.append(["Employee Number", "Surname", "Grade", "Start Date", "Contracted Hours"])
    sheet.append([10234.0, "Khan", "SW2", date(2019, 4, 1), 37])
    sheet.append([10235, "Lee", "SW3", "01/02/2021", 18.5])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_merged_header_rows_are_joined() -> None:
    table = read_bytes(itrent_workbook(), name="report.xlsx", skip_rows=1, header_rows=2)
    assert table.headers == (
        "Employee Employee Number",
        "Employee Surname",
        "Assignment Grade",
        "Assignment Start Date",
        "Assignment Contracted Hours",
    )
    assert table.frame.rows() == [
        ("10234", "Khan", "SW2", "2019-04-01", "37", 4),
        ("10235", "Lee", "SW3", "01/02/2021", "18.5", 5),
    ]


def test_dates_in_every_format_councils_write() -> None:
    values = [
        "2024-03-31", "31/03/2024", "31-03-2024", "31.03.2024", "31-Mar-2024", "31 MAR 2024",
        "31 March 2024", "31/03/24", "2024-03-31 00:00:00", "2024-03-31T09:30:00", "45382",
    ]  # fmt: skip
    parsed = pl.DataFrame({"v": values}).select(parse_date(pl.col("v")))["v"].to_list()
    assert parsed == [date(2024, 3, 31)] * len(values)


def test_impossible_dates_are_not_guessed() -> None:
    values = ["31/02/2024", "2024-13-01", "03/31/2024", "yesterday", "0024-03-31"]
    parsed = pl.DataFrame({"v": values}).select(parse_date(pl.col("v")))["v"].to_list()
    assert parsed == [None] * len(values)


def test_fte_as_a_fraction_or_percentage() -> None:
    values = ["1", "0.5", "50%", "80 %", "0.333333", "half"]
    parsed = pl.DataFrame({"v": values}).select(parse_fte(pl.col("v")))["v"].to_list()
    assert parsed == [1.0, 0.5, 0.5, 0.8, 0.333333, None]


@given(st.lists(st.text(max_size=30), min_size=1, max_size=20))
def test_value_parsing_never_raises(values: list[str]) -> None:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.Utf8})
    frame.select(parse_date(pl.col("v")).alias("d"), parse_fte(pl.col("v")).alias("f"))


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"kind": "hr"}, "columns: map each field"),
        ({"kind": "payroll", "columns": {}}, "kind: must be one of hr, absences"),
        ({"kind": "hr", "colums": {}}, "colums: unknown key"),
        (
            {"kind": "hr", "columns": {"staff_number": "A", "role": "B"}},
            "columns: must name a column for start_date, fte \\(or hours\\)",
        ),
        (
            {"kind": "hr", "columns": {"staff_nmber": "A"}},
            "columns.staff_nmber: unknown field",
        ),
        (
            {
                "kind": "hr",
                "columns": {"staff_number": "A", "role": "B", "start_date": "C", "fte": "D"},
                "values": {"role": {"Snr SW": "senior"}},
            },
            r"values.role\['Snr SW'\]: 'senior' is not a role code",
        ),
    ],
)
def test_mapping_errors_name_the_key_to_fix(document: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=f"mapping m.yaml: {message}"):
        parse_mapping(document, source="m.yaml")


def test_mappings_are_found_by_path_folder_or_built_in_name(tmp_path: Path) -> None:
    assert load_mapping("itrent").header_rows == 2
    own = tmp_path / "ours.yaml"
    own.write_text("kind: absences\ncolumns: {staff_number: S, start_date: F, reason: R}\n")
    assert load_mapping("ours", mappings_dir=tmp_path).kind == "absences"
    assert load_mapping(str(own)).name == "ours"
    with pytest.raises(
        NotFoundError, match="no column mapping called 'nope'; known mappings: generic"
    ):
        load_mapping("nope")


def test_every_built_in_mapping_is_valid() -> None:
    for name in ("generic", "itrent", "generic-absences", "itrent-absences"):
        assert load_mapping(name).name == name


def test_header_names_are_unique_whatever_the_row_says(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Name (2),Name,Name,,column 4,column 4,_row\n1,2,3,4,5,6,7\n")
    table = read_source(path)
    assert list(table.headers) == [
        "Name (2)",
        "Name",
        "Name (3)",
        "column 4",
        "column 4 (2)",
        "column 4 (3)",
        "_row (2)",
    ]
