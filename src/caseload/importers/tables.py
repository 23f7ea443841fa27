"""Sniffing and reading source files into frames of text.

Sniff: the file's kind from its first bytes (an ``.xlsx`` workbook is a zip; an old ``.xls`` is
refused with advice), then for text its encoding (:mod:`caseload.importers.encodings`: UTF-8
with or without BOM, UTF-16, a legacy Windows-1252 file, or the encoding the user names; UTF-8
with stray bytes is refused) and delimiter (comma, semicolon, tab or bar). Read: every cell as
text with outer spaces removed and blank cells null, plus ``_row``, the row number a spreadsheet
would show. Header rows above the data may be several (Excel merged headers): the upper rows are
carried across blank (merged) cells and joined to the last row with a space."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import polars as pl

from caseload.errors import InvalidInputError
from caseload.importers.encodings import decode_text

ROW = "_row"
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
DELIMITERS = ",;\t|"
MAX_BYTES = 500 * 1024 * 1024


@dataclass(frozen=True)
class RawTable:
    """A source table as text. ``name`` is what problems call the file."""

    name: str
    frame: pl.DataFrame  # one Utf8 column per header, plus _row
    headers: tuple[str, ...]
    sha256: str
    width_problems: tuple[tuple[int, int], ...] = ()  # (row, cells) where a row is too wide
    bottom_headers: tuple[str, ...] = ()  # the last header row alone, for mappings that use it

    @property
    def height(self) -> int:
        return self.frame.height


def read_source(
    path: Path,
    *,
    sheet: str | int | None = None,
    skip_rows: int = 0,
    header_rows: int = 1,
    name: str | None = None,
    encoding: str | None = None,
) -> RawTable:
    """Read a CSV or XLSX file; raises InvalidInputError naming the file when it cannot.
    ``encoding`` is a CSV's character encoding (default: detected)."""
    shown = name or path.name
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InvalidInputError(f"{shown}: the file is over 500 MB; split the extract")
        content = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInputError(f"{shown}: no such file; check the path") from None
    except IsADirectoryError:
        raise InvalidInputError(f"{shown}: is a folder, not a file") from None
    except PermissionError:
        raise InvalidInputError(f"{shown}: cannot be read (permission denied)") from None
    return read_bytes(
        content,
        name=shown,
        sheet=sheet,
        skip_rows=skip_rows,
        header_rows=header_rows,
        encoding=encoding,
    )


def read_bytes(
    content: bytes,
    *,
    name: str,
    sheet: str | int | None = None,
    skip_rows: int = 0,
    header_rows: int = 1,
    encoding: str | None = None,
) -> RawTable:
    digest = hashlib.sha256(content).hexdigest()
    if not content.strip():
        raise InvalidInputError(f"{name}: the file is empty; export the extract again")
    if content.startswith(OLE_MAGIC):
        raise InvalidInputError(
            f"{name}: is an old Excel .xls workbook; save it as .xlsx or CSV and import that"
        )
    merged: set[tuple[int, int]] | None = None
    if content.startswith(XLSX_MAGIC):
        rows, merged = _xlsx_rows(content, name, sheet)
    else:
        rows = _csv_rows(decode_text(content, name=name, encoding=encoding), name)
    return _table(
        rows,
        name=name,
        digest=digest,
        skip_rows=skip_rows,
        header_rows=header_rows,
        merged=merged,
    )


def _csv_rows(text: str, name: str) -> list[list[str]]:
    sample = text[:65536]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        delimiter = ","
    first_line = sample.splitlines()[0] if sample else ""
    if delimiter not in first_line:  # the sniffer guessed from data, not the header
        counts = {d: first_line.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        delimiter = best if counts[best] else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InvalidInputError(
            f"{name}: cannot be read as CSV ({exc}); check quotes are balanced"
        ) from None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".10g")
    return str(value)


MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _merged_cells(content: bytes, sheet_path: str) -> set[tuple[int, int]]:
    """(row, column) of every cell covered by a merge but not its top-left cell, 0-based."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read(sheet_path)
    covered: set[tuple[int, int]] = set()
    for first_col, first_row, last_col, last_row in MERGE.findall(xml):
        c1, c2 = _column_number(first_col), _column_number(last_col)
        r1, r2 = int(first_row), int(last_row)
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 10_000:
            continue
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    covered.add((r - 1, c - 1))
    return covered


def _xlsx_rows(
    content: bytes, name: str, sheet: str | int | None
) -> tuple[list[list[str]], set[tuple[int, int]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise InvalidInputError(
            f"{name}: is not a readable .xlsx workbook; open it in Excel and save it again"
        ) from None
    try:
        names = book.sheetnames
        if sheet is None:
            chosen = names[0]
        elif isinstance(sheet, int):
            if not 1 <= sheet <= len(names):
                raise InvalidInputError(f"{name}: has {len(names)} sheets, so no sheet {sheet}")
            chosen = names[sheet - 1]
        elif sheet in names:
            chosen = sheet
        else:
            raise InvalidInputError(
                f"{name}: has no sheet called {sheet!r}; sheets: {', '.join(names)}"
            )
        worksheet = book[chosen]
        rows = [
            [_cell_text(value) for value in row] for row in worksheet.iter_rows(values_only=True)
        ]
        path = getattr(worksheet, "_worksheet_path", None)
        merged = _merged_cells(content, path) if isinstance(path, str) else set()
        return rows, merged
    finally:
        book.close()


def _header(
    lines: Sequence[Sequence[str]], width: int, first: int, merged: set[tuple[int, int]] | None
) -> list[str]:
    """One name per column from one or more header rows. In a workbook, a merged cell takes the
    text of the merge; in a CSV (which has no merges) an upper row's text is carried right across
    blank cells."""
    filled: list[list[str]] = []
    for line in lines:
        cells = [(line[i] if i < len(line) else "").strip() for i in range(width)]
        filled.append(cells)
    for offset, upper in enumerate(filled[:-1]):
        carried = ""
        for i, cell in enumerate(upper):
            covered = merged is None or (first + offset, i) in merged
            carried = cell or (carried if covered else "")
            upper[i] = carried
    names: list[str] = []
    used: set[str] = {"_row"}  # the frame's own column of source row numbers
    for i in range(width):
        parts: list[str] = []
        for line in filled:
            if line[i] and (not parts or parts[-1] != line[i]):
                parts.append(line[i])
        header = " ".join(" ".join(parts).split()) or f"column {i + 1}"
        # A repeated name gets the first free " (2)", " (3)", ...: never one already in the row
        # (a header may itself read "Name (2)", or "column 3" beside an unnamed third column).
        name, copy = header, 1
        while name.casefold() in used:
            copy += 1
            name = f"{header} ({copy})"
        used.add(name.casefold())
        names.append(name)
    return names


def _blank(row: Iterable[str]) -> bool:
    return all(not cell.strip() for cell in row)


def _table(
    rows: list[list[str]],
    *,
    name: str,
    digest: str,
    skip_rows: int,
    header_rows: int,
    merged: set[tuple[int, int]] | None,
) -> RawTable:
    start = skip_rows
    while start < len(rows) and _blank(rows[start]):
        start += 1
    head = rows[start : start + header_rows]
    if len(head) < header_rows or _blank(head[-1]):
        raise InvalidInputError(f"{name}: has no header row; the first row must name the columns")
    width = max(len(line) for line in head)
    while width and all(
        i >= len(line) or not line[i].strip() for line in head for i in [width - 1]
    ):
        width -= 1
    headers = _header(head, width, start, merged)
    bottoms = tuple(
        " ".join((head[-1][i] if i < len(head[-1]) else "").split()) for i in range(width)
    )
    first = start + header_rows
    body: list[list[str]] = []
    numbers: list[int] = []
    wide: list[tuple[int, int]] = []
    for index in range(first, len(rows)):
        row = rows[index]
        if _blank(row):
            continue
        used = len(row)
        while used and not row[used - 1].strip():
            used -= 1
        if used > width:
            wide.append((index + 1, used))
        body.append([(row[i] if i < len(row) else "") for i in range(width)])
        numbers.append(index + 1)
    columns = list(zip(*body, strict=True)) if body else [() for _ in headers]
    frame = pl.DataFrame(
        {header: list(values) for header, values in zip(headers, columns, strict=True)},
        schema=dict.fromkeys(headers, pl.Utf8),
    )
    frame = frame.with_columns(
        pl.col(h).str.replace_all("\u00a0", " ").str.strip_chars().replace("", None)
        for h in headers
    ).with_columns(pl.Series(ROW, numbers, dtype=pl.Int64))
    return RawTable(name, frame, tuple(headers), digest, tuple(wide), bottoms)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def find_header(table: RawTable, candidates: Sequence[str]) -> str | None:
    """The column for the first candidate found among the full headers (case and spaces
    ignored), else among the last header row alone when that names one column only."""
    by_key = {_key(h): h for h in table.headers}
    bottoms: dict[str, list[str]] = {}
    for header, bottom in zip(table.headers, table.bottom_headers, strict=False):
        bottoms.setdefault(_key(bottom), []).append(header)
    for candidate in candidates:
        found = by_key.get(_key(candidate))
        if found is not None:
            return found
        alone = bottoms.get(_key(candidate), [])
        if len(alone) == 1:
            return alone[0]
    return None
