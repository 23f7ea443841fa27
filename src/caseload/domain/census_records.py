"""The census record: one row per worker record in the shape of the CSWW return.

Columns are the return's own item names (``CSWWWorker`` children, in the return's order) so that the
same frame is derived from day-to-day data, read from an XML return, written back to XML and fed to
the indicator engine. Context columns (``LEA``, ``Year`` and, for derived records, ``team`` and
``role``) come first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

# CSWWWorker items in the order the return lists them, with their frame types.
WORKER_ITEMS: dict[str, Any] = {
    "AgencyWorker": pl.Int64,
    "SWENo": pl.Utf8,
    "FTE": pl.Float64,
    "PersonBirthDate": pl.Date,
    "GenderCurrent": pl.Int64,
    "Ethnicity": pl.Utf8,
    "QualInst": pl.Utf8,
    "QualLevel": pl.Int64,
    "StepUpGrad": pl.Int64,
    "OrgRole": pl.Int64,
    "RoleStartDate": pl.Date,
    "StartOrigin": pl.Int64,
    "RoleEndDate": pl.Date,
    "LeaverDestination": pl.Int64,
    "ReasonLeave": pl.Int64,
    "FTE30": pl.Float64,
    "Cases30": pl.Int64,
    "WorkingDaysLost": pl.Float64,
    "ContractWeeks": pl.Float64,
    "FrontlineGrad": pl.Int64,
    "Absat30Sept": pl.Int64,
    "ReasonAbsence": pl.Utf8,
    "CFKSSstatus": pl.Int64,
}

CONTEXT_COLUMNS: dict[str, Any] = {
    "LEA": pl.Utf8,  # 3-digit authority code
    "Year": pl.Int64,  # census year
    "team": pl.Utf8,  # derived records only: the worker's team on the reference date or leaving
    "role": pl.Utf8,  # derived records only: the product role (caseload.domain.Role value)
}

RECORD_SCHEMA: dict[str, Any] = CONTEXT_COLUMNS | WORKER_ITEMS

# LALevelVacancies, one row per authority and year.
VACANCY_SCHEMA: dict[str, Any] = {
    "LEA": pl.Utf8,
    "Year": pl.Int64,
    "NumberOfVacancies": pl.Float64,
    "NoAgencyFTE": pl.Float64,
    "NoAgencyHeadcount": pl.Int64,
}


def conform_records(frame: pl.DataFrame) -> pl.DataFrame:
    """Give a frame every record column, in order, with the record types (missing ones null)."""
    columns = [
        (pl.col(name) if name in frame.columns else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in RECORD_SCHEMA.items()
    ]
    return frame.select(columns)


def conform_vacancies(frame: pl.DataFrame) -> pl.DataFrame:
    columns = [
        (pl.col(name) if name in frame.columns else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in VACANCY_SCHEMA.items()
    ]
    return frame.select(columns)


@dataclass(frozen=True)
class ParsedReturn:
    """A return read from XML. ``records`` is in record shape (``LEA`` and ``Year`` filled, in
    file order); ``vacancies`` has one row. ``generated_at`` is the header's ``DateTime`` text."""

    source_name: str
    lea: str
    census_year: int
    reference_date: date
    software_code: str
    generated_at: str
    records: pl.DataFrame
    vacancies: pl.DataFrame
