"""Sending a table file (CSV or Excel) built by :mod:`caseload.services.table_download`."""

from __future__ import annotations

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
