"""A small DfE-shaped indicator file for the web tests: England, the North West and one comparator
council (301), with the figures a test chooses (every other cell "x", DfE's "not available")."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import Engine

from caseload.census.definitions import INDICATOR_COLUMNS
from caseload.services import benchmarks

HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name," + ",".join(INDICATOR_COLUMNS)
)
COMPARATOR = "301"

Figures = Mapping[str, float | int]


def _cells(values: Figures) -> str:
    return ",".join(str(values[name]) if name in values else "x" for name in INDICATOR_COLUMNS)


def import_benchmarks(
    engine: Engine,
    folder: Path,
    year: int,
    *,
    england: Figures,
    region: Figures,
    comparator: Figures | None = None,
) -> None:
    lines = [
        HEADER,
        f"{year},Reporting year,National,E92000001,England,,,,,," + _cells(england),
        f"{year},Reporting year,Regional,E92000001,England,E12000002,North West,,,,"
        + _cells(region),
        f"{year},Reporting year,Local authority,E92000001,England,E12000002,North West,"
        f"{COMPARATOR},E06000099,Comparaton (synthetic)," + _cells(comparator or {}),
    ]
    path = folder / "indicators.csv"
    path.write_text("\n".join(lines) + "\n")
    benchmarks.import_published(engine, path)
