"""The indicator engine: census records in, DfE's indicators out.

Definitions of who counts (DOMAIN.md section 4), applied to record frames:

- *in post*: a record whose ``RoleStartDate`` is on or before the reference date (30 September) and
  whose ``RoleEndDate`` is empty or after it. A record ending on the reference date is a leaver, not
  in post.
- *own staff*: ``AgencyWorker`` 0; agency records are never de-duplicated.
- *headcount* of own staff counts people once per authority, a person being SWE number + birth date
  + gender + ethnicity.
- *starters* / *leavers*: own-staff records starting / ending inside the census year.
- *case holders*: in-post records (own and agency) with ``Cases30`` above 0.
- ``working_days_lost_fte`` sums ``WorkingDaysLost`` over own staff in post.
- council-level vacancy and agency-cover figures come from ``LALevelVacancies``.

Rates come from :mod:`caseload.census.definitions`."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import polars as pl

from caseload.census.definitions import (
    INDICATOR_COLUMNS,
    RATES,
    STOCKS,
    SUPPLEMENTARY_COLUMNS,
    SUPPLEMENTARY_RATES,
    Kind,
    Rate,
    kind_of,
    round_published,
    working_days,
)

PERSON_KEY = ("LEA", "SWENo", "PersonBirthDate", "GenderCurrent", "Ethnicity")
VACANCY_STOCKS = ("vacancy_fte", "agency_cover_fte")


def _window(records: pl.DataFrame) -> tuple[pl.Expr, pl.Expr]:
    """The period and reference date: the census year, or the year to an ``AsAt`` date when the
    records carry one (monthly series)."""
    if "AsAt" in records.columns:
        reference = pl.col("AsAt")
        return reference.dt.offset_by("-1y").dt.offset_by("1d"), reference
    year = pl.col("Year")
    return pl.date(year - 1, 10, 1), pl.date(year, 9, 30)


def classify(records: pl.DataFrame) -> pl.DataFrame:
    """Add the boolean columns the indicators count by: own, in_post, starter, leaver, holder."""
    start, reference = _window(records)
    own = pl.col("AgencyWorker").fill_null(0) == 0
    started = pl.col("RoleStartDate").is_null() | (pl.col("RoleStartDate") <= reference)
    in_post = started & (pl.col("RoleEndDate").is_null() | (pl.col("RoleEndDate") > reference))
    return records.with_columns(
        own.alias("own"),
        in_post.alias("in_post"),
        (own & pl.col("RoleStartDate").is_between(start, reference)).alias("starter"),
        (own & pl.col("RoleEndDate").is_between(start, reference)).alias("leaver"),
        (in_post & (pl.col("Cases30").fill_null(0) > 0)).alias("holder"),
    )


def _person_count(condition: pl.Expr) -> pl.Expr:
    return pl.struct(list(PERSON_KEY)).filter(condition).n_unique()


def stock_totals(
    records: pl.DataFrame, vacancies: pl.DataFrame, by: Sequence[str] = ()
) -> pl.DataFrame:
    """Sum the stocks per LEA, Year and any breakdown columns (``team`` or ``role``...).

    ``vacancies`` holds ``NumberOfVacancies`` and ``NoAgencyFTE`` per LEA and Year, plus the same
    breakdown columns when vacancies are known at that level; without them the vacancy stocks are
    null (not available) for the breakdown."""
    keys = ["LEA", "Year", *by]
    marked = classify(records)
    own, in_post = pl.col("own"), pl.col("in_post")
    fte = pl.col("FTE").fill_null(0.0)
    totals = marked.group_by(keys).agg(
        fte.filter(own & in_post).sum().alias("inpost_fte"),
        _person_count(own & in_post).alias("inpost_headcount"),
        fte.filter(pl.col("starter")).sum().alias("starters_fte"),
        _person_count(pl.col("starter")).alias("starters_headcount"),
        fte.filter(pl.col("leaver")).sum().alias("leavers_fte"),
        _person_count(pl.col("leaver")).alias("leavers_headcount"),
        fte.filter(~own & in_post).sum().alias("agency_fte"),
        (~own & in_post).sum().alias("agency_headcount"),
        fte.filter(pl.col("holder")).sum().alias("case_holders_fte"),
        pl.col("Cases30").fill_null(0).filter(in_post).sum().alias("cases"),
        pl.col("WorkingDaysLost")
        .fill_null(0.0)
        .filter(own & in_post)
        .sum()
        .alias("working_days_lost_fte"),
    )
    vacancy_keys = [key for key in keys if key in vacancies.columns]
    if vacancy_keys == keys:
        council = vacancies.group_by(keys).agg(
            pl.col("NumberOfVacancies").sum().alias("vacancy_fte"),
            pl.col("NoAgencyFTE").sum().alias("agency_cover_fte"),
        )
        totals = totals.join(council, on=keys, how="full", coalesce=True)
    else:
        totals = totals.with_columns(
            pl.lit(None, dtype=pl.Float64).alias(name) for name in VACANCY_STOCKS
        )
    counts = ["inpost_headcount", "starters_headcount", "leavers_headcount", "agency_headcount"]
    filled = [pl.col(s.name).fill_null(0) for s in STOCKS if s.name not in VACANCY_STOCKS]
    return totals.with_columns(filled).with_columns(
        pl.col(name).cast(pl.Int64) for name in [*counts, "cases"]
    )


def add_rates(totals: pl.DataFrame, rates: Sequence[Rate] = RATES) -> pl.DataFrame:
    """Compute every rate from the stock totals (unrounded); null where DfE prints ``z``."""
    days = pl.col("Year").map_elements(working_days, return_dtype=pl.Int64)
    expressions = []
    for rate in rates:
        numerator = pl.sum_horizontal(pl.col(c) for c in rate.numerator)
        denominator = pl.sum_horizontal(pl.col(c) for c in rate.denominator)
        if rate.per_working_day:
            denominator = denominator * days
        missing = pl.any_horizontal(pl.col(c).is_null() for c in rate.numerator + rate.denominator)
        expressions.append(
            pl.when(missing | (denominator == 0))
            .then(None)
            .otherwise(rate.scale * numerator / denominator)
            .alias(rate.name)
        )
    return totals.with_columns(expressions)


def compute_indicators(
    records: pl.DataFrame,
    vacancies: pl.DataFrame,
    by: Sequence[str] = (),
    *,
    supplementary: bool = False,
) -> pl.DataFrame:
    """DfE's indicators per LEA and Year (and breakdown), unrounded, in DfE's column order;
    with ``supplementary``, followed by the figures shown beside them (days lost per FTE)."""
    keys = ["LEA", "Year", *by]
    rates = (*RATES, *SUPPLEMENTARY_RATES) if supplementary else RATES
    extra = SUPPLEMENTARY_COLUMNS if supplementary else ()
    frame = add_rates(stock_totals(records, vacancies, by), rates)
    return frame.select(*keys, *INDICATOR_COLUMNS, *extra).sort(keys, nulls_last=True)


def round_indicators(frame: pl.DataFrame) -> pl.DataFrame:
    """Round as DfE publishes (see ``definitions.round_published``)."""
    present = [
        name for name in (*INDICATOR_COLUMNS, *SUPPLEMENTARY_COLUMNS) if name in frame.columns
    ]
    return frame.with_columns(
        pl.col(name).map_elements(
            partial(round_published, name=name),
            return_dtype=pl.Int64 if kind_of(name) is Kind.COUNT else pl.Float64,
        )
        for name in present
    )
