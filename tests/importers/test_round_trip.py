"""Done means: a synthetic council written out as the HR CSV, absence CSV and SSD CSV dumps a
council would hand over, and imported into an empty database, gives the same council summary and
census indicators as the council built directly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from sqlalchemy import Engine

from caseload.importers.ssd import SsdOptions
from caseload.services.census import census_indicators
from caseload.services.generation import build_council, simulation_start
from caseload.services.imports import (
    AuthorityChoice,
    import_absences,
    import_hr,
    import_ssd,
    read_ssd,
)
from caseload.services.summary import council_summary
from caseload.storage import schema
from caseload.storage.engine import make_engine
from caseload.synthetic import CouncilSpec, generate_council
from caseload.synthetic.extracts import CO_WORKER_ROLE, write_extracts
from importers.import_support import counts, rows

VISITS = """
    SELECT c.child_ref, v.case_type, v.visit_date, v.seen, v.seen_alone, v.recorded_date,
           v.worker_id IS NULL
    FROM visit v JOIN child c ON c.id = v.child_id ORDER BY 1, 2, 3
"""
REVIEWS = """
    SELECT c.child_ref, r.case_type, r.due_date, r.review_date
    FROM review r JOIN child c ON c.id = r.child_id ORDER BY 1, 2, 3
"""

SPEC = CouncilSpec(
    code="907", name="Roundtrip Council", region="London", size_fte=70.0, preset="typical"
)
YEARS = 2
SEED = 11


def test_synthetic_council_survives_export_and_import(engine: Engine, tmp_path: Path) -> None:
    council = generate_council(SPEC, start=simulation_start(YEARS), years=YEARS, seed=SEED)
    files = write_extracts(council, tmp_path / "extracts")
    authority = AuthorityChoice(SPEC.code, SPEC.name, SPEC.region)
    hr = import_hr(
        engine,
        path=files.hr,
        mapping="generic",
        as_at=council.end,
        loaded_by="t",
        authority=authority,
    )
    absences = import_absences(
        engine, path=files.absences, mapping="generic-absences", as_at=council.end, loaded_by="t"
    )
    ssd = import_ssd(
        engine,
        source=read_ssd(folder=files.ssd),
        as_at=council.end,
        loaded_by="t",
        options=SsdOptions((CO_WORKER_ROLE,)),
    )
    assert (hr.warnings, absences.warnings, ssd.warnings) == (0, 0, 0)

    original = make_engine(f"sqlite:///{tmp_path / 'original.db'}")
    schema.upgrade(original)
    build_council(original, SPEC, years=YEARS, seed=SEED)

    assert (
        council_summary(engine, authority_code=SPEC.code).to_dict()
        == council_summary(original, authority_code=SPEC.code).to_dict()
    )
    for year in (council.end.year - 1, council.end.year):
        imported = census_indicators(engine, census_year=year, authority_code=SPEC.code).frame
        built = census_indicators(original, census_year=year, authority_code=SPEC.code).frame
        assert imported.equals(built), pl.concat([built, imported]).transpose(include_header=True)
    # Every spell, absence and allocation came across.
    loaded, expected = counts(engine), counts(original)
    for table in ("worker", "employment_spell", "absence", "allocation", "child"):
        assert loaded[table] == expected[table], table
    assert council.end == date(2026, 9, 30)

    # Visits and reviews came across: the SSD names no visitor, and only CP visits carry the
    # date they were written up.
    built_visits = [
        (*row[:5], row[5] if row[1] == "cp" else None, 1) for row in rows(original, VISITS)
    ]
    assert len(built_visits) > 1000
    assert rows(engine, VISITS) == built_visits
    assert rows(engine, REVIEWS) == rows(original, REVIEWS)
    again_ssd = import_ssd(
        engine,
        source=read_ssd(folder=files.ssd),
        as_at=council.end,
        loaded_by="t",
        options=SsdOptions((CO_WORKER_ROLE,)),
    )
    assert (
        again_ssd.counts["visit"]
        == again_ssd.counts["review"]
        == {
            "added": 0,
            "changed": 0,
            "ended": 0,
        }
    )

    # And loading the same files again changes nothing.
    again = import_hr(engine, path=files.hr, mapping="generic", as_at=council.end, loaded_by="t")
    assert (again.added, again.changed, again.ended) == (0, 0, 0)
    original.dispose()
