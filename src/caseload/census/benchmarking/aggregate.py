"""National and regional figures rebuilt from DfE's published council rows, the way DfE builds them.

- A stock (``STOCKS`` in :mod:`caseload.census.definitions`) is the sum over the councils where it
  is present.
- A rate (``RATES``) is ``scale * sum(numerator) / (sum(denominator) * working_days)``, the
  definition's own numerator and denominator columns, summed over the councils where *every* one of
  those columns is present; ``working_days(year)`` applies to the absence rate only. A zero
  denominator gives null (DfE's ``z``).

"Present" means a number: ``x``, ``c``, ``z`` and ``u`` are left out, ``low`` counts as 0 (see
:func:`caseload.census.benchmarking.published.published_numbers`).

London: the council rows carry the sub-region (Inner London ``E13000001``, Outer London
``E13000002``); DfE's London region row (``E12000007``) combines both, so the regional rebuild
counts each London council in its sub-region and again in London."""

from __future__ import annotations

from enum import Enum

import polars as pl

from caseload.census.benchmarking.published import NATIONAL, REGIONAL
from caseload.census.definitions import INDICATOR_COLUMNS, RATE_BY_NAME, RATES, STOCKS, working_days

LONDON_CODE = "E12000007"
LONDON_NAME = "London"
LONDON_PARTS: tuple[str, ...] = ("E13000001", "E13000002")  # Inner London, Outer London
TOLERANCE = 0.2  # percentage points (caseload: cases per FTE)
_EPSILON = 1e-9  # published figures are 1 dp; keep 0.2 exactly within the tolerance


class Level(str, Enum):
    national = "national"
    regional = "regional"

    @property
    def published(self) -> str:
        """The ``geographic_level`` DfE prints for this level."""
        return NATIONAL if self is Level.national else REGIONAL


AREA_KEYS = ("time_period", "region_code", "region_name")


def with_london(councils: pl.DataFrame) -> pl.DataFrame:
    """The council rows, plus a copy of every Inner and Outer London council labelled London."""
    london = councils.filter(pl.col("region_code").is_in(LONDON_PARTS)).with_columns(
        pl.lit(LONDON_CODE).alias("region_code"), pl.lit(LONDON_NAME).alias("region_name")
    )
    return pl.concat([councils, london], how="vertical")


def rebuild(councils: pl.DataFrame, level: Level) -> pl.DataFrame:
    """Rebuild every indicator from numeric council rows (``published_numbers``), one row per year
    (national) or per year and region (regional), with columns ``time_period``, ``region_code``,
    ``region_name``, ``councils`` and the indicators in DfE's order (unrounded)."""
    years = councils.select(pl.col("time_period").unique()).to_series().to_list()
    days = pl.DataFrame(
        {"time_period": years, "working_days": [working_days(year) for year in years]},
        schema={"time_period": pl.Int64, "working_days": pl.Int64},
    )
    frame = councils.join(days, on="time_period", how="left")
    if level is Level.national:
        frame = frame.with_columns(
            pl.lit(None, pl.Utf8).alias("region_code"), pl.lit(None, pl.Utf8).alias("region_name")
        )
    else:
        frame = with_london(frame)
    rebuilt = frame.group_by("time_period", "region_code").agg(
        pl.col("region_name").first(),
        pl.len().alias("councils"),
        *(_stock(stock.name) for stock in STOCKS),
        *(_rate(rate.name) for rate in RATES),
    )
    return rebuilt.select(*AREA_KEYS, "councils", *INDICATOR_COLUMNS).sort(
        "time_period", "region_code", nulls_last=False
    )


def _stock(name: str) -> pl.Expr:
    column = pl.col(name)
    return pl.when(column.count() > 0).then(column.sum()).alias(name)


def _rate(name: str) -> pl.Expr:
    """``scale * sum(numerator) / (sum(denominator) * days)`` over complete councils
    (:class:`caseload.census.definitions.Rate`)."""
    rate = RATE_BY_NAME[name]
    parts = dict.fromkeys((*rate.numerator, *rate.denominator))
    complete = pl.all_horizontal(pl.col(column).is_not_null() for column in parts)
    numerator = pl.sum_horizontal(*rate.numerator).filter(complete).sum()
    denominator = pl.sum_horizontal(*rate.denominator).filter(complete).sum()
    if rate.per_working_day:
        denominator = denominator * pl.col("working_days").first()
    return (
        pl.when(complete.any() & (denominator != 0))
        .then(rate.scale * numerator / denominator)
        .alias(name)
    )


def against_published(rebuilt: pl.DataFrame, published: pl.DataFrame) -> pl.DataFrame:
    """Rebuilt next to published figures, one row per area and indicator: ``indicator``,
    ``rebuilt``, ``published``, ``difference`` (rebuilt minus published, unrounded) and ``differs``
    (a rate more than ``TOLERANCE`` points from a published figure, or not rebuilt at all).

    ``published`` holds the numeric published rows of the same level (national or regional)."""
    keys = ["time_period", "region_code"]
    long_rebuilt = rebuilt.unpivot(
        index=[*AREA_KEYS],
        on=list(INDICATOR_COLUMNS),
        variable_name="indicator",
        value_name="rebuilt",
    )
    long_published = published.select(*AREA_KEYS, *INDICATOR_COLUMNS).unpivot(
        index=[*AREA_KEYS],
        on=list(INDICATOR_COLUMNS),
        variable_name="indicator",
        value_name="published",
    )
    joined = long_rebuilt.join(
        long_published,
        on=[*keys, "indicator"],
        how="full",
        nulls_equal=True,
        coalesce=True,
        suffix="_published",
    )
    is_rate = pl.col("indicator").is_in([rate.name for rate in RATES])
    difference = pl.col("rebuilt") - pl.col("published")
    differs = (
        is_rate & pl.col("published").is_not_null() & ~(difference.abs() <= TOLERANCE + _EPSILON)
    )
    order = pl.col("indicator").replace_strict(
        {name: index for index, name in enumerate(INDICATOR_COLUMNS)}, return_dtype=pl.Int64
    )
    return (
        joined.with_columns(
            pl.coalesce("region_name", "region_name_published").alias("region_name"),
            difference.alias("difference"),
            differs.fill_null(True).alias("differs"),
        )
        .sort(pl.col("time_period"), pl.col("region_code"), order, nulls_last=False)
        .select(*AREA_KEYS, "indicator", "rebuilt", "published", "difference", "differs")
    )


def match_share(comparison: pl.DataFrame) -> tuple[int, int]:
    """``(matched, total)``: published rates (not symbols) that the rebuild matches within
    ``TOLERANCE``, out of all published rates in ``against_published``'s result."""
    rates = comparison.filter(
        pl.col("indicator").is_in([rate.name for rate in RATES]),
        pl.col("published").is_not_null(),
    )
    return rates.height - int(rates["differs"].sum()), rates.height
