"""One council against England, its region and chosen comparator councils, indicator by indicator.

Values are DfE's published figures (:func:`published_numbers`: symbols null, ``low`` 0) except the
council's own, which may come from its census data. The indicators are those of
:mod:`caseload.census.definitions` (``INDICATOR_COLUMNS``), in DfE's order.

- ``better``: ``"lower"``, ``"higher"`` or null, the indicator's better direction
  (:func:`caseload.census.definitions.better_of`).
- ``rank``: position among all councils with a value that year, 1 = the best value (the lowest
  where lower is better, the highest where higher is better) and, for indicators with no better
  direction (counts, FTE, the agency cover rates), 1 = the highest; ties share the better rank.
  ``ranked`` is how many councils had a value.
- ``quartile``: ``ceil(4 * rank / ranked)``, so 1 = the best quarter of councils (the highest for
  indicators with no better direction), 4 = the worst.
- ``comparator_median``: the median of the comparators' values where present.
- ``difference_from_england`` and ``difference_from_region``: the council's value minus theirs,
  for rates and averages only (:func:`caseload.census.definitions.is_level`); null for counts,
  FTE and days, which follow a council's size."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from caseload.census.benchmarking.published import la_code_matches
from caseload.census.definitions import INDICATOR_COLUMNS, better_of, is_level

RANK_NOTE = (
    "rank 1 and quartile 1 = the best among councils (the lowest turnover, agency, vacancy, "
    "caseload and absence); counts and FTE rank from the highest"
)
RESULT_COLUMNS: tuple[str, ...] = (
    "indicator",
    "better",
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


BETTER: dict[str, str | None] = {name: better_of(name) for name in INDICATOR_COLUMNS}
LEVELS: list[str] = [name for name in INDICATOR_COLUMNS if is_level(name)]


def _level_difference(other: str) -> pl.Expr:
    """The council's value minus ``other``'s, for rates and averages only."""
    return (
        pl.when(pl.col("indicator").is_in(LEVELS))
        .then(pl.col("council") - pl.col(other))
        .otherwise(None)
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
    better = pl.col("indicator").replace_strict(BETTER, return_dtype=pl.Utf8)
    score = pl.when(better == "lower").then(-pl.col("value")).otherwise(pl.col("value"))
    ranked = long.filter(pl.col("value").is_not_null()).with_columns(
        score.rank("min", descending=True).over("indicator").cast(pl.Int64).alias("rank"),
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
            pl.col("indicator").replace_strict(BETTER, return_dtype=pl.Utf8).alias("better"),
            _level_difference("england").alias("difference_from_england"),
            _level_difference("region").alias("difference_from_region"),
        )
        .select(RESULT_COLUMNS)
    )
    for code in codes:
        values = chosen.filter(la_code_matches(code)).select(
            "indicator", pl.col("value").alias(code)
        )
        result = result.join(values, on="indicator", how="left", maintain_order="left")
    return result
