"""Benchmarking use cases: import DfE's published indicator file (or the release shipped with
Caseload), compare a council with England, its region and comparator councils (by default its DfE
statistical neighbours), and rebuild national and regional figures from the council rows.

The analysis is in :mod:`caseload.census.benchmarking`, the queries in
:mod:`caseload.storage.benchmark_queries`; the indicators are defined in
:mod:`caseload.census.definitions`."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from caseload.census.benchmarking import (
    LOCAL_AUTHORITY,
    LONDON_CODE,
    LONDON_PARTS,
    NATIONAL,
    RANK_NOTE,
    REGIONAL,
    against_published,
    check_published,
    compare_council,
    la_code_matches,
    published_numbers,
    read_published_csv,
    rebuild,
    release_label,
    with_own_values,
)
from caseload.census.benchmarking import (
    TOLERANCE as TOLERANCE,
)
from caseload.census.benchmarking import (
    Level as Level,
)
from caseload.census.benchmarking.reference import (
    NEIGHBOURS,
    NEIGHBOURS_MODEL,
    SHIPPED_RELEASE,
    neighbours_of,
    shipped_indicators,
)
from caseload.census.definitions import INDICATOR_COLUMNS as INDICATOR_COLUMNS
from caseload.census.definitions import round_published
from caseload.errors import ConfigurationError, InvalidInputError, NotFoundError
from caseload.services.census import authority_codes, census_indicators, council_indicators
from caseload.services.generation import DEMO_SPEC
from caseload.services.table_files import csv_string
from caseload.storage import benchmark_queries as queries
from caseload.storage.engine import session_scope
from caseload.storage.queries import authorities_in
from caseload.storage.schema import require_current

COMPARATORS_SETTING = "CASELOAD_COMPARATORS"
CODE = re.compile(r"^[0-9]{3}$")
CSV_COLUMNS = (
    "time_period",
    "geographic_level",
    "region_code",
    "region_name",
    "indicator",
    "rebuilt",
    "published",
    "difference",
    "differs",
)
IMPORT_HINT = (
    "run 'caseload benchmarks import' (the DfE release shipped with Caseload) or "
    "'caseload benchmarks import FILE.csv' with DfE's indicator file"
)
SHIPPED_SOURCE = f"DfE's {SHIPPED_RELEASE} release shipped with Caseload"
NEIGHBOURS_SOURCE = f"DfE's statistical neighbours ({NEIGHBOURS_MODEL} model)"


# --- import -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportSummary:
    release: str
    source: str
    by_level: dict[str, int]
    years: list[int]
    replaced: int

    @property
    def rows(self) -> int:
        return sum(self.by_level.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "release": self.release,
            "source": self.source,
            "rows": self.rows,
            "rows_by_level": self.by_level,
            "years": self.years,
            "replaced_rows": self.replaced,
        }


def import_published(
    engine: Engine, path: Path | None = None, *, release: str | None = None
) -> ImportSummary:
    """Check the whole file, then replace the release's rows in one transaction: the file loads
    completely or not at all, and importing it again leaves the same rows. Without ``path``, the
    release shipped with Caseload (DfE's 2025 release, labelled ``2025`` unless ``release`` says
    otherwise) is loaded through the same checks."""
    if path is None:
        source = SHIPPED_SOURCE
        frame = shipped_indicators()
        release = SHIPPED_RELEASE if release is None else release
    else:
        source = str(path)
        frame = read_published_csv(path)
    rows = check_published(frame, source, widths=queries.column_widths())
    label = release_label(rows, release)
    require_current(engine)
    with session_scope(engine) as session:
        replaced = queries.replace_release(session, label, rows)
        counts = queries.release_counts(session, label)
        years = queries.release_years(session, label)
    return ImportSummary(
        release=label,
        source=source,
        by_level=dict(zip(counts["geographic_level"], counts["rows"], strict=True)),
        years=years,
        replaced=replaced,
    )


# --- comparators --------------------------------------------------------------------------------


def parse_comparators(raw: str | None, *, source: str = "--comparators") -> tuple[str, ...]:
    """Comma-separated 3-digit council codes (spaces and empty items ignored), in order, once each.
    A malformed value raises ``InvalidInputError`` (an option) or ``ConfigurationError`` (the
    ``CASELOAD_COMPARATORS`` setting)."""
    if raw is None:
        return ()
    codes = [item.strip() for item in raw.split(",") if item.strip()]
    bad = [code for code in codes if not CODE.match(code)]
    if bad:
        error = ConfigurationError if source == COMPARATORS_SETTING else InvalidInputError
        raise error(
            f"{source} must list 3-digit council codes separated by commas, such as 301,302,303; "
            f"{', '.join(repr(code) for code in bad)} {'is' if len(bad) == 1 else 'are'} not"
        )
    return tuple(dict.fromkeys(codes))


def configured_comparators(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The comparators in ``CASELOAD_COMPARATORS`` (none when unset)."""
    env = os.environ if environ is None else environ
    return parse_comparators(env.get(COMPARATORS_SETTING), source=COMPARATORS_SETTING)


def statistical_neighbours(code: str) -> tuple[str, ...]:
    """The council's DfE statistical neighbours, closest first (none for a code DfE does not list).

    The synthetic demo council borrows a real council's place in DfE's model
    (``DEMO_SPEC.neighbours_like``): its neighbours are that council and that council's nine
    closest neighbours."""
    if code == DEMO_SPEC.code and DEMO_SPEC.neighbours_like is not None:
        like = DEMO_SPEC.neighbours_like
        return (like, *neighbours_of(like)[: NEIGHBOURS - 1])
    return neighbours_of(code)


# --- shared -------------------------------------------------------------------------------------


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise InvalidInputError(f"--year must be a census year such as 2024, not {year}")


def resolve_release(session: Session, year: int, release: str | None) -> str:
    """The release asked for, or the newest release holding ``year`` (latest last year, then the
    most recent import)."""
    known = queries.releases(session)
    if known.height == 0:
        raise NotFoundError(f"no published indicators have been imported; {IMPORT_HINT}")
    if release is not None:
        if release not in known["release"].to_list():
            names = ", ".join(sorted(known["release"].to_list()))
            raise NotFoundError(f"no release {release!r} imported (imported: {names})")
        if year not in queries.release_years(session, release):
            raise NotFoundError(f"release {release} has no figures for {year}")
        return release
    for label in known.sort(["last", "latest_id"], descending=True)["release"]:
        if year in queries.release_years(session, label):
            return str(label)
    raise NotFoundError(f"no imported release has figures for {year}; {IMPORT_HINT}")


def _year_rows(engine: Engine, year: int, release: str | None) -> tuple[str, pl.DataFrame]:
    require_current(engine)
    with session_scope(engine) as session:
        label = resolve_release(session, year, release)
        rows = queries.published_rows(session, release=label, year=year)
    return label, published_numbers(rows)


def _level(rows: pl.DataFrame, level: str) -> pl.DataFrame:
    return rows.filter(pl.col("geographic_level") == level)


def _rounded(value: float | None, indicator: str) -> float | int | None:
    return round_published(value, indicator)


# --- compare ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CouncilComparison:
    release: str
    year: int
    authority: dict[str, str | None]
    source: str  # "published" or "census"
    comparators: list[dict[str, str | None]]
    frame: pl.DataFrame = field(repr=False)  # compare_council's result
    comparators_source: str = "chosen"  # "chosen" or "statistical neighbours"
    notes: list[str] = field(default_factory=list)

    def indicators(self) -> dict[str, dict[str, Any]]:
        """Per DfE indicator (DfE's column names), rounded as DfE publishes; null where DfE prints
        a symbol (z, x, c, u) or there is nothing to compare."""
        codes = [str(c["code"]) for c in self.comparators]
        result: dict[str, dict[str, Any]] = {}
        for row in self.frame.iter_rows(named=True):
            name = row["indicator"]
            result[name] = {
                "better": row["better"],
                "council": _rounded(row["council"], name),
                "england": _rounded(row["england"], name),
                "region": _rounded(row["region"], name),
                "comparators": {code: _rounded(row[code], name) for code in codes},
                "comparator_median": _rounded(row["comparator_median"], name),
                "rank": row["rank"],
                "ranked": row["ranked"],
                "quartile": row["quartile"],
                "difference_from_england": _rounded(row["difference_from_england"], name),
                "difference_from_region": _rounded(row["difference_from_region"], name),
            }
        return result

    def to_dict(self) -> dict[str, Any]:
        return {
            "release": self.release,
            "year": self.year,
            "authority": self.authority,
            "source": self.source,
            "comparators": self.comparators,
            "comparators_source": self.comparators_source,
            "notes": self.notes,
            "rank_note": RANK_NOTE,
            "indicators": self.indicators(),
        }


def _census_values(engine: Engine, year: int, code: str) -> dict[str, float | None] | None:
    """The council's indicators from its census data, or ``None`` when it has none."""
    try:
        return _any_figure(council_indicators(engine, census_year=year, authority_code=code))
    except NotFoundError:
        return None


def _any_figure(values: Mapping[str, float | None]) -> dict[str, float | None] | None:
    """The values, or ``None`` when not one indicator has a figure."""
    if not any(values.get(name) is not None for name in INDICATOR_COLUMNS):
        return None
    return dict(values)


def compare(
    engine: Engine,
    *,
    year: int,
    authority_code: str,
    comparators: Sequence[str] | None = None,
    release: str | None = None,
    own_values: Mapping[str, float | None] | None = None,
) -> CouncilComparison:
    """The council's value for every DfE indicator next to England, its region (London for Inner
    and Outer London councils), its comparators and their median, its rank and quartile among all
    councils (1 = best, :mod:`caseload.census.benchmarking.compare`), and its differences from
    England and the region (rates and averages only). Its own values come from its census data when
    the database holds some for the year, otherwise from its published row.

    ``comparators``: council codes, or ``None`` for the council's DfE statistical neighbours
    (:func:`statistical_neighbours`; those without a row that year are left out with a note).
    ``own_values``: the council's figures for the year when the caller holds them already (the
    pages pass their snapshot's), else they are computed from its census data."""
    _check_year(year)
    code = authority_code.strip()
    if not CODE.match(code):
        raise InvalidInputError(f"--authority must be a 3-digit council code, not {code!r}")
    label, rows = _year_rows(engine, year, release)
    own = _census_values(engine, year, code) if own_values is None else _any_figure(own_values)
    with session_scope(engine) as session:
        known = queries.authority(session, code)
        stored = (known.name, known.region) if known is not None else None
    return _comparison(label, rows, year, code, comparators, own, stored)


def _comparison(
    label: str,
    rows: pl.DataFrame,
    year: int,
    code: str,
    comparators: Sequence[str] | None,
    own: dict[str, float | None] | None,
    stored: tuple[str, str | None] | None,
) -> CouncilComparison:
    """:func:`compare` for one council, given the release's rows, the council's own figures (or
    None) and its stored name and region (or None when the database does not hold it)."""
    neighbours = comparators is None
    wanted = statistical_neighbours(code) if comparators is None else comparators
    chosen = [c for c in parse_comparators(",".join(wanted)) if c != code]
    councils = _level(rows, LOCAL_AUTHORITY)
    published = councils.filter(la_code_matches(code))
    if own is None and published.height == 0:
        raise NotFoundError(
            f"authority {code} has no council row in release {label} for {year} and no census "
            "data in the database; check the 3-digit DfE code"
        )
    missing = [c for c in chosen if councils.filter(la_code_matches(c)).height == 0]
    notes: list[str] = []
    if missing and neighbours:
        chosen = [c for c in chosen if c not in missing]
        notes.append(
            f"statistical neighbour{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"{'have' if len(missing) > 1 else 'has'} no council row in release {label} for {year}"
        )
    elif missing:
        raise NotFoundError(
            f"comparator{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"{'have' if len(missing) > 1 else 'has'} no council row in release {label} for "
            f"{year}; check the codes"
        )
    regions = _level(rows, REGIONAL)
    region = _region_of(published, regions, stored[1] if stored else None)
    if own is not None:
        councils = with_own_values(councils, code, own)
    frame = compare_council(
        councils,
        authority_code=code,
        england=_level(rows, NATIONAL),
        region=region,
        comparators=chosen,
    )
    name = published["la_name"][0] if published.height else (stored[0] if stored else None)
    return CouncilComparison(
        release=label,
        year=year,
        authority={
            "code": code,
            "name": name,
            "region_code": region["region_code"][0] if region.height else None,
            "region_name": region["region_name"][0] if region.height else None,
        },
        source="census" if own is not None else "published",
        comparators=[_council_label(councils, c) for c in chosen],
        frame=frame,
        comparators_source="statistical neighbours" if neighbours else "chosen",
        notes=notes,
    )


@dataclass(frozen=True)
class Comparisons:
    """:func:`compare_many`'s result: each council's comparison, in code order, and the councils
    that could not be compared, each with the reason."""

    release: str
    year: int
    councils: list[CouncilComparison]
    not_compared: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "release": self.release,
            "year": self.year,
            "rank_note": RANK_NOTE,
            "councils": [
                {key: value for key, value in council.to_dict().items() if key != "rank_note"}
                for council in self.councils
            ],
            "not_compared": self.not_compared,
        }


def compare_many(
    engine: Engine,
    *,
    year: int,
    authority: str | None = None,
    region: str | None = None,
    comparators: Sequence[str] | None = None,
    release: str | None = None,
) -> Comparisons:
    """:func:`compare` for several councils: ``authority`` is ``all`` (every council the
    database holds, the default), or codes separated by commas (a code the database does not
    hold is compared on its published row); ``region`` narrows the councils held to one region.
    The release is read once and the councils' own figures come from one read and one
    derivation of all their census data (:func:`caseload.services.census.census_indicators`),
    equal to each council's own; each council is then compared as :func:`compare` compares it
    (its own figures in place of its published row, every other council on its published row).
    A council with neither a census nor a published row is listed in ``not_compared``."""
    _check_year(year)
    codes = authority_codes(authority)
    if codes is not None:
        bad = [code for code in codes if not CODE.match(code)]
        if bad:
            raise InvalidInputError(
                "--authority must be 3-digit council codes separated by commas, or all; "
                f"{', '.join(repr(code) for code in bad)} {'is' if len(bad) == 1 else 'are'} not"
            )
        codes = list(dict.fromkeys(codes))
    label, rows = _year_rows(engine, year, release)
    with session_scope(engine) as session:
        held = {
            authority.code: (authority.name, authority.region)
            for authority in authorities_in(session, None, region)
        }
    wanted = sorted(held) if codes is None else codes
    if region is not None:
        wanted = [code for code in wanted if code in held]
    in_database = [code for code in wanted if code in held]
    own: dict[str, dict[str, float | None] | None] = {}
    if in_database:
        try:
            table = census_indicators(
                engine, census_year=year, authority_code=",".join(in_database)
            )
        except NotFoundError:  # one council, without census data for the year
            table = None
        for row in [] if table is None else table.frame.iter_rows(named=True):
            values = {name: row[name] for name in INDICATOR_COLUMNS}
            own[str(row["LEA"])] = _any_figure(
                {name: None if value is None else float(value) for name, value in values.items()}
            )
    councils = _level(rows, LOCAL_AUTHORITY)
    found: list[CouncilComparison] = []
    not_compared: dict[str, str] = {}
    for code in wanted:
        if own.get(code) is None and councils.filter(la_code_matches(code)).height == 0:
            not_compared[code] = (
                f"no census data for {year} in the database and no council row in release {label}"
            )
            continue
        found.append(
            _comparison(label, rows, year, code, comparators, own.get(code), held.get(code))
        )
    return Comparisons(label, year, found, not_compared)


def _region_of(
    published: pl.DataFrame, regions: pl.DataFrame, stored_region: str | None
) -> pl.DataFrame:
    """The council's region row: by its published region code (Inner and Outer London councils
    belong to London), else by the region name stored for the authority."""
    if published.height:
        code = published["region_code"][0]
        code = LONDON_CODE if code in LONDON_PARTS else code
        return regions.filter(pl.col("region_code") == code).head(1)
    if stored_region:
        wanted = stored_region.strip().lower()
        return regions.filter(pl.col("region_name").str.to_lowercase() == wanted).head(1)
    return regions.clear()


def _council_label(councils: pl.DataFrame, code: str) -> dict[str, str | None]:
    row = councils.filter(la_code_matches(code)).head(1)
    return {
        "code": code,
        "name": row["la_name"][0] if row.height else None,
        "published_code": row["old_la_code"][0] if row.height else None,
    }


# --- aggregate ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Aggregation:
    release: str
    year: int
    level: Level
    frame: pl.DataFrame = field(repr=False)  # against_published's result for the year
    councils: dict[str | None, int] = field(repr=False)  # councils counted per region code

    def differing(self) -> pl.DataFrame:
        """Rates more than ``TOLERANCE`` points from the published figure (or not rebuilt)."""
        return self.frame.filter(pl.col("differs"))

    def rows(self) -> list[dict[str, Any]]:
        """One row per area and indicator: rebuilt and published rounded as DfE publishes, the
        difference (unrounded rebuilt minus published) to 2 dp."""
        return [
            {
                "time_period": row["time_period"],
                "geographic_level": self.level.published,
                "region_code": row["region_code"],
                "region_name": row["region_name"] or "England",
                "indicator": row["indicator"],
                "rebuilt": _rounded(row["rebuilt"], row["indicator"]),
                "published": _rounded(row["published"], row["indicator"]),
                "difference": None if row["difference"] is None else round(row["difference"], 2),
                "differs": row["differs"],
            }
            for row in self.frame.iter_rows(named=True)
        ]

    def to_dict(self) -> dict[str, Any]:
        areas: dict[str | None, dict[str, Any]] = {}
        for row in self.rows():
            area = areas.setdefault(
                row["region_code"],
                {
                    "region_code": row["region_code"],
                    "region_name": row["region_name"],
                    "councils": self.councils.get(row["region_code"], 0),
                    "rebuilt": {},
                    "published": {},
                    "difference": {},
                },
            )
            for key in ("rebuilt", "published", "difference"):
                area[key][row["indicator"]] = row[key]
        return {
            "release": self.release,
            "year": self.year,
            "level": self.level.value,
            "tolerance": TOLERANCE,
            "areas": list(areas.values()),
            "rates_differing": [
                {k: row[k] for k in ("region_code", "region_name", "indicator")}
                | {k: row[k] for k in ("rebuilt", "published", "difference")}
                for row in self.rows()
                if row["differs"]
            ],
        }

    def csv_text(self) -> str:
        """The rows as CSV (``differs`` written true or false), through the shared writer."""
        return csv_string(
            ([row[column] for column in CSV_COLUMNS] for row in self.rows()), CSV_COLUMNS
        )


def aggregate(
    engine: Engine, *, year: int, level: Level | str, release: str | None = None
) -> Aggregation:
    """Rebuild the national or regional figures for ``year`` from the release's council rows and set
    them beside the published figures (rule: :mod:`caseload.census.benchmarking.aggregate`)."""
    _check_year(year)
    try:
        chosen = Level(level)
    except ValueError:
        raise InvalidInputError(f"--level must be national or regional, not {level!r}") from None
    label, rows = _year_rows(engine, year, release)
    councils = _level(rows, LOCAL_AUTHORITY)
    if councils.height == 0:
        raise NotFoundError(f"release {label} has no council rows for {year} to rebuild from")
    rebuilt = rebuild(councils, chosen)
    frame = against_published(rebuilt, _level(rows, chosen.published))
    counts = dict(zip(rebuilt["region_code"], rebuilt["councils"], strict=True))
    return Aggregation(release=label, year=year, level=chosen, frame=frame, councils=counts)


def published_years(engine: Engine) -> list[int]:
    """Every census year some imported release holds figures for, oldest first."""
    require_current(engine)
    with session_scope(engine) as session:
        known = queries.releases(session)
        years: set[int] = set()
        for label in known["release"].to_list():
            years.update(queries.release_years(session, str(label)))
    return sorted(years)


def published_council(engine: Engine, code: str) -> dict[str, str | None] | None:
    """The council's name and region as the newest imported release prints them, or None when
    no release has a row for the code."""
    years = published_years(engine)
    for year in reversed(years):
        label, rows = _year_rows(engine, year, None)
        found = _level(rows, LOCAL_AUTHORITY).filter(la_code_matches(code))
        if found.height:
            return {
                "code": code,
                "name": found["la_name"][0],
                "region": found["region_name"][0],
                "release": label,
            }
    return None
