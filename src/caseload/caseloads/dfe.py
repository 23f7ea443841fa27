"""The DfE average caseload on any day, from the census engine itself (never a second formula):
census records are derived with the day as their reference date and the indicator engine computes
``caseload_fte`` (cases / FTE of case holders) from them, overall or per team."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

import polars as pl

from caseload.census.definitions import round_published
from caseload.census.derive import DayToDay, Window, derive_records
from caseload.census.indicators import compute_indicators
from caseload.domain.census_records import VACANCY_SCHEMA
from caseload.domain.dates import census_year_of


def dfe_window(day: date) -> Window:
    """The census window ending on ``day`` that the DfE caseload on ``day`` is derived over."""
    return Window(census_year_of(day), day - timedelta(days=364), day)


def dfe_caseload(data: DayToDay, day: date, by_team: bool = False) -> pl.DataFrame:
    """``cases``, ``case_holders_fte`` and ``caseload_fte`` (rounded as DfE publishes) on ``day``,
    per authority (and team). Note DfE's rule: someone whose last day is ``day`` is a leaver, not
    in post, so their cases are not counted."""
    window = dfe_window(day)
    records = derive_records(data, [window])  # keeps AsAt: the day is the reference date
    by = ("team",) if by_team else ()
    columns = ["LEA", *by, "cases", "case_holders_fte", "caseload_fte"]
    if records.height == 0:
        return pl.DataFrame(
            schema={"LEA": pl.Utf8, **({"team": pl.Utf8} if by_team else {})}
            | {"cases": pl.Int64, "case_holders_fte": pl.Float64, "caseload_fte": pl.Float64}
        )
    frame = compute_indicators(records, pl.DataFrame(schema=VACANCY_SCHEMA), by)
    return frame.select(columns).with_columns(
        pl.col(name).map_elements(partial(_rounded, name=name), return_dtype=pl.Float64)
        for name in ("case_holders_fte", "caseload_fte")
    )


def _rounded(value: float, name: str) -> float | None:
    rounded = round_published(value, name)
    return None if rounded is None else float(rounded)
