"""Sending a table file (CSV or Excel) built by :mod:`caseload.services.table_download`, and the
links of a paged, filtered table (its pages and its downloads)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi.responses import Response

from caseload.services.table_download import TableFile


def file_response(found: TableFile) -> Response:
    """The file as an attachment, never cached (it holds personal data)."""
    return Response(
        found.content,
        media_type=found.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{found.filename}"',
            "Cache-Control": "no-store",
        },
    )


def table_links(
    path: str, filters: Mapping[str, str], as_at: date | None, page: int, pages: int
) -> dict[str, Any]:
    """A paged, filtered table's links, keeping its filters and reporting date: the previous
    and next pages, and its downloads (``path`` + ``/download``) as Excel and CSV."""
    kept = [(name, value) for name, value in filters.items() if value]
    if as_at is not None:
        kept.append(("as_at", as_at.isoformat()))

    def page_href(number: int) -> str:
        return f"{path}?" + urlencode([*kept, ("page", str(number))])

    return {
        "previous_url": page_href(page - 1) if page > 1 else None,
        "next_url": page_href(page + 1) if page < pages else None,
        "downloads": {
            kind: f"{path}/download?" + urlencode([*kept, ("format", kind)])
            for kind in ("xlsx", "csv")
        },
    }
