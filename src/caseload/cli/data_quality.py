"""``caseload data-quality``: what to fix in the data, record by record."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from caseload.cli.context import acting_user, engine
from caseload.cli.output import console, print_json, print_table
from caseload.services import audit
from caseload.services.audit import cli_actor
from caseload.services.data_quality import CHECKS, QualityReport, render_html
from caseload.services.data_quality import data_quality as build_report

SHOWN_PER_CHECK = 10


class Format(str, Enum):
    table = "table"
    json = "json"
    html = "html"


def data_quality(
    authority: Annotated[
        str | None, typer.Option("--authority", help="3-digit code; default: every authority.")
    ] = None,
    output: Annotated[Format, typer.Option("--format", help="table, json or html.")] = Format.table,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the report to this file instead.")
    ] = None,
    link_base: Annotated[
        str,
        typer.Option(
            "--link-base", help="Prefix for record links, e.g. https://caseload.example.gov.uk"
        ),
    ] = "",
    user: Annotated[
        str | None,
        typer.Option("--user", help="Who is exporting (with --out; else CASELOAD_USER or login)."),
    ] = None,
) -> None:
    """Missing SWE numbers and census items, overlapping spells, FTE above 1, unallocated
    children (and for how long), allocations to workers not in post, workers with no team. Every
    finding names the record to fix."""
    report = build_report(engine(), authority_code=authority, link_base=link_base)
    if output is Format.html:
        text = render_html(report)
    elif output is Format.json:
        if out is None:
            print_json(report.to_dict())
            return
        text = json.dumps(report.to_dict(), indent=2, default=str) + "\n"
    else:
        show_table(report)
        return
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        # A written report names records to fix: it is an export, recorded like the others.
        audit.record(
            engine(),
            audit.council_actor(engine(), cli_actor(acting_user(user)), authority),
            "export",
            "data_quality",
            authority or "all",
            {"file": out.name, "format": output.value, "findings": report.findings.height},
        )
        console.print(
            f"Wrote the data-quality report ({report.findings.height} findings) to {out}."
        )


def show_table(report: QualityReport) -> None:
    rows = [[item["title"], item["findings"]] for item in report.summary()]
    print_table("Data quality", ["Check", "Findings"], rows)
    for name, check in CHECKS.items():
        found = report.findings.filter(report.findings["check"] == name)
        if found.height == 0:
            continue
        shown = [
            [
                r["authority"],
                f"{r['record']} {r['record_id']}",
                r["reference"],
                r["detail"],
                r["days"],
            ]
            for r in found.head(SHOWN_PER_CHECK).iter_rows(named=True)
        ]
        title = f"{check.title} ({found.height}; fix: {check.fix})"
        print_table(
            title, ["Authority", "Record", "Source ref", "Detail", "Days"], shown, numeric_from=4
        )
        if found.height > SHOWN_PER_CHECK:
            console.print(
                f"... and {found.height - SHOWN_PER_CHECK} more (--format json or html for all)"
            )
