"""The data-quality findings as the Data quality page shows them to each role.

Findings never hold names. What else is shown depends on the role:

- administrators (who load the data) and service leaders (who may see named records) get the
  source system's reference for each record (staff number, child reference or involvement id)
  so they can find it in the HR or case management system, and leaders get a link to a worker's
  page;
- performance analysts see pseudonymised data only, so they get the record's keyed pseudonym
  (the same as on their other pages: a worker's spells carry the worker's), never a database id
  or a source reference: staff numbers and SWE numbers are also taken out of the finding's
  description."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Engine

from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.domain.disclosure import pseudonym
from caseload.quality import CHECKS
from caseload.services import audit
from caseload.services.data_quality import data_quality
from caseload.services.pseudonyms import pseudonym_key
from caseload.services.table_download import TableFile, table_file
from caseload.storage.engine import session_scope
from caseload.storage.models import Authority

SHOWN_PER_CHECK = 200
MAX_DOWNLOADED = 100_000  # findings of one check a download holds at most
IDENTIFIERS = re.compile(r"\b(staff number|SWE number) \S+")
# Pages for named records, for roles that may open them (workers have a page; children not yet).
RECORD_LINKS = {"worker": "/workers/{id}"}
# The pseudonym kind of each record (a spell is its worker's: keyed on the staff number).
PSEUDONYM_KINDS = {"worker": "worker", "spell": "worker", "child": "child"}
Label = Callable[[str, str], str]


@dataclass(frozen=True)
class QualityPage:
    authority: str
    as_at: Any
    total: int
    summary: list[dict[str, Any]]
    findings: dict[str, list[dict[str, Any]]]
    more: dict[str, int]
    shows_references: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "authority": self.authority,
            "as_at": self.as_at.isoformat() if self.as_at else None,
            "total": self.total,
            "checks": self.summary,
            "findings": self.findings,
            "shows_references": self.shows_references,
        }


def shows_references(principal: Principal) -> bool:
    """Source references (staff numbers, child references) for those who fix or see records."""
    return principal.can(Permission.IMPORT_DATA) or principal.can(Permission.VIEW_PEOPLE)


def _row(
    row: dict[str, Any], *, references: bool, links: bool, label: Label | None = None
) -> dict[str, Any]:
    """A finding as shown; without ``references`` the record is named by ``label`` (its keyed
    pseudonym) instead of its id and source reference."""
    detail = row["detail"] or ""
    link = None
    if links and row["record"] in RECORD_LINKS:
        link = RECORD_LINKS[row["record"]].format(id=row["record_id"])
    named = None
    if not references and label is not None:
        kind = PSEUDONYM_KINDS.get(row["record"], row["record"])
        named = label(kind, row["reference"] or f"\x00record {row['record_id']}")
    return {
        "record": row["record"],
        "record_id": row["record_id"] if references else None,
        "pseudonym": named,
        "reference": row["reference"] if references else None,
        "detail": detail if references else IDENTIFIERS.sub(r"\1 (hidden)", detail),
        "days": row["days"],
        "link": link,
    }


def quality_for(
    engine: Engine,
    principal: Principal,
    *,
    shown_per_check: int = SHOWN_PER_CHECK,
    record: bool = True,
) -> QualityPage:
    """The principal's council's findings, check by check (at most ``shown_per_check`` each).
    A view showing the records' references is written to the audit trail (unless ``record`` is
    off: a download records itself as an export)."""
    audit.require(engine, principal, Permission.VIEW_DATA_QUALITY, "data quality")
    with session_scope(engine) as session:
        code = session.get_one(Authority, principal.authority_id).code
    report = data_quality(engine, authority_code=code)
    references = shows_references(principal)
    links = principal.can(Permission.VIEW_PEOPLE)
    label: Label | None = None
    if not references:
        secret = pseudonym_key(engine)

        def label(kind: str, key: str) -> str:
            return pseudonym(secret, kind, code, key)

    findings: dict[str, list[dict[str, Any]]] = {}
    more: dict[str, int] = {}
    for name in CHECKS:
        rows = report.findings.filter(pl.col("check") == name)
        findings[name] = [
            _row(row, references=references, links=links, label=label)
            for row in rows.head(shown_per_check).iter_rows(named=True)
        ]
        more[name] = max(rows.height - shown_per_check, 0)
    shown = sum(len(rows) for rows in findings.values())
    if record and references and shown:
        # The findings name the records to fix (staff numbers, child references, names): a
        # person-level view, recorded like a worker page's.
        audit.record(engine, principal, "view", "data_quality", None, {"findings_shown": shown})
    return QualityPage(
        authority=code,
        as_at=report.authorities[0]["as_at"] if report.authorities else None,
        total=report.findings.height,
        summary=[item | {"why": CHECKS[item["check"]].why} for item in report.summary()],
        findings=findings,
        more=more,
        shows_references=references,
    )


QUALITY_COLUMNS = ("Check", "Record", "Reference", "What is wrong", "Days")


def quality_download(engine: Engine, principal: Principal, file_format: str) -> TableFile:
    """Every finding, check by check, as the page shows them (references or pseudonyms as the
    role sees them), as a file."""
    page = quality_for(engine, principal, shown_per_check=MAX_DOWNLOADED, record=False)
    rows = [
        [
            CHECKS[name].title,
            row["record"],
            row["reference"] if page.shows_references else row["pseudonym"],
            row["detail"],
            row["days"],
        ]
        for name, found in page.findings.items()
        for row in found
    ]
    return table_file(
        engine,
        principal,
        what="data-quality",
        title="Data quality",
        day=page.as_at or date.today(),
        columns=QUALITY_COLUMNS,
        rows=rows,
        file_format=file_format,
        detail={"references": page.shows_references},
    )
