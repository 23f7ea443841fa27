"""A report as one self-contained, printable HTML document: inline CSS and SVG charts, no
JavaScript and nothing fetched, with print rules for A4 (each section on a new page, table rows
kept whole, header rows repeated)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from caseload.reports.charts import PRINT_HEIGHT, PRINT_WIDTH, chart_svg
from caseload.reports.document import document, report_charts
from caseload.reports.model import Report

TEMPLATES = Path(__file__).parent / "templates"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def render_html(report: Report) -> str:
    """``report`` as an HTML document (every piece of text escaped)."""
    svgs = {
        number: chart_svg(chart, width=PRINT_WIDTH, height=PRINT_HEIGHT)
        for number, chart in enumerate(report_charts(report), start=1)
    }
    return _environment().get_template("report.html").render(**document(report), svgs=svgs)
