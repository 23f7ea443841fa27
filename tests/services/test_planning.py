"""The planning service on a small synthetic council: the board pack's plan section shows the
page's figures (internal pack only), the cost model setting is read and a broken one is named,
and a role without the permission is refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from caseload.auth.principal import Principal
from caseload.auth.roles import AccountRole
from caseload.errors import AccessDeniedError, ConfigurationError
from caseload.reports.model import Audience, ReportKind
from caseload.services.generation import build_council
from caseload.services.pipeline import council_pipeline
from caseload.services.planning import COST_MODEL_SETTING, cost_model, planning_view
from caseload.services.reports import ReportRequest, build_report
from caseload.services.scorecard import council_principal
from caseload.synthetic import CouncilSpec

SPEC = CouncilSpec(
    code="999",
    name="Smallshire Council (synthetic)",
    region="North West",
    size_fte=40.0,
    preset="typical",
)


def test_the_pack_shows_the_pages_figures(engine: Engine) -> None:
    build_council(engine, SPEC, years=2, seed=8)
    leader = council_principal(engine, "999")
    context = planning_view(engine, leader)
    internal = build_report(
        engine,
        ReportRequest(ReportKind.BOARD_PACK, audience=Audience.INTERNAL),
        authority_code="999",
    )
    section = next(s for s in internal.sections if s.key == "plan")
    rows = {row["plan"]: row for row in section.tables[0].rows}
    for scenario in context["scenarios"]:
        three = next(p for p in scenario["points"] if p["years"] == 3)
        row = rows[scenario["title"]]
        assert row["own"] == three["own_fte"]["p50"]
        assert row["agency"] == three["agency_fte"]["p50"]
        assert row["caseload"] == three["caseload"]["p50"]
    public = build_report(
        engine,
        ReportRequest(ReportKind.BOARD_PACK, audience=Audience.PUBLIC),
        authority_code="999",
    )
    assert "plan" not in [s.key for s in public.sections]
    member = Principal(0, "member", "member", AccountRole.MEMBER, leader.authority_id)
    with pytest.raises(AccessDeniedError, match="cannot plan workforce"):
        planning_view(engine, member)


def test_the_cost_model_setting(tmp_path: Path) -> None:
    assert cost_model({}).source == "cost_model.yaml"
    broken = tmp_path / "costs.yaml"
    broken.write_text("version: 1\nsalaries: {}\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=rf"^{COST_MODEL_SETTING}: {broken}: "):
        cost_model({COST_MODEL_SETTING: str(broken)})
    missing = tmp_path / "nothing.yaml"
    with pytest.raises(ConfigurationError, match="cannot be read"):
        cost_model({COST_MODEL_SETTING: str(missing)})


def test_the_newly_qualified_intakes_come_from_the_pipeline_when_it_can_say(
    engine: Engine,
) -> None:
    build_council(engine, SPEC, years=1, seed=8)  # its next year's placements are agreed
    leader = council_principal(engine, "999")
    context = planning_view(engine, leader, paths=100)
    found = context["evidence"]["intake_source"]
    pipeline = council_pipeline(
        engine, authority_code="999", as_at=date.fromisoformat(context["as_at"])
    )
    # The plan's pipeline years are the pipeline page's expected intake, year by year.
    assert found["source"] == "pipeline" and found["reason"] == ""
    assert [(y["year"], y["learners"], y["expected_intake"]) for y in found["years"]] == [
        (row["year"], row["learners"], row["expected_intake"]) for row in pipeline["intake"]
    ]
    assert found["through_year"] == pipeline["intake"][-1]["year"]
    # Without placements, the intakes are the assumption, and the plan says why.
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM placement"))
    context = planning_view(engine, leader, paths=100)
    assert context["evidence"]["intake_source"] == {
        "source": "history",
        "reason": "no placement of a student or apprentice is recorded",
        "start_month": "September",
        "through_year": None,
        "years": [],
    }
