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
