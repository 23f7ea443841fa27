"""The three formats print the same report: every figure the HTML shows, the PDF shows, and the
workbook holds the number behind it; a report with nothing in it still renders."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from caseload.reports.cells import format_cell
from caseload.reports.charts import chart_table
from caseload.reports.html import render_html
from caseload.reports.model import Audience, Section
from caseload.reports.pdf import render_pdf
from caseload.reports.workbook import render_xlsx

from .sample import sample_report


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _printed_cells() -> set[str]:
    report = sample_report()
    tables = [table for section in report.sections for table in section.tables]
    tables += [chart_table(chart) for section in report.sections for chart in section.charts]
    return {
        format_cell(row.get(column.key), column)
        for table in tables
        for row in table.rows
        for column in table.columns
    }


def test_every_printed_figure_is_in_the_html_and_the_pdf(tmp_path: Path) -> None:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    report = sample_report()
    html = _html_text(render_html(report))
    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf(report))
    pdf = " ".join(
        subprocess.run(
            [pdftotext, str(path), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    cells = _printed_cells()
    assert {"1,234", "17.3", "12.5%", "+4.1", "-0.3", "0.0", "–", "c", "Amber"} <= cells
    assert [cell for cell in cells if cell not in html] == []
    assert [cell for cell in cells if cell not in pdf] == []


def test_a_public_report_says_so_on_its_title_page() -> None:
    report = sample_report(audience=Audience.PUBLIC)
    html = _html_text(render_html(report))
    assert "as at 31 March 2025. Public." in html
    assert "No one is named." in html
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    assert str(book["Contents"]["A4"].value).startswith("Public. No one is named.")


def test_a_report_with_nothing_in_it_still_renders() -> None:
    empty = replace(
        sample_report(),
        sections=(Section(key="empty", title="Nothing yet"),),
        no_data=(),
        definitions=(),
        sources=(),
        notes=(),
    )
    html = render_html(empty)
    assert "Nothing yet" in html
    assert "Areas with no data yet" not in html
    assert render_pdf(empty).startswith(b"%PDF-")
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(empty)))
    assert book.sheetnames == ["Contents", "Nothing yet", "Notes"]
    assert book["Nothing yet"]["A1"].value == "Nothing yet"
