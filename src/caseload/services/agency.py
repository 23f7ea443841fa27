"""The agency rules for a council on a day, and its quarterly agency data return to DfE.

The rules are defined in :mod:`caseload.workforce.agency_rules` (one function each), the price
caps and the rules' settings in the council's cap file (``CASELOAD_AGENCY_PRICE_CAPS``, else the
built-in placeholders). The compliance shares are aggregates; the breaches name workers, so every
view of them is written to the audit trail. Caseload has no HR role: the service leader holds
the agency rules (``VIEW_AGENCY_RULES``); the return, which carries Social Work England numbers,
may be downloaded by whoever may download the census return too."""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Engine

from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.errors import InvalidInputError, NotFoundError
from caseload.services import audit
from caseload.services.caseloads import council_data
from caseload.services.table_files import write_frames_xlsx
from caseload.storage import agency_frames
from caseload.storage.engine import session_scope
from caseload.workforce.agency_caps import (
    CAPS_FILE,
    JOB_TYPES,
    PriceCaps,
    default_price_caps,
    load_price_caps,
)
from caseload.workforce.agency_return import AgencyReturn, build_return, parse_quarter
from caseload.workforce.agency_return_schema import validate_return
from caseload.workforce.agency_rules import RULES, RuleCheck, check_rules

CAPS_SETTING = "CASELOAD_AGENCY_PRICE_CAPS"
RULE_WORDS = {
    "pqe": "Post-qualifying experience",
    "cooling_off": "Cooling-off period",
    "notice": "Notice period",
    "reference": "Practice-based reference",
    "price_cap": "Price cap",
}


def price_caps(environ: Mapping[str, str] | None = None) -> PriceCaps:
    """The cap file ``CASELOAD_AGENCY_PRICE_CAPS`` names, else the built-in placeholders."""
    env = os.environ if environ is None else environ
    named = (env.get(CAPS_SETTING) or "").strip()
    if not named:
        return default_price_caps()
    return load_price_caps(Path(named), setting=CAPS_SETTING)


@dataclass(frozen=True)
class CouncilAgency:
    """What the rules read for one council: its code, region and data date, the engagements,
    every employment spell and the engaged workers' names and numbers."""

    authority_id: int
    code: str
    name: str
    region: str | None
    data_date: date | None
    engagements: pl.DataFrame
    spells: pl.DataFrame
    workers: pl.DataFrame


def council_agency(engine: Engine, authority_id: int) -> CouncilAgency:
    """What the agency rules read for the council, read once per state of its data into the
    council's snapshot."""
    council = council_data(engine, authority_id=authority_id)
    authority = council.authority

    def build() -> CouncilAgency:
        with session_scope(engine) as session:
            engagements = agency_frames.engagements_frame(session, [authority_id])
            spells = agency_frames.worker_spells_frame(session, authority_id)
            workers = agency_frames.agency_workers_frame(
                session, engagements["worker_id"].unique().to_list()
            )
        return CouncilAgency(
            authority_id,
            authority.code,
            authority.name,
            authority.region,
            authority.data_as_at,
            engagements,
            spells,
            workers,
        )

    found: CouncilAgency = council.snapshots.council_data.get_or_build(
        (*council.key, "agency records"), build
    )
    return found


def check_on(council: CouncilAgency, as_at: date, caps: PriceCaps) -> RuleCheck:
    """The one definition of the agency rule figures on a day, for page, API, command and pack."""
    return check_rules(
        council.engagements,
        council.spells,
        as_at=as_at,
        council=council.code,
        region=council.region,
        caps=caps.for_region(council.region),
        settings=caps.rules,
    )


def agency_check(engine: Engine, authority_id: int, as_at: date) -> RuleCheck | None:
    """The rules on ``as_at`` for the reports (aggregates only, so not audited); None when the
    council holds no agency engagement."""
    council = council_agency(engine, authority_id)
    if council.engagements.height == 0:
        return None
    return check_on(council, as_at, price_caps())


def _day(council: CouncilAgency, as_at: date | None) -> date:
    day = as_at or council.data_date
    if day is None:
        raise NotFoundError(
            f"council {council.code} has no data date yet; load its HR extract first"
        )
    return day


def compliance_rows(check: RuleCheck) -> list[dict[str, Any]]:
    return [
        {
            "rule": row["rule"],
            "title": RULE_WORDS[row["rule"]],
            "label": row["label"],
            "engagements": row["engagements"],
            "meeting": row["meeting"],
            "breaches": row["breaches"],
            "share": row["share"],
        }
        for row in check.compliance.to_dicts()
    ]


def _breach_rows(check: RuleCheck, council: CouncilAgency) -> list[dict[str, Any]]:
    named = (
        check.breaches.join(
            check.engagements.select("engagement_id", "agency", "job_type", "start_date"),
            on="engagement_id",
            how="left",
        )
        .join(council.workers, on="worker_id", how="left")
        .sort("name", "engagement_id", "rule")
    )
    return [
        {
            "engagement_id": row["engagement_id"],
            "worker_id": row["worker_id"],
            "name": row["name"],
            "staff_number": row["staff_number"],
            "agency": row["agency"],
            "job_type": JOB_TYPES.get(row["job_type"], row["job_type"]),
            "start_date": row["start_date"].isoformat(),
            "rule": row["rule"],
            "rule_title": RULE_WORDS[row["rule"]],
            "evidence": row["evidence"],
        }
        for row in named.to_dicts()
    ]


def _cap_rows(caps: PriceCaps, region: str | None) -> list[dict[str, Any]]:
    in_use = caps.for_region(region)
    return [
        {"job_type": job, "label": label, "cap": in_use.get(job)}
        for job, label in JOB_TYPES.items()
    ]


def agency_view(
    engine: Engine, principal: Principal, *, as_at: date | None = None
) -> dict[str, Any]:
    """The agency rules on ``as_at`` (default the data date): compliance with each rule, the
    breaches with their evidence (named: audited), and the price caps in use."""
    audit.require(engine, principal, Permission.VIEW_AGENCY_RULES, "agency rules")
    council = council_agency(engine, principal.authority_id)
    caps = price_caps()
    context: dict[str, Any] = {
        "title": "Agency rules",
        "authority": {"code": council.code, "name": council.name, "region": council.region},
        "as_at": None,
        "quarter": None,
        "data_date": council.data_date.isoformat() if council.data_date else None,
        "engagements": 0,
        "compliance": [],
        "breaches": [],
        "caps": _cap_rows(caps, council.region),
        "caps_source": caps.source if caps.source != CAPS_FILE else "built-in",
        "caps_placeholder": caps.placeholder,
        "caps_region": council.region if council.region in caps.caps else "default",
        "rules": dict(RULES),
        "settings": {
            "minimum_pqe_years": caps.rules.minimum_pqe_years,
            "cooling_off_months": caps.rules.cooling_off_months,
            "notice_weeks": caps.rules.notice_weeks_required,
        },
    }
    if as_at is None and council.data_date is None:
        return context
    day = _day(council, as_at)
    check = check_on(council, day, caps)
    breaches = _breach_rows(check, council)
    context.update(
        quarter=quarter_of(day),
        as_at=day.isoformat(),
        engagements=check.engagements.height,
        compliance=compliance_rows(check),
        breaches=breaches,
    )
    audit.record(
        engine,
        principal,
        "view",
        "agency_breaches",
        council.code,
        {"as_at": day.isoformat(), "workers": sorted({b["worker_id"] for b in breaches})},
    )
    return context


def _require_return(engine: Engine, principal: Principal) -> None:
    if principal.can(Permission.VIEW_AGENCY_RULES) or principal.can(Permission.DOWNLOAD_RETURN):
        return
    audit.require(engine, principal, Permission.VIEW_AGENCY_RULES, "agency data return")


def agency_return(engine: Engine, principal: Principal, *, quarter: str) -> AgencyReturn:
    """The quarterly agency data return for ``quarter`` (``2026Q3``), validated: a return with a
    problem raises ``InvalidInputError`` naming each sheet, row and item."""
    _require_return(engine, principal)
    period = parse_quarter(quarter)
    council = council_agency(engine, principal.authority_id)
    caps = price_caps()
    check = check_on(council, period.end, caps)
    in_quarter = council.spells.filter(
        (pl.col("contract") == "agency")
        & (pl.col("start_date") <= period.end)
        & (pl.col("end_date").is_null() | (pl.col("end_date") >= period.start))
    )
    fte = in_quarter.group_by("worker_id").agg(pl.col("fte").max())
    report = build_return(
        council.engagements,
        council.workers,
        fte,
        check,
        quarter=period,
        council=council.code,
        caps=caps.for_region(council.region),
        placeholder_caps=caps.placeholder,
        settings=caps.rules,
    )
    problems = validate_return(report)
    if problems:
        raise InvalidInputError(
            f"the agency return for {period.label} does not pass its checks; correct the "
            "engagements named and try again:\n" + "\n".join(problems[:50])
        )
    return report


def return_summary(report: AgencyReturn) -> dict[str, Any]:
    """The return's figures as plain values (for the API and the command's JSON)."""
    return {
        "quarter": report.quarter.label,
        "start": report.quarter.start.isoformat(),
        "end": report.quarter.end.isoformat(),
        "council": report.council,
        "placeholder_caps": report.placeholder_caps,
        "assignments": report.assignments.height,
        "sheets": {
            title: [
                {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()}
                for row in frame.to_dicts()
            ]
            for title, frame in report.sheets().items()
        },
    }


def agency_return_file(engine: Engine, principal: Principal, *, quarter: str) -> tuple[str, bytes]:
    """The return as an Excel workbook (file name, bytes), one sheet per part; recorded as an
    export."""
    report = agency_return(engine, principal, quarter=quarter)
    stream = io.BytesIO()
    write_frames_xlsx(report.sheets(), stream)
    name = f"agency-return-{report.council}-{report.quarter.label}.xlsx"
    audit.record(
        engine,
        principal,
        "export",
        "agency_return",
        f"{report.council}/{report.quarter.label}",
        {"file": name, "assignments": report.assignments.height},
    )
    return name, stream.getvalue()


def quarter_of(day: date) -> str:
    """The calendar quarter holding ``day``, as ``2026Q3``."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def check_quarter(text: str) -> str:
    """The quarter as ``2026Q3``, or an error naming what to write (checked before reading)."""
    return parse_quarter(text).label
