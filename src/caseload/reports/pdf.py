"""A report as a PDF, laid out by Typst from a static template.

The report never becomes Typst markup: its plain data (:func:`.document.document`, cells already
formatted) is written as ``data.json`` and each chart as ``chart-N.svg`` into a temporary folder
beside a copy of ``templates/report.typ``, which reads them with Typst code. A team called
``#import "x": *`` is printed as those characters. Only the fonts built into Typst are used (system
fonts are ignored) and the document's date is the report's own, so the same report gives the same
file on every machine."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC
from pathlib import Path

import typst

from caseload.reports.charts import PRINT_HEIGHT, PRINT_WIDTH, chart_svg
from caseload.reports.document import document, report_charts
from caseload.reports.model import Report

TEMPLATE = Path(__file__).parent / "templates" / "report.typ"


def render_pdf(report: Report) -> bytes:
    """``report`` as PDF bytes (A4, a cover page, contents, page numbers, each section from a
    new page). A Typst error here is a fault in the template, so it is raised as it is."""
    produced = report.produced_at
    if produced.tzinfo is None:
        produced = produced.replace(tzinfo=UTC)
    with tempfile.TemporaryDirectory(prefix="caseload-report-") as folder:
        root = Path(folder)
        (root / "report.typ").write_bytes(TEMPLATE.read_bytes())
        (root / "data.json").write_text(
            json.dumps(document(report), ensure_ascii=False), encoding="utf-8"
        )
        for number, chart in enumerate(report_charts(report), start=1):
            (root / f"chart-{number}.svg").write_text(
                chart_svg(chart, width=PRINT_WIDTH, height=PRINT_HEIGHT), encoding="utf-8"
            )
        pdf: bytes = typst.compile(
            str(root / "report.typ"),
            root=str(root),
            font_paths=[],
            ignore_system_fonts=True,
            timestamp=int(produced.timestamp()),
        )
    return pdf
