"""A report as an Excel workbook, written by the product's one writer
(:func:`caseload.exporters.tables.write_formatted_workbook`, which keeps any cell from acting as
a formula): a "Contents" sheet, one sheet per section (its commentary, then its charts' numbers
and its tables one under another) and a "Notes" sheet of definitions, sources and notes.

Figures stay numbers, with Excel number formats that show them as the PDF and HTML reports do;
a suppressed figure is the text ``c`` and a missing one an empty cell."""

from __future__ import annotations

import io
from collections.abc import Sequence

from caseload.exporters.tables import (
    FormattedSheet,
    SheetColumn,
    SheetTable,
    sheet_titles,
    write_formatted_workbook,
)
from caseload.reports.cells import SUPPRESSED, format_cell
from caseload.reports.charts import chart_table
from caseload.reports.document import AUDIENCE_NOTES, produced_text
from caseload.reports.model import Cell, Column, ColumnKind, Report, Section, Table

CONTENTS, NOTES = "Contents", "Notes"
MIN_WIDTH, MAX_WIDTH, NUMBER_WIDTH = 8.0, 60.0, 12.0


def number_format(column: Column) -> str | None:
    """Excel's number format for a column's figures: ``#,##0`` for counts, ``#,##0.0`` for a
    decimal to one place, ``0.0"%"`` for per cent values (already in per cent),
    ``+0.0;-0.0;0.0`` for signed changes; none for text and ratings."""
    decimals = "." + "0" * column.places if column.places > 0 else ""
    return {
        ColumnKind.COUNT: "#,##0",
        ColumnKind.NUMBER: f"#,##0{decimals}",
        ColumnKind.PERCENT: f'0{decimals}"%"',
        ColumnKind.POINTS: f"+0{decimals};-0{decimals};0{decimals}",
    }.get(column.kind)


def sheet_value(value: Cell, column: Column) -> Cell:
    """A cell as the workbook holds it: numbers as numbers, a RAG rating as its word, ``c`` and
    other text as text, no figure as an empty cell."""
    if column.kind is ColumnKind.RAG and value is not None and value != SUPPRESSED:
        return format_cell(value, column)
    return value


def _width(table: Table, column: Column) -> float:
    texts = [column.label, *(format_cell(row.get(column.key), column) for row in table.rows)]
    widest = max(len(text) for text in texts) + 2
    floor = NUMBER_WIDTH if number_format(column) else MIN_WIDTH
    return min(max(widest, floor), MAX_WIDTH)


def sheet_table(table: Table, heading: Sequence[str] | None = None) -> SheetTable:
    """A report table for a sheet: its title (and note) above it, a column format and width
    for each column."""
    lines = heading if heading is not None else [table.title, *([table.note] if table.note else [])]
    return SheetTable(
        heading=list(lines),
        columns=[
            SheetColumn(column.label, number_format(column), _width(table, column))
            for column in table.columns
        ],
        rows=[
            [sheet_value(row.get(column.key), column) for column in table.columns]
            for row in table.rows
        ],
    )


def _list_table(title: str, label: str, items: Sequence[str]) -> SheetTable:
    return SheetTable(
        heading=[title],
        columns=[SheetColumn(label, None, min(max(len(item) for item in items) + 2, MAX_WIDTH))],
        rows=[[item] for item in items],
    )


def section_sheet(section: Section) -> FormattedSheet:
    """A section's sheet: its title and commentary, its charts' numbers, then its tables."""
    tables = [
        sheet_table(chart_table(chart), [chart.title, "The numbers in the chart of this name."])
        for chart in section.charts
    ]
    tables += [sheet_table(table) for table in section.tables]
    if section.notes:
        tables.append(_list_table("Notes", "Note", section.notes))
    return FormattedSheet(section.title, tables, lead=[section.title, *section.commentary])


def _holds(section: Section) -> str:
    parts = [f"Chart numbers: {chart.title}." for chart in section.charts]
    parts += [f"Table: {table.title}." for table in section.tables]
    return " ".join(parts) or "Commentary only."


def contents_sheet(report: Report, names: Sequence[str]) -> FormattedSheet:
    """The first sheet: the report's title page and what each sheet holds (``names``: the
    sheets' names in order, after this one)."""
    holds = [*(_holds(section) for section in report.sections), "Definitions, sources and notes."]
    tables = [
        SheetTable(
            heading=["Sheets in this workbook"],
            columns=[
                SheetColumn("Sheet", None, max(len(name) for name in [*names, "Sheet"]) + 2),
                SheetColumn("What it holds", None, MAX_WIDTH),
            ],
            rows=[[name, what] for name, what in zip(names, holds, strict=True)],
        )
    ]
    if report.no_data:
        tables.append(_list_table("Areas with no data yet", "Area", report.no_data))
    return FormattedSheet(
        CONTENTS,
        tables,
        lead=[
            report.title,
            report.subtitle,
            f"Produced on {produced_text(report.produced_at)}.",
            AUDIENCE_NOTES[report.audience],
        ],
        freeze_header=False,
    )


def notes_sheet(report: Report) -> FormattedSheet:
    """The last sheet: each figure's definition and source, the sources and the report's notes."""
    tables: list[SheetTable] = []
    if report.definitions:
        definitions = Table(
            "Definitions",
            (
                Column("name", "Figure"),
                Column("definition", "Definition"),
                Column("source", "Source"),
            ),
            tuple(
                {"name": item.name, "definition": item.definition, "source": item.source}
                for item in report.definitions
            ),
        )
        tables.append(sheet_table(definitions))
    if report.sources:
        tables.append(_list_table("Sources", "Source", report.sources))
    if report.notes:
        tables.append(_list_table("Notes on this report", "Note", report.notes))
    return FormattedSheet(NOTES, tables, lead=["Notes, definitions and sources"])


def render_xlsx(report: Report) -> bytes:
    """``report`` as an Excel workbook (bytes)."""
    body = [section_sheet(section) for section in report.sections] + [notes_sheet(report)]
    names = sheet_titles([CONTENTS, *(sheet.title for sheet in body)])
    out = io.BytesIO()
    write_formatted_workbook([contents_sheet(report, names[1:]), *body], out)
    return out.getvalue()
