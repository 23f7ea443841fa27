"""The data-quality report across the database (or one authority)."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine

from caseload.errors import NotFoundError
from caseload.quality import CHECKS as CHECKS
from caseload.quality import QualityData, run_checks
from caseload.quality import QualityReport as QualityReport
from caseload.quality import render_html as render_html
from caseload.storage import quality_queries, queries
from caseload.storage.engine import session_scope
from caseload.storage.schema import require_current


def data_quality(
    engine: Engine, *, authority_code: str | None = None, link_base: str = ""
) -> QualityReport:
    """Findings of every check; present-day checks use each authority's data date."""
    require_current(engine)
    with session_scope(engine) as session:
        found = queries.authorities(session, authority_code)
        if not found:
            raise NotFoundError(
                "the database holds no authorities yet; import or generate data first"
            )
        ids = [a.id for a in found]
        days = [queries.latest_data_date(session, [a.id]) for a in found]
        authorities = pl.DataFrame(
            {
                "authority_id": ids,
                "authority": [a.code for a in found],
                "as_at": days,
            },
            schema={"authority_id": pl.Int64, "authority": pl.Utf8, "as_at": pl.Date},
        )
        data = QualityData(
            authorities=authorities,
            workers=quality_queries.workers_frame(session, ids),
            spells=quality_queries.spells_frame(session, ids),
            statuses=quality_queries.statuses_frame(session, ids),
            allocations=quality_queries.allocations_frame(session, ids),
        )
    findings = run_checks(data, link_base=link_base)
    return QualityReport(
        authorities=[{"code": a.code, "as_at": d} for a, d in zip(found, days, strict=True)],
        findings=findings,
    )
