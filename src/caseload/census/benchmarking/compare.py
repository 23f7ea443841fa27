"""One council against England, its region and chosen comparator councils, indicator by indicator.

Values are DfE's published figures (:func:`published_numbers`: symbols null, ``low`` 0) except the
council's own, which may come from its census data. The indicators are those of
:mod:`caseload.census.definitions` (``INDICATOR_COLUMNS``), in DfE's order.

- ``rank``: position among all councils with a value that year, 1 = the highest value (ties share
  the better rank); ``ranked`` is how many councils had a value.
- ``quartile``: ``ceil(4 * rank / ranked)``, 1 = the highest quarter of councils, 4 = the lowest.
- ``comparator_median``: the median of the comparators' values where present.
- ``difference_from_england`` and ``difference_from_region``: the council's value minus theirs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from caseload.census.benchmarking.published import la_code_matches
from caseload.census.definitions import INDICATOR_COLUMNS

RANK_NOTE = "rank 1 = the highest value among councils; quartile 1 = the highest quarter"
RESULT_COLUMNS: tuple[str, ...] = (
    "indicator",
    "council",
    "england",
    "region",
    "comparator_median",
    "rank",
    "ranked",
    "quartile",
    "difference_from_england",
    "difference_from_region",
)


def with_own_values(
    councils: pl.DataFrame, authority_code: str, own: Mapping[str, float | None]
) -> pl.DataFrame:
    """The council rows with ``authority_code``'s row replaced by one holding ``own`` (its census
    figures), labelled with the code alone (a joint row such as ``314 / 318`` is replaced too); the
    row is added when the council has no published row."""
    row = {column: own.get(column) for column in INDICATOR_COLUMNS}
    matches = la_code_matches(authority_code)
    existing = councils.filter(matches)
    base = existing.head(1) if existing.height else councils.clear(1)
    replacement = base.with_columns(
        pl.lit(authority_code, pl.Utf8).alias("old_la_code"),
        *(pl.lit(value, pl.Float64).alias(column) for column, value in row.items()),
    )
    others = councils.filter(~matches)
    return pl.concat([others, replacement.select(councils.columns)], how="vertical")


def _long(frame: pl.DataFrame, value_name: str) -> pl.DataFrame:
    """One row per indicator (in DfE's order) from a one-row frame, or nulls when it is empty."""
    if frame.height == 0:
        return pl.DataFrame(
            {"indicator": list(INDICATOR_COLUMNS), value_name: [None] * len(INDICATOR_COLUMNS)},
            schema={"indicator": pl.Utf8, value_name: pl.Float64},
        )
    return (
        frame.head(1)
        .select(INDICATOR_COLUMNS)
        .unpivot(variable_name="indicator", value_name=value_name)
    )


def compare_council(
    councils: pl.DataFrame,
    *,
    authority_code: str,
    england: pl.DataFrame,
    region: pl.DataFrame,
    comparators: Sequence[str] = (),
) -> pl.DataFrame:
    """One row per indicator: the ``RESULT_COLUMNS`` and then one column per comparator, named by
    its code. ``councils`` are the numeric council rows of one year (with the council's own values
    in place); ``england`` and ``region`` one numeric row each (``region`` may be empty). Codes
    match joint rows too (``318`` finds ``314 / 318``)."""
    long = councils.select("old_la_code", *INDICATOR_COLUMNS).unpivot(
        index="old_la_code", variable_name="indicator", value_name="value"
    )
    ranked = long.filter(pl.col("value").is_not_null()).with_columns(
        pl.col("value").rank("min", descending=True).over("indicator").cast(pl.Int64).alias("rank"),
        pl.len().over("indicator").cast(pl.Int64).alias("ranked"),
    )
    own = (
        _long(councils.filter(la_code_matches(authority_code)), "council")
        .join(
            ranked.filter(la_code_matches(authority_code)).select("indicator", "rank", "ranked"),
            on="indicator",
            how="left",
            maintain_order="left",
        )
        .with_columns(
            (4 * pl.col("rank") / pl.col("ranked")).ceil().cast(pl.Int64).alias("quartile")
        )
    )
    codes = list(dict.fromkeys(comparators))
    chosen = long.filter(pl.any_horizontal(False, *(la_code_matches(code) for code in codes)))
    medians = chosen.group_by("indicator").agg(pl.col("value").median().alias("comparator_median"))
    result = (
        own.join(_long(england, "england"), on="indicator", how="left", maintain_order="left")
        .join(_long(region, "region"), on="indicator", how="left", maintain_order="left")
        .join(medians, on="indicator", how="left", maintain_order="left")
        .with_columns(
            (pl.col("council") - pl.col("england")).alias("difference_from_england"),
            (pl.col("council") - pl.col("region")).alias("difference_from_region"),
        )
        .select(RESULT_COLUMNS)
    )
    for code in codes:
        values = chosen.filter(la_code_matches(code)).select(
            "indicator", pl.col("value").alias(code)
        )
        result = result.join(values, on="indicator", how="left", maintain_order="left")
    return result
