"""Regional and national census totals rebuilt from the councils in the database.

Each council's figures come from :func:`caseload.services.census.load_census` (every council in
one pass); the totals are rebuilt from them the way DfE builds its regional and national rows
(:func:`caseload.census.benchmarking.aggregate.rebuild`: stocks summed, rates from summed
numerators and denominators), so a region's figure is never an average of its councils' rates.
When an imported release holds the year, each rebuilt figure is set beside the published one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy import Engine

from caseload.census.benchmarking.aggregate import Level as Level
from caseload.census.benchmarking.aggregate import against_published, rebuild
from caseload.census.benchmarking.published import REGIONAL, published_numbers
from caseload.census.definitions import INDICATOR_COLUMNS, round_published
from caseload.census.indicators import compute_indicators
from caseload.errors import InvalidInputError, NotFoundError
from caseload.services.benchmarks import resolve_release
from caseload.services.census import Source, check_year, load_census
from caseload.storage import benchmark_queries, queries
from caseload.storage.engine import session_scope


@dataclass(frozen=True)
class CensusTotals:
    """The rebuilt totals of one level for a year: one row per area (England, or each region)
    with the number of councils counted, and, when a release was found, the published figure
    beside each rebuilt one."""

    year: int
    level: Level
    source: str
    release: str | None
    areas: pl.DataFrame = field(repr=False)  # AREA_KEYS, councils, indicators (unrounded)
    compared: pl.DataFrame | None = field(repr=False)  # against_published's rows, or None

    def rows(self) -> list[dict[str, Any]]:
        """One row per area: its name, councils counted and every indicator rounded as DfE
        publishes."""
        return [
            {
                "area": row["region_name"] or "England",
                "councils": row["councils"],
                **{name: round_published(row[name], name) for name in INDICATOR_COLUMNS},
            }
            for row in self.areas.iter_rows(named=True)
        ]

    def differences(self) -> list[dict[str, Any]]:
        """Rebuilt beside published, per area and indicator (empty without a release)."""
        if self.compared is None:
            return []
        return [
            {
                "area": row["region_name"] or "England",
                "indicator": row["indicator"],
                "rebuilt": round_published(row["rebuilt"], row["indicator"]),
                "published": round_published(row["published"], row["indicator"]),
                "difference": None if row["difference"] is None else round(row["difference"], 2),
            }
            for row in self.compared.iter_rows(named=True)
            if row["rebuilt"] is not None
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "level": self.level.value,
            "source": self.source,
            "release": self.release,
            "areas": self.rows(),
            "against_published": self.differences(),
        }


def _published(engine: Engine, year: int, release: str | None) -> tuple[str, pl.DataFrame] | None:
    """The release's numeric rows for the year, or None when no release holds it (and none was
    asked for)."""
    with session_scope(engine) as session:
        try:
            label = resolve_release(session, year, release)
        except NotFoundError:
            if release is not None:
                raise
            return None
        rows = benchmark_queries.published_rows(session, release=label, year=year)
    return label, published_numbers(rows)


def census_totals(
    engine: Engine,
    *,
    census_year: int,
    level: Level | str,
    authority_code: str | None = None,
    region: str | None = None,
    source: Source | str | None = None,
    release: str | None = None,
) -> CensusTotals:
    """National or regional totals for the year over the councils chosen (default: all)."""
    check_year(census_year)
    try:
        chosen = Level(level)
    except ValueError:
        raise InvalidInputError(f"--level must be national or regional, not {level!r}") from None
    census = load_census(
        engine,
        census_year=census_year,
        authority_code=authority_code,
        region=region,
        source=source,
    )
    councils = compute_indicators(census.records, census.vacancies)
    with session_scope(engine) as session:
        regions = queries.authority_regions(session, councils["LEA"].unique().to_list())
    published = _published(engine, census_year, release)
    codes: dict[str, str] = {}
    if published is not None:
        named = published[1].filter(pl.col("geographic_level") == REGIONAL)
        codes = dict(zip(named["region_name"], named["region_code"], strict=True))
    frame = councils.with_columns(
        pl.col("Year").alias("time_period"),
        pl.col("LEA")
        .replace_strict(regions, default=None, return_dtype=pl.Utf8)
        .alias("region_name"),
    ).with_columns(
        pl.col("region_name")
        .replace_strict(codes, default=pl.col("region_name"), return_dtype=pl.Utf8)
        .alias("region_code")
    )
    areas = rebuild(frame, chosen)
    compared = None
    label = None
    if published is not None:
        label, rows = published
        compared = against_published(
            areas, rows.filter(pl.col("geographic_level") == chosen.published)
        )
    return CensusTotals(census_year, chosen, census.source, label, areas, compared)
