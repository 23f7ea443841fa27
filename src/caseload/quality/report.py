"""The data-quality report as one context, rendered as JSON or as a self-contained HTML page
(no scripts or styles from elsewhere). Names never appear: records are named by Caseload id,
link and the source system's reference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

import polars as pl

from caseload.quality.checks import CHECKS


@dataclass(frozen=True)
class QualityReport:
    authorities: list[dict[str, Any]]  # code, as_at
    findings: pl.DataFrame

    def summary(self) -> list[dict[str, Any]]:
        counts = dict(self.findings.group_by("check").len().iter_rows())
        return [
            {
                "check": name,
                "title": check.title,
                "findings": int(counts.get(name, 0)),
                "fix": check.fix,
            }
            for name, check in CHECKS.items()
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "authorities": [
                {"code": a["code"], "as_at": _iso(a["as_at"])} for a in self.authorities
            ],
            "total": self.findings.height,
            "checks": self.summary(),
            "findings": self.findings.to_dicts(),
        }


def _iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, date) else None


STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1b1b}
table{border-collapse:collapse;margin:0 0 2rem}th,td{border:1px solid #ccc;padding:.3rem .6rem;
text-align:left;vertical-align:top}th{background:#f0f0f0}td.n{text-align:right}
h2{margin-top:2.5rem}.ok{color:#2e7d32}.why{color:#555;max-width:60rem}
"""


def render_html(report: QualityReport, *, shown_per_check: int = 500) -> str:
    """A page with a summary and one table per check; each record links to the record to fix."""
    authorities = ", ".join(
        f"{escape(a['code'])} (data to {_iso(a['as_at']) or 'unknown'})" for a in report.authorities
    )
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Caseload data quality</title><style>",
        STYLE,
        "</style></head><body>",
        "<h1>Data quality</h1>",
        f"<p>Authorities: {authorities or 'none'}. Findings: {report.findings.height}.</p>",
        "<table><tr><th>Check</th><th>Findings</th><th>What to do</th></tr>",
    ]
    for item in report.summary():
        parts.append(
            f"<tr><td><a href='#{item['check']}'>{escape(item['title'])}</a></td>"
            f"<td class='n'>{item['findings']}</td><td>{escape(item['fix'])}</td></tr>"
        )
    parts.append("</table>")
    for name, check in CHECKS.items():
        rows = report.findings.filter(pl.col("check") == name)
        parts.append(f"<h2 id='{name}'>{escape(check.title)} ({rows.height})</h2>")
        parts.append(
            f"<p class='why'>Why it matters: {escape(check.why)}. Fix: {escape(check.fix)}.</p>"
        )
        if rows.height == 0:
            parts.append("<p class='ok'>Nothing to fix.</p>")
            continue
        parts.append(
            "<table><tr><th>Authority</th><th>Record</th><th>Source reference</th><th>Detail</th>"
            "<th>Days</th></tr>"
        )
        for row in rows.head(shown_per_check).iter_rows(named=True):
            days = "" if row["days"] is None else str(row["days"])
            parts.append(
                f"<tr><td>{escape(row['authority'])}</td>"
                f"<td><a href='{escape(row['link'])}'>"
                f"{escape(row['record'])} {row['record_id']}</a></td>"
                f"<td>{escape(row['reference'] or '')}</td><td>{escape(row['detail'] or '')}</td>"
                f"<td class='n'>{days}</td></tr>"
            )
        parts.append("</table>")
        if rows.height > shown_per_check:
            parts.append(f"<p>... and {rows.height - shown_per_check} more (see the JSON).</p>")
    parts.append("</body></html>\n")
    return "".join(parts)
