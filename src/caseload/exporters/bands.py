"""Age bands instead of birth dates, and ethnicity groups instead of detailed codes."""

from __future__ import annotations

from datetime import date

import polars as pl

from caseload.domain.codes import Ethnicity

# (lowest age, label); a band runs to the next band's lowest age.
WORKER_BANDS = ((0, "under 25"), (25, "25-29"), (30, "30-34"), (35, "35-39"), (40, "40-44"),
                (45, "45-49"), (50, "50-54"), (55, "55-59"), (60, "60 and over"))  # fmt: skip
CHILD_BANDS = ((0, "under 1"), (1, "1-4"), (5, "5-9"), (10, "10-15"), (16, "16-17"),
               (18, "18 and over"))  # fmt: skip
# The major group of each census Ethnicity code (one definition: caseload.domain.codes).
ETHNIC_GROUPS = {code.value: code.group.value for code in Ethnicity}


def age(birth: pl.Expr, on: date) -> pl.Expr:
    """Whole years of age on ``on``."""
    before_birthday = (birth.dt.month() > on.month) | (
        (birth.dt.month() == on.month) & (birth.dt.day() > on.day)
    )
    return pl.lit(on.year) - birth.dt.year() - before_birthday.cast(pl.Int32)


def age_band(birth: pl.Expr, on: date, bands: tuple[tuple[int, str], ...]) -> pl.Expr:
    years = age(birth, on)
    limits = [low for low, _ in bands[1:]] + [10_000]
    choices = [
        pl.when((years >= low) & (years < high)).then(pl.lit(label))
        for (low, label), high in zip(bands, limits, strict=True)
    ]
    known = pl.coalesce(*choices, pl.lit("not known"))
    return pl.when(birth.is_null()).then(pl.lit("not known")).otherwise(known)


def ethnic_group(code: pl.Expr) -> pl.Expr:
    return code.replace_strict(ETHNIC_GROUPS, default="Not known", return_dtype=pl.Utf8)
