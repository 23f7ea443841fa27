"""A report as plain data for a template: every cell already formatted (:mod:`.cells`), each
chart numbered and paired with its numbers table. The HTML template reads it as a context and the
PDF template as JSON, so the two documents print the same words and figures."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from caseload.reports.cells import format_cell, is_numeric
from caseload.reports.charts import RAG_COLOURS, chart_table
from caseload.reports.model import Audience, Chart, Column, ColumnKind, Report, Table

AUDIENCE_NOTES = {
    Audience.INTERNAL: (
        "Internal: not for publication. This report shows figures for teams and services in "
        "full, for the council's leaders."
    ),
    Audience.PUBLIC: (
        "Public. No one is named. A figure about very few people is shown as “c” (held back "
        "to protect them), as in the Department for Education's statistics."
    ),
}
NOT_ANCHOR = re.compile(r"[^a-z0-9]+")


def produced_text(moment: datetime) -> str:
    """When a report was produced, as a title page says it: ``3 March 2025 at 09:15``."""
    return moment.strftime("%-d %B %Y at %H:%M")


def report_charts(report: Report) -> list[Chart]:
    """The report's charts in reading order; chart ``n`` (from 1) is the n-th of them."""
    return [chart for section in report.sections for chart in section.charts]


SHORT_TEXT = 16  # characters: a label this long or shorter never wraps


def table_data(table: Table) -> dict[str, Any]:
    """A table with its cells as printed: each cell's text, and its RAG rating (for the coloured
    marker beside the word) in a RAG column."""
    texts = [
        [format_cell(row.get(column.key), column) for column in table.columns] for row in table.rows
    ]
    rows = [
        [
            {
                "text": format_cell(row.get(column.key), column),
                "rag": _rag(row.get(column.key)) if column.kind is ColumnKind.RAG else None,
            }
            for column in table.columns
        ]
        for row in table.rows
    ]
    return {
        "title": table.title,
        "note": table.note,
        "columns": [
            {
                "label": column.label,
                "kind": column.kind.value,
                "numeric": is_numeric(column),
                # Words that need room to wrap (a measure, a team) share what is left; other
                # columns are as wide as their longest cell or the longest word of their label.
                "wide": not is_numeric(column)
                and any(len(row[index]) > SHORT_TEXT for row in texts),
                "width": _width_em(column, [row[index] for row in texts]),
            }
            for index, column in enumerate(table.columns)
        ],
        "rows": rows,
    }


def _width_em(column: Column, texts: list[str]) -> float:
    """A column's width in ems at the tables' type size: its longest cell or the longest word of
    its label (labels wrap between words), with room for the rating's marker."""
    longest = max([len(text) for text in texts] + [len(w) for w in column.label.split()] + [1])
    marker = 1.0 if column.kind is ColumnKind.RAG else 0.0
    return round(longest * 0.55 + 0.9 + marker, 2)


def _rag(value: object) -> str | None:
    rating = value.lower() if isinstance(value, str) else None
    return rating if rating in RAG_COLOURS else None


def document(report: Report) -> dict[str, Any]:
    """``report`` as plain data (strings, lists and dictionaries) for a template."""
    sections: list[dict[str, Any]] = []
    number = 0
    for index, section in enumerate(report.sections, start=1):
        charts = []
        for chart in section.charts:
            number += 1
            charts.append(
                {"number": number, "title": chart.title, "table": table_data(chart_table(chart))}
            )
        sections.append(
            {
                "anchor": f"s{index}-{NOT_ANCHOR.sub('-', section.key.lower()).strip('-')}",
                "title": section.title,
                "commentary": list(section.commentary),
                "charts": charts,
                "tables": [table_data(table) for table in section.tables],
                "notes": list(section.notes),
            }
        )
    return {
        "title": report.title,
        "subtitle": report.subtitle,
        "council_name": report.council_name,
        "produced": produced_text(report.produced_at),
        "audience_note": AUDIENCE_NOTES[report.audience],
        "rag_colours": RAG_COLOURS,
        "sections": sections,
        "no_data": list(report.no_data),
        "notes": list(report.notes),
        "definitions": [
            {"name": item.name, "definition": item.definition, "source": item.source}
            for item in report.definitions
        ],
        "sources": list(report.sources),
    }
