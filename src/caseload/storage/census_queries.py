"""Imported CSWW returns: saving a parsed return and reading returns back in record shape."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

import polars as pl
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from caseload.domain.census_records import (
    RECORD_SCHEMA,
    VACANCY_SCHEMA,
    WORKER_ITEMS,
    ParsedReturn,
    conform_records,
    conform_vacancies,
)
from caseload.storage.census_models import CensusRecord, CensusReturn
from caseload.storage.frames import as_float, read_frame
from caseload.storage.models import Authority

SaveResult = Literal["added", "unchanged", "replaced"]

# Return item -> census_record column.
ITEM_COLUMNS: dict[str, str] = {
    "AgencyWorker": "agency_worker",
    "SWENo": "swe_no",
    "FTE": "fte",
    "PersonBirthDate": "person_birth_date",
    "GenderCurrent": "gender_current",
    "Ethnicity": "ethnicity",
    "QualInst": "qual_inst",
    "QualLevel": "qual_level",
    "StepUpGrad": "step_up_grad",
    "OrgRole": "org_role",
    "RoleStartDate": "role_start_date",
    "StartOrigin": "start_origin",
    "RoleEndDate": "role_end_date",
    "LeaverDestination": "leaver_destination",
    "ReasonLeave": "reason_leave",
    "FTE30": "fte30",
    "Cases30": "cases30",
    "WorkingDaysLost": "working_days_lost",
    "ContractWeeks": "contract_weeks",
    "FrontlineGrad": "frontline_grad",
    "Absat30Sept": "absat30sept",
    "ReasonAbsence": "reason_absence",
    "CFKSSstatus": "cfkss_status",
}
# Decimal places the numeric columns keep.
PLACES: dict[str, int] = {
    "FTE": 6,
    "FTE30": 6,
    "WorkingDaysLost": 2,
    "ContractWeeks": 1,
    "NumberOfVacancies": 2,
    "NoAgencyFTE": 2,
}
SOURCE_NAME_LENGTH = 260


def _decimal(value: float | None, places: int) -> Decimal | None:
    if value is None:
        return None
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _authority(session: Session, code: str) -> Authority:
    authority = session.scalar(select(Authority).where(Authority.code == code))
    if authority is None:
        authority = Authority(code=code, name=f"Authority {code}")
        session.add(authority)
        session.flush()
    return authority


def _record_rows(return_id: int, records: pl.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for position, row in enumerate(records.select(list(WORKER_ITEMS)).iter_rows(named=True), 1):
        values = {
            ITEM_COLUMNS[item]: _decimal(value, PLACES[item]) if item in PLACES else value
            for item, value in row.items()
        }
        rows.append({"return_id": return_id, "position": position, **values})
    return rows


def save_return(session: Session, parsed: ParsedReturn, *, content_sha256: str) -> SaveResult:
    """Store a parsed return. The authority is created when its code is new. The same authority
    and year with the same content is ``unchanged`` (nothing written); with other content the old
    return and its records are ``replaced`` in the caller's transaction."""
    authority = _authority(session, parsed.lea)
    existing = session.scalar(
        select(CensusReturn).where(
            CensusReturn.authority_id == authority.id,
            CensusReturn.census_year == parsed.census_year,
        )
    )
    if existing is not None and existing.content_sha256 == content_sha256:
        return "unchanged"
    result: SaveResult = "added"
    if existing is not None:
        session.execute(delete(CensusRecord).where(CensusRecord.return_id == existing.id))
        session.execute(delete(CensusReturn).where(CensusReturn.id == existing.id))
        session.expunge(existing)
        result = "replaced"
    vacancies = conform_vacancies(parsed.vacancies).row(0, named=True)
    saved = CensusReturn(
        authority_id=authority.id,
        census_year=parsed.census_year,
        reference_date=parsed.reference_date,
        software_code=parsed.software_code,
        generated_at=parsed.generated_at,
        number_of_vacancies=_decimal(vacancies["NumberOfVacancies"], 2),
        agency_cover_fte=_decimal(vacancies["NoAgencyFTE"], 2),
        agency_cover_headcount=vacancies["NoAgencyHeadcount"],
        content_sha256=content_sha256,
        source_name=parsed.source_name[:SOURCE_NAME_LENGTH],
        imported_at=datetime.now(UTC),
    )
    session.add(saved)
    session.flush()
    rows = _record_rows(saved.id, conform_records(parsed.records))
    if rows:
        session.execute(insert(CensusRecord), rows)
    return result


def _item_column(item: str) -> Any:
    column = getattr(CensusRecord, ITEM_COLUMNS[item])
    return as_float(column) if item in PLACES else column


def return_records(
    session: Session, authority_ids: Sequence[int], census_year: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The imported returns of these authorities for a year: records in record shape (by
    authority code, then file order) and the council-level vacancies."""
    items = list(WORKER_ITEMS)
    statement = (
        select(Authority.code, CensusReturn.census_year, *(_item_column(i) for i in items))
        .join(CensusReturn, CensusRecord.return_id == CensusReturn.id)
        .join(Authority, CensusReturn.authority_id == Authority.id)
        .where(CensusReturn.authority_id.in_(authority_ids))
        .where(CensusReturn.census_year == census_year)
        .order_by(Authority.code, CensusRecord.position)
    )
    schema = {"LEA": pl.Utf8, "Year": pl.Int64} | {i: RECORD_SCHEMA[i] for i in items}
    records = conform_records(read_frame(session, statement, schema))
    council = (
        select(
            Authority.code,
            CensusReturn.census_year,
            as_float(CensusReturn.number_of_vacancies),
            as_float(CensusReturn.agency_cover_fte),
            CensusReturn.agency_cover_headcount,
        )
        .join(Authority, CensusReturn.authority_id == Authority.id)
        .where(CensusReturn.authority_id.in_(authority_ids))
        .where(CensusReturn.census_year == census_year)
        .order_by(Authority.code)
    )
    return records, read_frame(session, council, VACANCY_SCHEMA)


def returned_years(session: Session, authority_id: int) -> list[int]:
    """Census years with an imported return for the authority, oldest first."""
    return list(
        session.scalars(
            select(CensusReturn.census_year)
            .where(CensusReturn.authority_id == authority_id)
            .order_by(CensusReturn.census_year)
        )
    )
