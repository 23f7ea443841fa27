"""Every CSV file and spreadsheet (XLSX) Caseload writes for people to open: one writer, which
makes sure no cell can act as a formula.

Formula injection: a spreadsheet program runs a cell that begins with ``=``, ``+``, ``-`` or
``@`` as a formula (and a tab or carriage return in front of one does not stop it), so a worker
named ``=HYPERLINK("http://x","y")`` in an HR extract would become a live link, or worse, in the
manager's export. The rule, by the kind of value:

- **numbers** (``int``, ``float``, ``Decimal``; numeric columns of a frame) are written as
  numbers, whatever their sign: ``-3`` stays the number -3;
- **text** that begins with one of :data:`FORMULA_TRIGGERS` is neutralised, also when it reads
  like a number ("-3", "+1" in a text column are text, such as a name or a code, and a
  spreadsheet turning them into numbers would change them too). In a CSV file the cell gets a
  leading apostrophe (``'=HYPERLINK(...)``), which spreadsheets show as text (OWASP's advice). In a
  workbook the cell is written as a string (never a formula) with Excel's "quote prefix" set: the
  cell shows the text exactly, and it stays text if someone edits it;
- other text, dates (ISO 8601 in CSV, real dates in workbooks), booleans (``true``/``false`` in
  CSV) and blanks are written as they are. Characters XML cannot hold (control characters other
  than tab, newline and carriage return) are left out of workbooks.

No product file is read back by Caseload's importers, so the apostrophe is never mistaken for
data; the synthetic council's extracts, which are meant to be imported, are written by the
generator itself (see ``tests/security/test_one_writer.py`` for the modules allowed to write
files another way, and why).

The API takes header labels and rows of values (``write_csv``, ``write_xlsx``) or a Polars frame
(``frame_csv``, ``write_frame_csv``, ``write_frame_xlsx``); ``write_formatted_workbook`` writes
sheets for people to read (titles, bold headers, number formats, frozen headers), such as the
reports' workbooks."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeAlias

import polars as pl

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
LINE_END = "\n"
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SHEET_TITLE_ILLEGAL = re.compile(r"[\\/*?:\[\]]")
MAX_SHEET_TITLE = 31

Cell: TypeAlias = str | int | float | Decimal | bool | date | datetime | time | None


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could take this text for a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def neutralise(text: str) -> str:
    """Text safe for a CSV cell: a leading apostrophe when it could be taken for a formula."""
    return QUOTE + text if is_formula_like(text) else text


def csv_text(value: Cell) -> str:
    """A value as it is written in a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return neutralise(str(value))


def csv_field(text: str) -> str:
    """A cell's text in a CSV line: quoted (quotes doubled) when it holds a comma, a quote or a
    line break, as RFC 4180 says and as Polars writes. (Python's csv module leaves a lone carriage
    return unquoted when lines end in ``\\n``, which splits the row when read back.)"""
    if any(character in text for character in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(rows: Iterable[Sequence[Cell]], columns: Sequence[str], stream: IO[str]) -> None:
    """A header of ``columns`` and then ``rows``, as CSV (RFC 4180 quoting, ``\\n`` line ends)."""
    stream.write(_csv_line([neutralise(label) for label in columns]))
    for row in rows:
        stream.write(_csv_line([csv_text(value) for value in row]))


def _csv_line(cells: Sequence[str]) -> str:
    line = ",".join(csv_field(cell) for cell in cells)
    return ('""' if cells and not line else line) + LINE_END  # one blank cell is not a blank line


def csv_string(rows: Iterable[Sequence[Cell]], columns: Sequence[str]) -> str:
    """:func:`write_csv` into a string."""
    out = io.StringIO()
    write_csv(rows, columns, out)
    return out.getvalue()


def _text_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists joined with ``;``, categories as text; every text column neutralised."""
    flat = frame.with_columns(
        pl.col(name).cast(pl.List(pl.Utf8)).list.join(";")
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.List | pl.Array)
    ).with_columns(
        pl.col(name).cast(pl.Utf8)
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Categorical | pl.Enum | pl.Object)
    )
    triggers = "^[" + re.escape("".join(FORMULA_TRIGGERS)) + "]"
    return flat.with_columns(
        pl.when(pl.col(name).str.contains(triggers))
        .then(pl.lit(QUOTE) + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name, dtype in flat.schema.items()
        if dtype == pl.Utf8
    ).rename({name: neutralise(name) for name in flat.columns if is_formula_like(name)})


def frame_csv(frame: pl.DataFrame) -> str:
    """A frame as CSV text: numbers, dates and booleans as Polars writes them, text
    neutralised."""
    return _text_columns(frame).write_csv(line_terminator=LINE_END)


def write_frame_csv(frame: pl.DataFrame, target: Path | IO[str]) -> None:
    """A frame as a CSV file (a path) or onto a text stream."""
    content = frame_csv(frame)
    if isinstance(target, Path):
        target.write_text(content, encoding="utf-8")
    else:
        target.write(content)


def sheet_title(text: str) -> str:
    """A name Excel accepts for a sheet: at most 31 characters, none of ``\\ / * ? : [ ]``."""
    cleaned = SHEET_TITLE_ILLEGAL.sub(" ", XML_ILLEGAL.sub("", text)).strip().strip("'")
    return (cleaned or "Sheet")[:MAX_SHEET_TITLE]


def _workbook_value(value: Cell | timedelta) -> object:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.isoformat()  # workbooks have no time zones: keep the offset as text
    if isinstance(value, timedelta):
        return str(value)
    return value


def write_xlsx(
    rows: Iterable[Sequence[Cell]], columns: Sequence[str], stream: IO[bytes], sheet_title: str
) -> None:
    """A workbook of one sheet: a header of ``columns`` and then ``rows``."""
    write_workbook({sheet_title: (columns, rows)}, stream)


def sheet_titles(titles: Sequence[str]) -> list[str]:
    """The names sheets with these titles get, in order: :func:`sheet_title` of each, and a
    repeated name (Excel ignores case) numbered ``(2)``, ``(3)``..."""
    used: set[str] = set()
    names: list[str] = []
    for title in titles:
        name = sheet_title(title)
        copy = 1
        while name.casefold() in used:
            copy += 1
            name = f"{sheet_title(title)[: MAX_SHEET_TITLE - 4]} ({copy})"
        used.add(name.casefold())
        names.append(name)
    return names


def _sheet_cell(
    sheet: WriteOnlyWorksheet,
    value: Cell | timedelta,
    *,
    number_format: str | None = None,
    bold: bool = False,
) -> object:
    """What a write-only sheet is given for one value: text always as a string cell (never a
    formula; quote prefix set when it could be taken for one), other values as they are, in a
    cell of their own when they are bold or numbers with a format."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=XML_ILLEGAL.sub("", value))
        cell.data_type = "s"  # openpyxl would make "=..." a formula
        if is_formula_like(value):
            cell.quotePrefix = True
    elif bold or (number_format and _is_number(value)):
        cell = WriteOnlyCell(sheet, value=_workbook_value(value))  # type: ignore[arg-type]
        if number_format and _is_number(value):
            # A whole number in a column of decimals is a count (people, children).
            whole = isinstance(value, int) and number_format.startswith("#,##0.")
            cell.number_format = "#,##0" if whole else number_format
    else:
        return _workbook_value(value)
    if bold:
        cell.font = Font(bold=True)
    return cell


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def write_workbook(
    sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[Cell]]]], stream: IO[bytes]
) -> None:
    """A workbook with one sheet per entry (title: header labels and rows), in order."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, (columns, rows) in zip(sheet_titles(list(sheets)), sheets.values(), strict=True):
        sheet = book.create_sheet(name)
        sheet.append([_sheet_cell(sheet, label) for label in columns])
        for row in rows:
            sheet.append([_sheet_cell(sheet, value) for value in row])
    book.save(stream)


@dataclass(frozen=True)
class SheetColumn:
    """A column of a formatted table: its header, Excel's number format for the numbers in it
    (``"#,##0"``, ``'0.0"%"'``...; text is never formatted) and its width in characters."""

    label: str
    number_format: str | None = None
    width: float | None = None


@dataclass(frozen=True)
class SheetTable:
    """A table on a formatted sheet: heading lines above it (the first, its title, in bold),
    a bold header row, then the rows."""

    heading: Sequence[str]
    columns: Sequence[SheetColumn]
    rows: Iterable[Sequence[Cell]]


@dataclass(frozen=True)
class FormattedSheet:
    """A sheet people read: lines of text at the top (the first in bold), then its tables one
    under another with a blank row between. With ``freeze_header``, the rows down to the first
    table's header stay in view when scrolling."""

    title: str
    tables: Sequence[SheetTable]
    lead: Sequence[str] = ()
    freeze_header: bool = True


def _first_header_row(sheet: FormattedSheet) -> int:
    """The row number (from 1) of the first table's header."""
    lead = len(sheet.lead) + 1 if sheet.lead else 0
    return lead + len(sheet.tables[0].heading) + 1


def write_formatted_workbook(sheets: Sequence[FormattedSheet], stream: IO[bytes]) -> None:
    """A workbook of formatted sheets, in order (names from :func:`sheet_titles`): bold titles
    and headers, number formats on numbers, column widths, frozen header rows; no merged cells.
    Text is guarded as in :func:`write_workbook`."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    for name, spec in zip(sheet_titles([sheet.title for sheet in sheets]), sheets, strict=True):
        sheet = book.create_sheet(name)
        widths: dict[int, float] = {}
        for table in spec.tables:
            for index, column in enumerate(table.columns, start=1):
                if column.width is not None:
                    widths[index] = max(widths.get(index, 0.0), column.width)
        for index, width in widths.items():
            sheet.column_dimensions[get_column_letter(index)].width = width
        if spec.freeze_header and spec.tables:
            sheet.freeze_panes = f"A{_first_header_row(spec) + 1}"
        for number, line in enumerate(spec.lead):
            sheet.append([_sheet_cell(sheet, line, bold=number == 0)])
        if spec.lead:
            sheet.append([])
        for number, table in enumerate(spec.tables):
            if number:
                sheet.append([])
            for line_number, line in enumerate(table.heading):
                sheet.append([_sheet_cell(sheet, line, bold=line_number == 0)])
            sheet.append([_sheet_cell(sheet, column.label, bold=True) for column in table.columns])
            formats = [column.number_format for column in table.columns]
            for row in table.rows:
                sheet.append(
                    [
                        _sheet_cell(sheet, value, number_format=number_format)
                        for value, number_format in zip(row, formats, strict=False)
                    ]
                )
    book.save(stream)


def frame_rows(frame: pl.DataFrame) -> tuple[list[str], Iterable[Sequence[Cell]]]:
    """A frame's header labels and rows (lists joined with ``;``) for the row writers."""
    flat = frame.with_columns(
        pl.col(name).cast(pl.List(pl.Utf8)).list.join(";")
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.List | pl.Array)
    )
    return flat.columns, flat.iter_rows()


def write_frame_xlsx(frame: pl.DataFrame, stream: IO[bytes], sheet_title: str) -> None:
    """A frame as a workbook of one sheet."""
    columns, rows = frame_rows(frame)
    write_xlsx(rows, columns, stream, sheet_title)


def write_frames_xlsx(frames: dict[str, pl.DataFrame], stream: IO[bytes]) -> None:
    """Frames as a workbook, one sheet per frame, titled by the dictionary's keys."""
    write_workbook({title: frame_rows(frame) for title, frame in frames.items()}, stream)
