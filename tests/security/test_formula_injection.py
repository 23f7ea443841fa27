"""Formula injection: names and values from outside (an HR extract, a team name) that a
spreadsheet would run as formulas are neutralised in every CSV file and workbook Caseload writes:
``caseload caseloads --format csv``, ``caseload export pseudonymised`` (CSV and XLSX) and
``caseload import hr --report`` (CSV and XLSX), and the shared writer itself."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseload.cli.app import main
from caseload.domain import Role
from caseload.exporters.tables import (
    csv_string,
    frame_csv,
    neutralise,
    write_frame_xlsx,
    write_xlsx,
)
from caseload.services.caseloads import caseload_report
from caseload.storage.engine import make_engine
from caseloads.caseload_council import Council

CRAFTED = ('=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "\t=1", "\r=1", "-2+3")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
HR = Path(__file__).parents[1] / "importers" / "fixtures" / "hr_awkward.csv"


def risky(cell: str) -> bool:
    """A cell a spreadsheet would take for a formula: it begins with a trigger and is not
    simply a number (numbers written as numbers are not text and stay numbers)."""
    return cell.startswith(("=", "+", "-", "@", "\t", "\r")) and not NUMBER.match(cell)


def read(path: Path) -> str:
    """A file's text with its line ends as written (a carriage return inside a cell stays)."""
    with path.open(encoding="utf-8", newline="") as file:
        return file.read()


def csv_cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def assert_csv_is_safe(text: str) -> list[list[str]]:
    rows = csv_cells(text)
    assert [cell for row in rows for cell in row if risky(cell)] == []
    return rows


def workbook_cells(content: bytes) -> list[openpyxl.cell.cell.Cell]:
    """Every cell of every sheet; and no sheet of the workbook holds a formula."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_workbook_is_safe(content: bytes) -> list[object]:
    """Text a spreadsheet could run is a string cell with Excel's quote prefix, kept exactly."""
    cells = workbook_cells(content)
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@", "\t", "\r")):
            assert (cell.data_type, cell.quotePrefix) == ("s", True), cell.value
    return [cell.value for cell in cells]


# --- the writer -------------------------------------------------------------------------------


def test_text_that_could_be_a_formula_gets_an_apostrophe_and_numbers_stay_numbers() -> None:
    assert [neutralise(value) for value in CRAFTED] == [
        '\'=HYPERLINK("http://x","y")',
        "'+1",
        "'@SUM(A1)",
        "'\t=1",
        "'\r=1",
        "'-2+3",
    ]
    assert [neutralise(value) for value in ("Ann", "", "1-2", " =1", "O'Neil", "-")] == [
        "Ann",
        "",
        "1-2",
        " =1",
        "O'Neil",
        "'-",
    ]
    text = csv_string(
        [
            ["-3", -3, -2.5, Decimal("-0.25"), True, None, date(2025, 3, 31)],
            ['=HYPERLINK("http://x","y")', 0, 1.0, Decimal("1.50"), False, "", "@SUM(A1)"],
        ],
        ["=label", "int", "float", "decimal", "bool", "none", "date"],
    )
    assert text == (
        "'=label,int,float,decimal,bool,none,date\n"
        "'-3,-3,-2.5,-0.25,true,,2025-03-31\n"
        '"\'=HYPERLINK(""http://x"",""y"")",0,1.0,1.50,false,,\'@SUM(A1)\n'
    )


def test_a_frame_as_csv_neutralises_its_text_and_lists() -> None:
    import polars as pl

    frame = pl.DataFrame(
        {
            "name": list(CRAFTED),
            "change": [-1, 2, -3, 4, -5, 6],
            "rules": [["=1+1", "a"], [], ["b"], ["@x"], ["-c"], ["+d"]],
        }
    )
    text = frame_csv(frame)
    rows = assert_csv_is_safe(text)
    assert rows == [
        ["name", "change", "rules"],
        ['\'=HYPERLINK("http://x","y")', "-1", "'=1+1;a"],
        ["'+1", "2", ""],
        ["'@SUM(A1)", "-3", "b"],
        ["'\t=1", "4", "'@x"],
        ["'\r=1", "-5", "'-c"],
        ["'-2+3", "6", "'+d"],
    ]


def test_a_workbook_keeps_the_text_exactly_as_text_and_numbers_as_numbers() -> None:
    out = io.BytesIO()
    write_xlsx(
        [[value, -3, -2.5, date(2025, 3, 31)] for value in CRAFTED] + [["bell\x07", 1, 0.5, None]],
        ["=name", "n", "x", "day"],
        out,
        "Crafted: [1]",
    )
    values = assert_workbook_is_safe(out.getvalue())
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == ["Crafted   1"]  # no : [ ] in a sheet name
    rows = [[cell.value for cell in row] for row in book.worksheets[0].iter_rows()]
    assert rows[0] == ["=name", "n", "x", "day"]
    assert [row[0] for row in rows[1:]] == [*CRAFTED, "bell"]
    assert [row[1:3] for row in rows[1:]] == [[-3, -2.5]] * 6 + [[1, 0.5]]
    assert rows[1][3].date() == date(2025, 3, 31)
    assert len(values) == 32


@given(st.text(max_size=40))
def test_no_text_written_to_csv_can_start_a_formula(text: str) -> None:
    """Whatever the text, its cell cannot start a formula, and is the text itself or the text
    after one added apostrophe."""
    rows = csv_cells(csv_string([[text]], ["value"]))
    cell = rows[1][0]
    assert not risky(cell)
    assert cell == (f"'{text}" if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text)


# --- the commands -----------------------------------------------------------------------------


@pytest.fixture
def crafted_council(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A council whose teams and workers are named with the crafted strings, the commands
    pointed at it."""
    engine = make_engine(database_url)
    council = Council(engine, data_as_at=date(2025, 3, 31))
    for number, crafted in enumerate(CRAFTED, start=1):
        council.team(crafted)
        council.worker(f"S{number}", Role.SOCIAL_WORKER, crafted, name=f"{crafted} Smith")
    council.commit()
    engine.dispose()
    monkeypatch.setenv("CASELOAD_DATABASE_URL", database_url)
    monkeypatch.setenv("CASELOAD_USER", "analyst")
    monkeypatch.setenv("COLUMNS", "400")
    return database_url


def test_caseloads_csv_neutralises_crafted_names_and_teams(
    crafted_council: str, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main(["caseloads", "--format", "csv"]) == 0
    rows = assert_csv_is_safe(capsysbinary.readouterr().out.decode())
    header = rows[0]
    named = sorted((row[header.index("name")], row[header.index("team")]) for row in rows[1:])
    assert named == sorted((f"'{c} Smith", f"'{c}") for c in CRAFTED)
    # The same frame as a workbook (the writer issue 18's web downloads will use).
    engine = make_engine(crafted_council)
    _scope, report = caseload_report(engine, as_at=None, authority_code=None, teams=[])
    engine.dispose()
    out = io.BytesIO()
    write_frame_xlsx(report.workers, out, "Caseloads")
    values = assert_workbook_is_safe(out.getvalue())
    assert {f"{c} Smith" for c in CRAFTED} <= set(values)


def test_pseudonymised_export_neutralises_crafted_team_names_in_csv_and_xlsx(
    crafted_council: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "pseudonymised", "--out", str(tmp_path / "csv")]) == 0
    teams = assert_csv_is_safe(read(tmp_path / "csv" / "teams.csv"))
    assert sorted(row[1] for row in teams[1:]) == sorted(f"'{c}" for c in CRAFTED)
    for name in ("workers", "spells", "absences", "children", "allocations"):
        assert_csv_is_safe(read(tmp_path / "csv" / f"{name}.csv"))
    assert (
        main(["export", "pseudonymised", "--out", str(tmp_path / "xlsx"), "--format", "xlsx"]) == 0
    )
    assert "pseudonymised.xlsx: teams" in capsys.readouterr().out
    content = (tmp_path / "xlsx" / "pseudonymised.xlsx").read_bytes()
    values = assert_workbook_is_safe(content)
    assert set(CRAFTED) <= set(values)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames[:4] == ["workers", "spells", "absences", "teams"]


def crafted_extract(folder: Path) -> Path:
    """The awkward HR extract with crafted values in fields whose problems show the value."""
    content = HR.read_text()
    content = content.replace(
        ",Permanent,2019-04-01,", ',"=HYPERLINK(""http://x"",""y"")",2019-04-01,'
    )
    content = content.replace(
        "P002,1,Assessment Team 1,Front Door,Senior Social Worker,1.0,",
        "P002,1,Assessment Team 1,Front Door,Senior Social Worker,@SUM(A1),",
    )
    content = content.replace(
        "E003,SW100003,Cara,Lee,05/11/1990,F,MWBA,P004",
        "E003,SW100003,Cara,Lee,05/11/1990,-2+3,MWBA,P004",
    )
    path = folder / "hr_crafted.csv"
    path.write_text(content)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_import_report_neutralises_crafted_values(
    crafted_council: str, tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / f"problems{suffix}"
    code = main(
        ["import", "hr", str(crafted_extract(tmp_path)), "--mapping", "generic",
         "--as-at", "2025-03-31", "--authority", "301", "--report", str(report)]
    )  # fmt: skip
    assert code == 2
    capsys.readouterr()
    if suffix == ".csv":
        rows = assert_csv_is_safe(read(report))
        values = [row[rows[0].index("value")] for row in rows[1:]]
        expected = ['\'=HYPERLINK("http://x","y")', "'@SUM(A1)", "'-2+3"]
    else:
        cells = assert_workbook_is_safe(report.read_bytes())
        values = [value for value in cells if isinstance(value, str)]
        expected = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "-2+3"]
    assert [value for value in expected if value in values] == expected
