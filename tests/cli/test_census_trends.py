"""``caseload census indicators --baseline-year``: every change with its unit and verdict, on two
imported returns with hand-worked figures."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from caseload.census.xml_return import write_return
from caseload.domain.census_records import WORKER_ITEMS, conform_records, conform_vacancies

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_census_returns import AGENCY, OWN, database, run  # noqa: F401 (the fixture)


def write(folder: Path, year: int, *rows: dict[str, Any]) -> Path:
    records = conform_records(
        pl.DataFrame(
            [{item: row.get(item) for item in WORKER_ITEMS} for row in rows], schema=WORKER_ITEMS
        )
    )
    council = conform_vacancies(
        pl.DataFrame([{"NumberOfVacancies": 2.0, "NoAgencyFTE": 0.0, "NoAgencyHeadcount": 0}])
    )
    path = folder / f"301_{year}.xml"
    path.write_bytes(
        write_return(
            records,
            council,
            lea="301",
            census_year=year,
            software_code="Council HR",
            generated_at=datetime(year, 10, 6, tzinfo=UTC),
        )
    )
    return path


def test_indicators_with_changes_on_the_previous_and_baseline_years(
    database: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = [
        write(database, 2023, OWN | {"FTE": 0.8, "FTE30": 0.8}),
        write(database, 2024, OWN),
        write(database, 2025, OWN, AGENCY),
    ]
    assert run(capsys, "census", "import", *map(str, files))[0] == 0
    code, out, err = run(
        capsys, "census", "indicators", "--year", "2025", "--baseline-year", "2023",
        "--format", "json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["year"], data["baseline_year"]) == (2025, 2023)
    rows = {row["name"]: row for row in data["authorities"]["301"]}
    # In post 0.8 (2023), 0.6 (2024), 0.6 (2025): no change on 2024; -25.0% on 2023, worse.
    assert rows["inpost_fte"]["change_on_previous"] == {
        "value": 0.0,
        "unit": "%",
        "verdict": "same",
    }
    assert rows["inpost_fte"]["change_on_baseline"] == {
        "value": -25.0,
        "unit": "%",
        "verdict": "worse",
    }
    # Agency rate 0.0% then 1.0 / 1.6 = 62.5%: +62.5 percentage points, worse.
    assert rows["agency_rate_fte"]["value"] == 62.5
    assert rows["agency_rate_fte"]["change_on_previous"] == {
        "value": 62.5,
        "unit": "pp",
        "verdict": "worse",
    }
    # Vacancy rate 2.0 / 2.6 = 76.9% in 2024 and 2025; 2.0 / 2.8 = 71.4% in 2023: +5.5 pp.
    assert rows["vacancy_rate_fte"]["change_on_previous"]["value"] == 0.0
    assert rows["vacancy_rate_fte"]["change_on_baseline"] == {
        "value": 5.5,
        "unit": "pp",
        "verdict": "worse",
    }
    # Agency FTE from none: no per cent of nothing.
    assert rows["agency_fte"]["change_on_previous"] == {"value": None, "unit": "%", "verdict": None}
    assert rows["starters_headcount"]["direction"] == "neither"

    code, out, _ = run(capsys, "census", "indicators", "--year", "2025", "--baseline-year", "2023")
    assert code == 0
    assert "+62.5 pp (worse)" in out and "-25.0% (worse)" in out
    code, _, err = run(capsys, "census", "indicators", "--year", "2025", "--baseline-year", "2025")
    assert code != 0 and "--baseline-year must be before the census year 2025" in err
