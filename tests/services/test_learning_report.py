"""The board pack's "Learning and the pipeline" section on a small synthetic council: in the
internal pack with the same compliance as the learning service and the same conversions as the
pipeline service, absent from the public pack and from a council without courses or placements."""

from __future__ import annotations

from sqlalchemy import Engine

from caseload.reports.model import Audience, ReportKind
from caseload.services.caseloads import council_data
from caseload.services.generation import build_council
from caseload.services.learning import council_training
from caseload.services.pipeline import council_pipeline
from caseload.services.reports import ReportRequest, build_report
from caseload.storage.models import Base
from caseload.synthetic import CouncilSpec

SPEC = CouncilSpec(
    code="998", name="Learnshire (synthetic)", region="North West", size_fte=40.0, preset="typical"
)


def test_the_section_in_the_internal_pack_only(engine: Engine) -> None:
    build_council(engine, SPEC, years=1, seed=3)
    pack = build_report(engine, ReportRequest(ReportKind.BOARD_PACK), authority_code="998")
    section = next(s for s in pack.sections if s.key == "learning")
    assert section.title == "Learning and the pipeline"
    compliance, conversions = section.tables
    cli = council_training(engine, authority_code="998", as_at=None)
    total = compliance.rows[-1]
    assert total["service"] == "All services"
    assert (total["pairs"], total["compliant"], total["compliance"]) == (
        cli["council"]["pairs"],
        cli["council"]["compliant"],
        cli["council"]["compliance"],
    )
    assert [row["service"] for row in compliance.rows[:-1]] == [
        row["service"] for row in cli["by_service"]
    ]
    pipeline = council_pipeline(engine, authority_code="998", as_at=None)
    assert [(r["year"], r["converted"]) for r in conversions.rows] == [
        (str(r["year"]), r["converted"]) for r in pipeline["conversions"]
    ]
    assert f"({cli['council']['compliance']:.1f}%)" in section.commentary[0]
    public = build_report(
        engine,
        ReportRequest(ReportKind.BOARD_PACK, audience=Audience.PUBLIC),
        authority_code="998",
    )
    assert "learning" not in [s.key for s in public.sections]
    scrutiny = build_report(engine, ReportRequest(ReportKind.SCRUTINY), authority_code="998")
    assert "learning" not in [s.key for s in scrutiny.sections]

    with engine.begin() as connection:
        for table in ("attendance", "learning_item", "training_record", "course", "placement"):
            connection.execute(Base.metadata.tables[table].delete())
    council_data(engine, authority_code="998").snapshots.clear()
    empty = build_report(engine, ReportRequest(ReportKind.BOARD_PACK), authority_code="998")
    assert "learning" not in [s.key for s in empty.sections]
