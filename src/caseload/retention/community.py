"""The community a council serves: ONS Census 2021 population by ethnic group for every
upper-tier council in England and for England, shipped with Caseload
(``caseload/reference/ons/census2021_ethnic_group.csv.gz``, Open Government Licence v3.0; the
folder's README names the source).

- The shipped file keeps ONS's 19 ethnic groups (TS021, "Ethnic group (20 categories)" without
  "Does not apply", which is 0 everywhere): ``area_code`` (E06, E08, E09, E10 codes as of 2023;
  ``E92000001`` England), ``area_name``, ``category`` (ONS's code, 1-19) and ``population``.
- :data:`ONS_GROUPS` puts each ONS category in one of the major groups the workforce census
  reports ``Ethnicity`` in (:class:`caseload.domain.codes.EthnicGroup`): White (Gypsy or Irish
  Traveller and Roma included), Mixed, Asian, Black and Other (Arab, any other ethnic group and
  Chinese, which the census code list puts with "Other"), so the workforce and the community are
  grouped alike.
- Caseload knows a council by DfE's 3-digit code (``LEA``); :func:`area_codes` finds its ONS area
  code(s) from DfE's own pairs of ``old_la_code`` and ``new_la_code`` in the shipped indicator
  release (every year, so Barnsley's 370 finds both E08000016 and E08000038, and a council DfE
  reports with a partner, 314 / 318, is split into its two areas)."""

from __future__ import annotations

import gzip
from functools import cache
from importlib.resources import files
from pathlib import Path

import polars as pl

from caseload.census.benchmarking.reference import shipped_indicators
from caseload.domain.codes import EthnicGroup
from caseload.errors import InvalidInputError

POPULATION_FILE = "census2021_ethnic_group.csv.gz"
ENGLAND = "E92000001"
POPULATION_SCHEMA: dict[str, pl.DataType] = {
    "area_code": pl.Utf8(),
    "area_name": pl.Utf8(),
    "category": pl.Int64(),
    "population": pl.Int64(),
}
DOES_NOT_APPLY = -8
# ONS TS021 "Ethnic group (20 categories)": code -> (name, major group).
ONS_CATEGORIES: dict[int, tuple[str, EthnicGroup]] = {
    1: ("Asian: Bangladeshi", EthnicGroup.ASIAN),
    2: ("Asian: Chinese", EthnicGroup.OTHER),
    3: ("Asian: Indian", EthnicGroup.ASIAN),
    4: ("Asian: Pakistani", EthnicGroup.ASIAN),
    5: ("Asian: Other Asian", EthnicGroup.ASIAN),
    6: ("Black: African", EthnicGroup.BLACK),
    7: ("Black: Caribbean", EthnicGroup.BLACK),
    8: ("Black: Other Black", EthnicGroup.BLACK),
    9: ("Mixed: White and Asian", EthnicGroup.MIXED),
    10: ("Mixed: White and Black African", EthnicGroup.MIXED),
    11: ("Mixed: White and Black Caribbean", EthnicGroup.MIXED),
    12: ("Mixed: Other Mixed or Multiple ethnic groups", EthnicGroup.MIXED),
    13: ("White: English, Welsh, Scottish, Northern Irish or British", EthnicGroup.WHITE),
    14: ("White: Irish", EthnicGroup.WHITE),
    15: ("White: Gypsy or Irish Traveller", EthnicGroup.WHITE),
    16: ("White: Roma", EthnicGroup.WHITE),
    17: ("White: Other White", EthnicGroup.WHITE),
    18: ("Other ethnic group: Arab", EthnicGroup.OTHER),
    19: ("Other ethnic group: Any other ethnic group", EthnicGroup.OTHER),
}
ONS_GROUPS: dict[int, str] = {code: group.value for code, (_, group) in ONS_CATEGORIES.items()}
KNOWN_GROUPS: tuple[EthnicGroup, ...] = tuple(
    g for g in EthnicGroup if g is not EthnicGroup.NOT_KNOWN
)
_SOURCE_COLUMNS = (
    "Ethnic group (20 categories) Code",
    "Observation",
)


def compact_population(source: pl.DataFrame, *, england_only: bool = False) -> pl.DataFrame:
    """One of ONS's TS021 downloads (upper-tier councils, or countries) cut to
    :data:`POPULATION_SCHEMA`: English areas only ("E" codes; with ``england_only`` the England
    row alone), "Does not apply" dropped, sorted by area and category."""
    code_column = next((c for c in source.columns if c.endswith(" Code") and "Ethnic" not in c), "")
    missing = [c for c in (*_SOURCE_COLUMNS, code_column) if c not in source.columns]
    if not code_column or missing:
        raise InvalidInputError(
            "the ONS file lacks the columns of a Census 2021 TS021 download (an area code, "
            "'Ethnic group (20 categories) Code' and 'Observation')"
        )
    name_column = code_column.removesuffix(" Code")
    frame = source.select(
        pl.col(code_column).cast(pl.Utf8).alias("area_code"),
        pl.col(name_column).cast(pl.Utf8).alias("area_name"),
        pl.col("Ethnic group (20 categories) Code").cast(pl.Int64).alias("category"),
        pl.col("Observation").cast(pl.Int64).alias("population"),
    ).filter(pl.col("area_code").str.starts_with("E") & (pl.col("category") != DOES_NOT_APPLY))
    if england_only:
        frame = frame.filter(pl.col("area_code") == ENGLAND)
    unknown = set(frame["category"].to_list()) - set(ONS_CATEGORIES)
    if unknown:
        raise InvalidInputError(
            f"the ONS file has ethnic group codes {sorted(unknown)} not in TS021"
        )
    return frame.sort("area_code", "category")


def write_shipped(councils_csv: Path, england_csv: Path, folder: Path | None = None) -> Path:
    """Rebuild the shipped file from ONS's two TS021 downloads (for maintainers; gzip without a
    timestamp, so the same input gives the same bytes). Returns the file written."""
    target = (folder or _folder()) / POPULATION_FILE
    frame = pl.concat(
        [
            compact_population(pl.read_csv(england_csv, infer_schema=False), england_only=True),
            compact_population(pl.read_csv(councils_csv, infer_schema=False)),
        ]
    )
    with target.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(frame.write_csv().encode("utf-8"))
    return target


def _folder() -> Path:
    return Path(str(files("caseload.reference").joinpath("ons")))


@cache
def shipped_population() -> pl.DataFrame:
    """The shipped Census 2021 population by ONS ethnic group (:data:`POPULATION_SCHEMA`)."""
    data = files("caseload.reference").joinpath("ons").joinpath(POPULATION_FILE).read_bytes()
    return pl.read_csv(gzip.decompress(data), schema=POPULATION_SCHEMA)


def la_code_areas(indicators: pl.DataFrame | None = None) -> pl.DataFrame:
    """la_code, area_code: each DfE 3-digit council code with the ONS area code(s) DfE gives it in
    any year of the indicator release (councils reported together, "314 / 318" with
    "E09000021 / E09000027", split pairwise)."""
    rows = (shipped_indicators() if indicators is None else indicators).filter(
        pl.col("geographic_level") == "Local authority"
    )
    pairs = rows.select(
        pl.col("old_la_code").str.split(" / ").alias("la_code"),
        pl.col("new_la_code").str.split(" / ").alias("area_code"),
    ).filter(pl.col("la_code").list.len() == pl.col("area_code").list.len())
    return (
        pairs.explode("la_code", "area_code")
        .with_columns(pl.col("la_code").str.strip_chars(), pl.col("area_code").str.strip_chars())
        .unique()
        .sort("la_code", "area_code")
    )


def area_codes(la_code: str) -> tuple[str, ...]:
    """The ONS area codes of a DfE council code (none for a code DfE does not list)."""
    found = la_code_areas().filter(pl.col("la_code") == la_code)
    return tuple(found["area_code"].to_list())


def community_by_group(
    area: tuple[str, ...] | str, population: pl.DataFrame | None = None
) -> pl.DataFrame:
    """The population of the areas (summed) by major ethnic group: group (value), population,
    share (per cent of the population, unrounded); every known group has a row (0 where none).
    Empty when no area is in the file."""
    codes = (area,) if isinstance(area, str) else area
    table = shipped_population() if population is None else population
    mine = table.filter(pl.col("area_code").is_in(list(codes)))
    if mine.height == 0:
        return pl.DataFrame(schema={"group": pl.Utf8, "population": pl.Int64, "share": pl.Float64})
    counted = (
        mine.with_columns(
            pl.col("category").replace_strict(ONS_GROUPS, return_dtype=pl.Utf8).alias("group")
        )
        .group_by("group")
        .agg(pl.col("population").sum())
    )
    grid = pl.DataFrame(
        {"group": [g.value for g in KNOWN_GROUPS], "_order": list(range(len(KNOWN_GROUPS)))}
    )
    return (
        grid.join(counted, on="group", how="left")
        .with_columns(pl.col("population").fill_null(0).cast(pl.Int64))
        .with_columns((100.0 * pl.col("population") / pl.col("population").sum()).alias("share"))
        .sort("_order")
        .select("group", "population", "share")
    )


def area_name(area: tuple[str, ...], population: pl.DataFrame | None = None) -> str | None:
    """The areas' names as ONS gives them, joined with " and " (None when none is in the file)."""
    table = shipped_population() if population is None else population
    names = (
        table.filter(pl.col("area_code").is_in(list(area)))
        .select("area_code", "area_name")
        .unique()
        .sort("area_code")["area_name"]
        .to_list()
    )
    return " and ".join(names) if names else None
