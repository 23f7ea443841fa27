"""The cost model and scenario files: hand-worked costs, the posts a target needs, and errors
that name the file, the line and the entry."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from caseload.errors import ConfigurationError
from caseload.forecasting.costs import (
    RetentionScheme,
    default_cost_model,
    monthly_costs,
    parse_cost_model,
    with_retention_effect,
    yearly_cost_quantiles,
)
from caseload.forecasting.scenarios import (
    apply_scenario,
    baseline,
    load_scenario,
    parse_scenario,
    posts_to_target,
    shipped_scenario,
    shipped_scenario_names,
)
from caseload.forecasting.supply import SERVICE_MONTH_CAP, RecruitmentRound, SupplyInputs, simulate

ROLES = ("asye", "social_worker", "senior_social_worker")
COSTS = """\
version: 1
salaries: {asye: 30000, social_worker: 36000, senior_social_worker: 42000}
on_costs_percent: 25
agency:
  hours_per_week: 37
  weeks_per_year: 52
  hourly_charge: {social_worker: 50}
market_supplements: {social_worker: 2400}
retention_payments:
  - {name: Stay, after_years: 2, yearly_amount: 1200, reduces_leaving_percent: 50}
"""


def inputs(months: int = 12) -> SupplyInputs:
    return SupplyInputs(
        first_day=date(2026, 3, 31),
        months=months,
        roles=ROLES,
        post_group=(1, 1, 2),
        staff_role=np.array([1, 1, 2], dtype=np.int64),
        staff_fte=np.array([1.0, 0.5, 1.0]),
        staff_service_months=np.array([30, 5, 60], dtype=np.int64),
        staff_role_months=np.array([30, 5, 60], dtype=np.int64),
        leave_by_month=np.zeros(SERVICE_MONTH_CAP + 1),
        progress=np.zeros(3),
        recruit_fte=np.ones(3),
        establishment=np.repeat(np.array([[0.0], [3.0], [2.0]]), months + 1, axis=1),
        rounds=(RecruitmentRound(1, "social_worker", 0.5, 3),),
    )


def test_monthly_costs_worked_by_hand() -> None:
    model = parse_cost_model(COSTS, source="costs.yaml", roles=ROLES)
    result = simulate(inputs(), paths=1, seed=1)
    costs = monthly_costs(result, model)
    # Month 0: social workers 1.5 FTE x (36,000 + 2,400) x 1.25 / 12 = 6,000; the senior
    # 42,000 x 1.25 / 12 = 4,375. Own pay 1.5 x 36,000 x 1.25 / 12 + 4,375 = 5,625 + 4,375.
    assert costs["own_pay"][0, 0] == pytest.approx(10_000.0)
    assert costs["supplements"][0, 0] == pytest.approx(375.0)
    # Two people with 2 years' service or more (30 and 60 months): 2 x 1,200 x 1.25 / 12.
    assert costs["retention_payments"][0, 0] == pytest.approx(250.0)
    # Agency: 1.5 social worker FTE x 50 an hour x 37 x 52 / 12; no senior agency charge given.
    assert costs["agency"][0, 0] == pytest.approx(1.5 * 50 * 37 * 52 / 12)
    assert model.agency_premium_percent("social_worker") == pytest.approx(
        (50 * 37 * 52 / (38_400 * 1.25) - 1) * 100
    )
    yearly = yearly_cost_quantiles(costs)
    total = yearly.filter(yearly["measure"] == "cost_total").row(0, named=True)
    assert total["year"] == 1
    assert total["p50"] == pytest.approx(costs["total"][0, 1:13].sum())


def test_a_retention_scheme_cuts_leaving_in_the_years_it_names() -> None:
    base = replace(inputs(), leave_by_month=np.full(SERVICE_MONTH_CAP + 1, 0.02))
    scheme = RetentionScheme("Stay", 2, 1000.0, 25.0)
    cut = with_retention_effect(base, (scheme,)).leave_by_month
    assert cut[23] == 0.02 and cut[36] == 0.02
    assert cut[24] == cut[35] == pytest.approx(0.015)


def test_cost_model_errors_name_the_file_line_and_entry(tmp_path: Path) -> None:
    wrong = COSTS.replace("on_costs_percent: 25", "on_costs_percent: 250")
    with pytest.raises(ConfigurationError, match=r"^costs.yaml: line 3: on_costs_percent: "):
        parse_cost_model(wrong, source="costs.yaml")
    scheme = COSTS.replace("after_years: 2", "after_years: 4")
    with pytest.raises(ConfigurationError, match=r"line 10: retention_payments.0.after_years"):
        parse_cost_model(scheme, source="costs.yaml")
    with pytest.raises(ConfigurationError, match="no salary for team_manager"):
        parse_cost_model(COSTS, source="costs.yaml", roles=(*ROLES, "team_manager"))
    assert default_cost_model(ROLES).on_costs_percent == 30


def test_the_worked_scenarios_parse() -> None:
    assert shipped_scenario_names() == [
        "add-posts-to-target",
        "over-recruit-newly-qualified",
        "retention-payments",
    ]
    over = shipped_scenario("over-recruit-newly-qualified", ROLES)
    assert over.over_recruitment == (("asye", 9, 1), ("senior_social_worker", 2, 3))
    payments = shipped_scenario("retention-payments", ROLES)
    assert payments.market_supplements == "stop"
    assert payments.retention_payments[0].reduces_leaving_percent == 20


def test_posts_to_target_counts_each_role_at_its_own_target() -> None:
    # Social worker group: 40 ASYE cases at 15 and 90 social worker cases at 18 need
    # 2.667 + 5 = 7.667 FTE; 3 are funded, so 4.667 more.
    added = posts_to_target(
        inputs(),
        "social_worker",
        {"asye": 40, "social_worker": 90},
        {"asye": 15, "social_worker": 18, "senior_social_worker": 18},
    )
    assert added == pytest.approx(40 / 15 + 5 - 3)


def test_applying_a_scenario_changes_posts_targets_agency_and_payments() -> None:
    text = """\
version: 1
name: test-plan
title: A test plan
months: 36
posts: [{role: senior_social_worker, change_fte: 2, from_month: 4}]
over_recruitment: [{role: asye, people: 3, month: 2}]
recruitment: {rounds_every: 6, success_rate: {social_worker: 0.9}}
agency: {max_share_percent: 10}
payments: {market_supplements: stop}
"""
    scenario = parse_scenario(text, source="plan.yaml", roles=ROLES)
    model = parse_cost_model(COSTS, source="costs.yaml")
    applied = apply_scenario(scenario, replace(inputs(60)), model, cases_by_role={}, targets={})
    assert applied.inputs.months == 36
    assert applied.inputs.establishment[2].tolist() == [2.0] * 4 + [4.0] * 33
    assert applied.inputs.target_extra[1].tolist() == [0.0, 0.0] + [3.0] * 35
    assert [(r.month, r.success_rate) for r in applied.inputs.rounds] == [
        (1, 0.9),
        (7, 0.9),
        (13, 0.9),
        (19, 0.9),
        (25, 0.9),
        (31, 0.9),
    ]
    assert applied.inputs.agency_share.tolist() == [0.1, 0.1, 0.1]
    assert applied.costs.market_supplements == {}
    assert applied.post_changes == {"senior_social_worker": 2.0}
    unchanged = apply_scenario(baseline(36), inputs(60), model, cases_by_role={}, targets={})
    assert unchanged.inputs.rounds == inputs(60).rounds
    assert unchanged.costs == model


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("months: 36", "line 4: months: Input should be greater than or equal to 36"),
        ("months: 12", "line 4: months: Input should be greater than or equal to 36"),
        ("name: Test Plan", "line 2: name: Value error, a name is lower-case"),
        ("posts: [{role: nurse, change_fte: 1}]", "posts.0.role: 'nurse' is not a planned role"),
        ("posts: [{role: asye}]", "line 5: posts.0: Value error, give either change_fte"),
        ("colour: blue", "line 5: colour: Extra inputs are not permitted"),
    ],
)
def test_scenario_errors_name_the_file_line_and_field(
    tmp_path: Path, change: str, message: str
) -> None:
    text = "version: 1\nname: test-plan\ntitle: A test plan\nmonths: 40\n"
    if change.startswith("months") or change.startswith("name"):
        key = change.split(":", maxsplit=1)[0]
        lines = [line for line in text.splitlines() if not line.startswith(key)]
        index = 3 if key == "months" else 1
        lines.insert(index, change if change != "months: 36" else "months: 30")
        text = "\n".join(lines) + "\n"
    else:
        text += change + "\n"
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError) as raised:
        load_scenario(path, ROLES)
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)
