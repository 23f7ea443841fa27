"""DfE's published figures shipped with Caseload (``caseload/reference/dfe/``), and the readers
that make the compact shipped files from DfE's own.

- ``csww_indicators_2025.csv.gz``: the 2025 release of the children's social work workforce
  indicators (``csww_indicators_2017_to_2025.csv``, census years 2017 to 2025; national, regional
  and every council), every cell as DfE prints it (symbols kept) and only the columns the importer
  reads (:data:`caseload.census.benchmarking.published.REQUIRED_COLUMNS`).
- ``statistical_neighbours_2025.csv.gz``: DfE's children's services statistical neighbours (2025
  model), one row per council and neighbour: ``la_code``, ``la_name``, ``region_name``, ``rank``
  (1 = the closest), ``neighbour_code`` and ``closeness`` (DfE's band, e.g. ``Very close``).

Both are published under the Open Government Licence v3.0; the folder's README names the source.
:func:`compact_indicators` and :func:`read_neighbours_csv` rebuild them from DfE's files
(``write_shipped``), and a test checks the shipped files against DfE's when those are at hand."""

from __future__ import annotations

import csv
import gzip
import io
from functools import cache
from importlib.resources import files
from pathlib import Path

import polars as pl

from caseload.census.benchmarking.published import REQUIRED_COLUMNS, read_published_csv
from caseload.errors import InvalidInputError

SHIPPED_RELEASE = "2025"
NEIGHBOURS_MODEL = "2025"
INDICATORS_FILE = "csww_indicators_2025.csv.gz"
NEIGHBOURS_FILE = "statistical_neighbours_2025.csv.gz"
NEIGHBOURS = 10
NEIGHBOUR_SCHEMA: dict[str, pl.DataType] = {
    "la_code": pl.Utf8(),
    "la_name": pl.Utf8(),
    "region_name": pl.Utf8(),
    "rank": pl.Int64(),
    "neighbour_code": pl.Utf8(),
    "closeness": pl.Utf8(),
}
# DfE's neighbour files: the 2025 model (old_la_code, la_name, region_ind, region_name, then
# SN_1, SN_1P ... SN_10, SN_10P) and the 2021 model (LA num, LA Name, LA number, GOInd, GOReg, then
# SN1, SNP ... SN10, SNP). Each names the council in its first column, its region in the column
# before the first neighbour, and lists ten (code, closeness) pairs.
_NEIGHBOUR_LAYOUTS: dict[str, tuple[int, int]] = {
    "SN_1": (3, 4),  # region_name column, first neighbour column
    "SN1": (4, 5),
}


def _folder() -> Path:
    return Path(str(files("caseload.reference").joinpath("dfe")))


def compact_indicators(frame: pl.DataFrame) -> pl.DataFrame:
    """DfE's indicator file (read as text) cut to the columns the importer reads, in its order."""
    missing = [column for column in REQUIRED_COLUMNS if column not in frame.columns]
    if missing:
        raise InvalidInputError(f"the indicator file lacks the columns {', '.join(missing)}")
    return frame.select(pl.col(column).cast(pl.Utf8) for column in REQUIRED_COLUMNS)


def read_neighbours_csv(path: Path) -> pl.DataFrame:
    """DfE's statistical neighbours file (2021 or 2025 model) as one row per council and neighbour
    (:data:`NEIGHBOUR_SCHEMA`), closest first. Reading stops at the first row without a council
    code, so the pre-reorganisation councils listed after a gap (2021) are left out."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{path}: cannot be read ({exc})") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise InvalidInputError(f"{path}: the file is empty; expected DfE's neighbour CSV")
    header = [cell.strip() for cell in rows[0]]
    layout = next((_NEIGHBOUR_LAYOUTS[name] for name in _NEIGHBOUR_LAYOUTS if name in header), None)
    if layout is None:
        raise InvalidInputError(
            f"{path}: no SN_1 or SN1 column; expected DfE's statistical neighbour file"
        )
    region_at, first = layout
    found: dict[str, list[object]] = {name: [] for name in NEIGHBOUR_SCHEMA}
    for line, row in enumerate(rows[1:], start=2):
        code = row[0].strip() if row else ""
        if not code:
            break
        cells = [cell.strip() for cell in row]
        if len(cells) < first + 2 * NEIGHBOURS or not code.isdigit() or len(code) != 3:
            raise InvalidInputError(
                f"{path}: line {line} is not a council with {NEIGHBOURS} neighbours"
            )
        for rank in range(1, NEIGHBOURS + 1):
            at = first + 2 * (rank - 1)
            found["la_code"].append(code)
            found["la_name"].append(cells[1])
            found["region_name"].append(cells[region_at])
            found["rank"].append(rank)
            found["neighbour_code"].append(cells[at])
            found["closeness"].append(cells[at + 1].capitalize())
    return pl.DataFrame(found, schema=NEIGHBOUR_SCHEMA)


def write_shipped(indicators_csv: Path, neighbours_csv: Path, folder: Path | None = None) -> None:
    """Rebuild the shipped files from DfE's ``csww_indicators_2017_to_2025.csv`` and
    ``statistical_neighbours_2025.csv`` (for maintainers; gzip without a timestamp, so the same
    input gives the same bytes)."""
    target = _folder() if folder is None else folder
    indicators = compact_indicators(read_published_csv(indicators_csv))
    _write_gzip_csv(indicators, target / INDICATORS_FILE)
    _write_gzip_csv(read_neighbours_csv(neighbours_csv), target / NEIGHBOURS_FILE)


def _write_gzip_csv(frame: pl.DataFrame, path: Path) -> None:
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(frame.write_csv().encode("utf-8"))


def _read_gzip_csv(name: str, schema: dict[str, pl.DataType] | None = None) -> pl.DataFrame:
    data = files("caseload.reference").joinpath("dfe").joinpath(name).read_bytes()
    text = gzip.decompress(data)
    if schema is None:
        return pl.read_csv(text, infer_schema=False)
    return pl.read_csv(text, schema=schema)


@cache
def shipped_indicators() -> pl.DataFrame:
    """The shipped indicator release, every column text (as :func:`read_published_csv` gives)."""
    return _read_gzip_csv(INDICATORS_FILE)


@cache
def shipped_neighbours() -> pl.DataFrame:
    """The shipped statistical neighbours (:data:`NEIGHBOUR_SCHEMA`)."""
    return _read_gzip_csv(NEIGHBOURS_FILE, NEIGHBOUR_SCHEMA)


def neighbours_of(code: str, neighbours: pl.DataFrame | None = None) -> tuple[str, ...]:
    """The council's statistical neighbours, closest first (none for a code DfE does not list)."""
    table = shipped_neighbours() if neighbours is None else neighbours
    rows = table.filter(pl.col("la_code") == code).sort("rank")
    return tuple(rows["neighbour_code"].to_list())


CONTINUITY_FILE = "cla_social_worker_changes_2024.csv.gz"
CONTINUITY_YEAR = 2024
CONTINUITY_SCHEMA: dict[str, pl.DataType] = {
    "time_period": pl.Int64(),
    "geographic_level": pl.Utf8(),
    "region_name": pl.Utf8(),
    "la_code": pl.Utf8(),
    "la_name": pl.Utf8(),
    "children": pl.Int64(),
    "three_or_more": pl.Int64(),
    "percentage": pl.Float64(),
}


@cache
def shipped_continuity() -> pl.DataFrame:
    """DfE's children looked after on 31 March 2024 and how many had three or more social workers
    during the year, for England, each region and each council (*Children looked after in
    England including adoptions*, ``cla_social_worker_changes.csv``): the benchmark for a
    council's continuity. Suppressed council cells are null."""
    frame = pl.read_csv(
        _folder() / CONTINUITY_FILE,
        schema_overrides={"la_code": pl.Utf8},
        null_values=["c", "x", "z", "u", "low", ""],
        infer_schema_length=0,
    )
    return frame.select(
        pl.col(name).cast(dtype, strict=False) for name, dtype in CONTINUITY_SCHEMA.items()
    )
