"""DfE's published demand figures shipped with Caseload (``caseload/reference/dfe/``), the
context beside a council's own demand forecast:

- ``cin_referrals_2025.csv.gz``: referrals in each year to 31 March, 2013 to 2025
  (*Characteristics of children in need*, ``cin_referrals_2013_to_2025.csv``, column
  ``referral_count``);
- ``children_in_need_2025.csv.gz``: children in need episodes open on 31 March, 2013 to 2025
  (same release, ``children_in_need_2013_to_2025.csv``, column ``At31_episodes``);
- ``child_population_2024.csv.gz``: children aged 0 to 17, mid-year estimates 2012 to 2024 (the
  denominators DfE's release publishes, ``child_population_2012_to_2024.csv``,
  ``population_estimate``).

Each file keeps ``time_period``, ``geographic_level`` (National, Regional, Local authority),
``region_name``, ``la_code`` (DfE's old 3-digit code), ``la_name`` and its one figure as DfE
prints it (symbols ``c``, ``x``, ``u``, ``z``, ``low`` kept; the loaders read them as empty).
All are published under the Open Government Licence v3.0; the folder's README names the source.

A rate is per 10,000 children aged 0 to 17: the year to 31 March *Y* uses the mid-*Y-1*
population estimate (the latest one DfE had when it published *Y*), as DfE's own rates do."""

from __future__ import annotations

import gzip
from functools import cache
from importlib.resources import files
from pathlib import Path

import polars as pl

from caseload.errors import InvalidInputError

REFERRALS_FILE = "cin_referrals_2025.csv.gz"
CHILDREN_IN_NEED_FILE = "children_in_need_2025.csv.gz"
POPULATION_FILE = "child_population_2024.csv.gz"
CONTEXT_RELEASE = "2025"
PER_CHILDREN = 10_000
ENGLAND = "England"
KEYS = ("time_period", "geographic_level", "region_name", "la_code", "la_name")
# (shipped file, DfE's file, DfE's column, the shipped column)
SOURCES = (
    (REFERRALS_FILE, "cin_referrals_2013_to_2025.csv", "referral_count", "referrals"),
    (
        CHILDREN_IN_NEED_FILE,
        "children_in_need_2013_to_2025.csv",
        "At31_episodes",
        "children_in_need",
    ),
    (POPULATION_FILE, "child_population_2012_to_2024.csv", "population_estimate", "children"),
)
SYMBOLS = ["c", "x", "u", "z", "low", ""]


def compact(frame: pl.DataFrame, column: str, name: str) -> pl.DataFrame:
    """One of DfE's files (read as text) cut to the shipped columns, the figure renamed."""
    wanted = ["time_period", "geographic_level", "region_name", "old_la_code", "la_name", column]
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise InvalidInputError(f"the DfE file lacks the columns {', '.join(missing)}")
    return frame.select(
        pl.col("time_period").cast(pl.Utf8),
        pl.col("geographic_level").cast(pl.Utf8),
        pl.col("region_name").cast(pl.Utf8),
        pl.col("old_la_code").cast(pl.Utf8).alias("la_code"),
        pl.col("la_name").cast(pl.Utf8),
        pl.col(column).cast(pl.Utf8).alias(name),
    ).sort("time_period", "geographic_level", "region_name", "la_code", nulls_last=False)


def write_shipped(folder_in: Path, folder_out: Path | None = None) -> None:
    """Rebuild the three shipped files from DfE's CSVs in ``folder_in`` (for maintainers; gzip
    without a timestamp, so the same input gives the same bytes)."""
    target = _folder() if folder_out is None else folder_out
    for shipped, source, column, name in SOURCES:
        frame = pl.read_csv(folder_in / source, infer_schema=False)
        text = compact(frame, column, name).write_csv().encode("utf-8")
        with (
            (target / shipped).open("wb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out,
        ):
            out.write(text)


def _folder() -> Path:
    return Path(str(files("caseload.reference").joinpath("dfe")))


def _read(name: str, figure: str) -> pl.DataFrame:
    data = gzip.decompress(files("caseload.reference").joinpath("dfe").joinpath(name).read_bytes())
    frame = pl.read_csv(data, infer_schema=False, null_values=SYMBOLS)
    return frame.with_columns(
        pl.col("time_period").cast(pl.Int64),
        pl.col(figure).cast(pl.Float64, strict=False).round(0).cast(pl.Int64),
    )


@cache
def shipped_referrals() -> pl.DataFrame:
    """Referrals in each year to 31 March (``time_period``), England, regions and councils."""
    return _read(REFERRALS_FILE, "referrals")


@cache
def shipped_children_in_need() -> pl.DataFrame:
    """Children in need episodes open on 31 March of ``time_period``."""
    return _read(CHILDREN_IN_NEED_FILE, "children_in_need")


@cache
def shipped_population() -> pl.DataFrame:
    """Children aged 0 to 17, mid-year estimate of ``time_period``."""
    return _read(POPULATION_FILE, "children")


def _area(frame: pl.DataFrame, level: str, region: str | None, code: str | None) -> pl.DataFrame:
    if level == "National":
        return frame.filter(pl.col("geographic_level") == "National")
    if level == "Regional":
        return frame.filter(
            (pl.col("geographic_level") == "Regional") & (pl.col("region_name") == region)
        )
    return frame.filter(
        (pl.col("geographic_level") == "Local authority") & (pl.col("la_code") == code)
    )


def child_population(
    code: str | None, region: str | None = None, population: pl.DataFrame | None = None
) -> pl.DataFrame:
    """year (to 31 March), children: the council's children aged 0 to 17 for each year a rate
    may be asked for (the mid-year estimate of the year before; the latest estimate for later
    years up to 2100). Empty for a code DfE does not list."""
    table = shipped_population() if population is None else population
    level = "Local authority" if code else ("Regional" if region else "National")
    found = _area(table, level, region, code).filter(pl.col("children").is_not_null())
    if found.is_empty():
        return pl.DataFrame(schema={"year": pl.Int64, "children": pl.Int64})
    latest = int(found["time_period"].max())  # type: ignore[arg-type]
    years = pl.DataFrame({"year": list(range(2013, 2101))}, schema={"year": pl.Int64})
    estimates = found.select((pl.col("time_period") + 1).alias("year"), "children")
    last = int(found.filter(pl.col("time_period") == latest)["children"][0])
    return (
        years.join(estimates, on="year", how="left")
        .with_columns(
            pl.when(pl.col("year") > latest + 1)
            .then(pl.lit(last))
            .otherwise(pl.col("children"))
            .alias("children")
        )
        .filter(pl.col("children").is_not_null())
    )


def rate(count: pl.Expr, children: pl.Expr) -> pl.Expr:
    """Per 10,000 children, to 1 decimal place (null without a population)."""
    return (
        pl.when(children > 0)
        .then((count * PER_CHILDREN / children).round(9).round(1, mode="half_away_from_zero"))
        .otherwise(None)
    )


def published_rates(code: str | None, region: str | None, *, since: int = 2019) -> pl.DataFrame:
    """DfE's published referrals and children in need for the council (``code``), its region and
    England, with their rates per 10,000 children, from ``since`` to the latest year. Columns:
    year, area (``council``, ``region``, ``England``), name, referrals, referral_rate,
    children_in_need, cin_rate. The council or region is left out when DfE has no such area."""
    areas: list[tuple[str, str, str | None, str | None]] = [("England", "National", None, None)]
    if region:
        areas.insert(0, ("region", "Regional", region, None))
    if code:
        areas.insert(0, ("council", "Local authority", None, code))
    parts: list[pl.DataFrame] = []
    for area, level, region_name, la in areas:
        referrals = _area(shipped_referrals(), level, region_name, la)
        cin = _area(shipped_children_in_need(), level, region_name, la)
        if referrals.is_empty() and cin.is_empty():
            continue
        name = (
            ENGLAND
            if level == "National"
            else str(
                (referrals if referrals.height else cin)["la_name" if la else "region_name"][0]
            )
        )
        people = child_population(la, region_name)
        joined = (
            referrals.select(pl.col("time_period").alias("year"), "referrals")
            .join(
                cin.select(pl.col("time_period").alias("year"), "children_in_need"),
                on="year",
                how="full",
                coalesce=True,
            )
            .join(people, on="year", how="left")
            .filter(pl.col("year") >= since)
        )
        parts.append(
            joined.select(
                "year",
                pl.lit(area).alias("area"),
                pl.lit(name).alias("name"),
                "referrals",
                rate(pl.col("referrals"), pl.col("children")).alias("referral_rate"),
                "children_in_need",
                rate(pl.col("children_in_need"), pl.col("children")).alias("cin_rate"),
            )
        )
    if not parts:
        return pl.DataFrame(
            schema={
                "year": pl.Int64,
                "area": pl.Utf8,
                "name": pl.Utf8,
                "referrals": pl.Int64,
                "referral_rate": pl.Float64,
                "children_in_need": pl.Int64,
                "cin_rate": pl.Float64,
            }
        )
    order = {"council": 0, "region": 1, "England": 2}
    return (
        pl.concat(parts)
        .with_columns(pl.col("area").replace_strict(order, return_dtype=pl.Int64).alias("_o"))
        .sort("year", "_o")
        .drop("_o")
    )
