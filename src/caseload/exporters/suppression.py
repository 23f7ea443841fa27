"""Small-group suppression for record-level exports.

A row is at risk when fewer than ``k`` rows share its context (for workers: their authority and
latest role) and its personal characteristics. For each characteristic in turn (ethnicity group,
then age band, then gender), rows in groups smaller than ``k`` have that characteristic replaced
by ``c`` (DfE's symbol for suppressed). The default ``k`` is 5, the threshold councils use for
published figures and staff surveys."""

from __future__ import annotations

import polars as pl

SUPPRESSED = "c"
DEFAULT_MIN_GROUP = 5


def suppress_small_groups(
    frame: pl.DataFrame, *, context: list[str], characteristics: list[str], k: int
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Returns the frame with small groups' characteristics suppressed, and how many values of
    each characteristic were suppressed."""
    counts: dict[str, int] = {}
    for column in characteristics:
        size = (
            pl.len().over([*context, *characteristics]) if context or characteristics else pl.len()
        )
        small = (size < k) & (pl.col(column) != SUPPRESSED)
        counts[column] = int(frame.select(small.sum()).item())
        frame = frame.with_columns(
            pl.when(small).then(pl.lit(SUPPRESSED)).otherwise(pl.col(column)).alias(column)
        )
    return frame, counts


def suppress_count(value: int | None, k: int = DEFAULT_MIN_GROUP) -> int | str | None:
    """A count for a shared page: 1 to k-1 becomes ``c``; 0 and k or more are shown."""
    if value is None or value == 0 or value >= k:
        return value
    return SUPPRESSED


def suppress_frame(
    frame: pl.DataFrame,
    *,
    counts: list[str],
    rates: dict[str, str] | None = None,
    k: int = DEFAULT_MIN_GROUP,
) -> pl.DataFrame:
    """Aggregate rows for a shared page: each column in ``counts`` with a value from 1 to k-1
    becomes ``c``, and each rate in ``rates`` becomes ``c`` when its denominator column (the
    mapped name) is from 1 to k-1. Every touched column becomes text."""
    rates = rates or {}
    small = {name: (pl.col(name) > 0) & (pl.col(name) < k) for name in {*counts, *rates.values()}}
    changes = [
        pl.when(small[rates[name]] if name in rates else small[name])
        .then(pl.lit(SUPPRESSED))
        .otherwise(pl.col(name).cast(pl.String))
        .alias(name)
        for name in [*counts, *rates]
    ]
    return frame.with_columns(changes)
