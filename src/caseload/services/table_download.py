"""A table of a page, taken away as a CSV file or an Excel workbook: the same rows the page
shows (after its filters, with its disclosure), written by the one writer
(:mod:`caseload.exporters.tables`) and recorded in the audit trail as an export."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine

from caseload.auth.principal import Principal
from caseload.errors import InvalidInputError
from caseload.exporters.tables import Cell, csv_string, write_xlsx
from caseload.services import audit

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class TableFile:
    """A file to send: its name, media type and bytes."""

    filename: str
    media_type: str
    content: bytes


def checked_format(text: str) -> str:
    if text not in FORMATS:
        raise InvalidInputError("choose csv or xlsx (Excel) for the download")
    return text


def table_file(
    engine: Engine,
    principal: Principal,
    *,
    what: str,
    title: str,
    day: date,
    columns: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    file_format: str,
    detail: dict[str, Any] | None = None,
) -> TableFile:
    """``rows`` under ``columns`` as a file named after ``what`` and ``day``, recorded as an
    export of ``what`` with how many rows it held and ``detail`` (the page's filters)."""
    kind = checked_format(file_format)
    if kind == "csv":
        # A byte-order mark, so Excel opens the file as UTF-8.
        content = ("\ufeff" + csv_string(rows, columns)).encode("utf-8")
    else:
        buffer = io.BytesIO()
        write_xlsx(rows, columns, buffer, title)
        content = buffer.getvalue()
    audit.record(
        engine,
        principal,
        "export",
        what,
        None,
        {"format": kind, "rows": len(rows), **(detail or {})},
    )
    return TableFile(f"{what}-{day.isoformat()}.{kind}", FORMATS[kind], content)
