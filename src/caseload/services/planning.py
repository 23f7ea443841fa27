"""Workforce planning for a council on a day: the supply of own staff, agency use, caseloads and
cost under the baseline and each scenario, side by side, and the stored runs.

The inputs (:mod:`caseload.forecasting.supply_inputs`) are measured once per state of the
council's data and day, and each scenario's run once per day, paths, seed, scenario text and cost
model, in the council snapshot (``Snapshots.planning``). Runs are reproducible: the same day,
paths, seed and files give the same figures.

Who may plan: the ``PLAN_WORKFORCE`` permission (service leaders and performance analysts); the
command line acts as the council's leader. Elected members never see the plan page; its board
pack section is in the internal pack only."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Engine

from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.domain import Role
from caseload.domain.dates import reporting_date
from caseload.errors import ConfigurationError, InvalidInputError
from caseload.forecasting.costs import CostModel, default_cost_model, load_cost_model
from caseload.forecasting.plan import HEADLINES, PlanResult, run_plan
from caseload.forecasting.scenarios import (
    BASELINE,
    Scenario,
    apply_scenario,
    baseline,
    load_scenario,
    shipped_scenario,
    shipped_scenario_names,
)
from caseload.forecasting.supply import SupplyInputs
from caseload.forecasting.supply_backtest import Backtest, supply_backtest
from caseload.forecasting.supply_inputs import (
    SUPPLY_ROLES,
    SupplyEvidence,
    add_months,
    build_supply_inputs,
    cases_by_role,
)
from caseload.retention.flows import team_services
from caseload.services import audit
from caseload.services.audit import Actor
from caseload.services.caseloads import CouncilData, council_data
from caseload.services.learning import learning_records
from caseload.storage import scenario_store
from caseload.storage.engine import session_scope

COST_MODEL_SETTING = "CASELOAD_COST_MODEL"
DEFAULT_PATHS = 2_000
MAX_PATHS = 5_000
DEFAULT_SEED = 2026
HORIZON_MONTHS = 60
SUMMARY_MONTHS = (12, 36, 60)
MEASURE_LABELS = {
    "posts_fte": "Funded posts (FTE)",
    "own_fte": "Own staff (FTE)",
    "agency_fte": "Agency staff (FTE)",
    "vacancy_fte": "Vacant, not covered (FTE)",
    "caseload": "Average caseload per case-holding FTE",
    "cost_year": "Cost in the year (£)",
}


@dataclass(frozen=True)
class PlanningBasis:
    """What every scenario of a council on a day starts from."""

    as_at: date
    inputs: SupplyInputs
    evidence: SupplyEvidence
    cases_by_role: dict[str, int]
    targets: dict[str, float]
    costs: CostModel

    @property
    def case_roles(self) -> tuple[str, ...]:
        return tuple(self.targets)

    @property
    def cases(self) -> int:
        return sum(count for role, count in self.cases_by_role.items() if role in self.targets)


def cost_model(environ: Mapping[str, str] | None = None) -> CostModel:
    """The council's cost model: the file ``CASELOAD_COST_MODEL`` names, else the built-in one."""
    env = os.environ if environ is None else environ
    named = (env.get(COST_MODEL_SETTING) or "").strip()
    if not named:
        return default_cost_model(SUPPLY_ROLES)
    try:
        return load_cost_model(Path(named), SUPPLY_ROLES)
    except ConfigurationError as exc:
        raise ConfigurationError(f"{COST_MODEL_SETTING}: {exc}") from None


def planning_basis(
    council: CouncilData, day: date, costs: CostModel, placements: pl.DataFrame
) -> PlanningBasis:
    """What the council's scenarios on ``day`` start from; the newly qualified intakes come
    from its pipeline when ``placements`` (:func:`caseload.services.learning.learning_records`)
    can say (:mod:`caseload.forecasting.supply_inputs`)."""

    def build() -> PlanningBasis:
        census = council.census
        inputs, evidence = build_supply_inputs(
            spells=census.spells,
            workers=census.workers,
            posts=census.posts,
            services=team_services(council.data.teams),
            as_at=day,
            months=HORIZON_MONTHS,
            placements=placements,
        )
        caps = council.policy.policy.caps
        targets = {
            role: float(cap.target_cases or cap.cases)
            for role, cap in caps.items()
            if role in SUPPLY_ROLES and (cap.target_cases or cap.cases)
        }
        held = cases_by_role(census.allocations, census.spells, day)
        return PlanningBasis(day, inputs, evidence, held, targets, costs)

    key = (*council.key, "planning-basis", day, repr(costs))
    found: PlanningBasis = council.snapshots.planning.get_or_build(key, build)
    return found


def _check_paths(paths: int, seed: int) -> None:
    if not 100 <= paths <= MAX_PATHS:
        raise InvalidInputError(f"paths must be between 100 and {MAX_PATHS:,}, not {paths}")
    if not 0 <= seed < 2**31:
        raise InvalidInputError(f"the seed must be a whole number from 0 to {2**31 - 1}")


def scenarios_named(names: Sequence[str], files: Sequence[Path] = ()) -> list[Scenario]:
    """The baseline, then the worked scenarios named (all of them when none are named and no
    files are given), then the files, in order; each once."""
    chosen = [baseline(HORIZON_MONTHS)]
    wanted = list(names) if names or files else shipped_scenario_names()
    for name in wanted:
        if name == BASELINE:
            continue
        chosen.append(shipped_scenario(name, SUPPLY_ROLES))
    chosen += [load_scenario(path, SUPPLY_ROLES) for path in files]
    seen: set[str] = set()
    unique = []
    for scenario in chosen:
        if scenario.name in seen:
            raise InvalidInputError(f"the scenario {scenario.name!r} is given twice")
        seen.add(scenario.name)
        unique.append(scenario)
    return unique


def scenario_run(
    council: CouncilData, basis: PlanningBasis, scenario: Scenario, paths: int, seed: int
) -> PlanResult:
    def build() -> PlanResult:
        applied = apply_scenario(
            scenario,
            basis.inputs,
            basis.costs,
            cases_by_role=basis.cases_by_role,
            targets=basis.targets,
        )
        return run_plan(
            scenario,
            applied,
            paths=paths,
            seed=seed,
            cases=basis.cases,
            case_roles=basis.case_roles,
        )

    text = hashlib.sha256(f"{scenario.name}\n{scenario.text}".encode()).hexdigest()
    key = (*council.key, "plan", basis.as_at, text, paths, seed, repr(basis.costs))
    found: PlanResult = council.snapshots.planning.get_or_build(key, build)
    return found


@dataclass(frozen=True)
class PlanRuns:
    council: CouncilData
    basis: PlanningBasis
    data_date: date
    results: list[PlanResult]
    paths: int
    seed: int


def run_scenarios(
    engine: Engine,
    principal: Principal,
    *,
    as_at: date | None = None,
    names: Sequence[str] = (),
    files: Sequence[Path] = (),
    paths: int = DEFAULT_PATHS,
    seed: int = DEFAULT_SEED,
) -> PlanRuns:
    """The baseline and the scenarios for the principal's council on ``as_at`` (default the
    data date)."""
    audit.require(engine, principal, Permission.PLAN_WORKFORCE, "workforce plan")
    _check_paths(paths, seed)
    scenarios = scenarios_named(names, files)
    council = council_data(engine, authority_id=principal.authority_id)
    if council.latest is None:
        raise InvalidInputError(f"authority {council.authority.code} holds no dated records yet")
    day = reporting_date(as_at, council.latest, "the date").as_at
    placements = learning_records(engine, council).placements
    basis = planning_basis(council, day, cost_model(), placements)
    results = [scenario_run(council, basis, scenario, paths, seed) for scenario in scenarios]
    return PlanRuns(council, basis, council.latest, results, paths, seed)


BACKTEST_MONTHS = 12
BACKTEST_PATHS = 1_000


def _backtest(council: CouncilData, day: date, months: int, seed: int) -> Backtest:
    def build() -> Backtest:
        census = council.census
        return supply_backtest(
            spells=census.spells,
            workers=census.workers,
            posts=census.posts,
            services=team_services(council.data.teams),
            as_at=day,
            months=months,
            paths=BACKTEST_PATHS,
            seed=seed,
        )

    key = (*council.key, "backtest", day, months, seed)
    found: Backtest = council.snapshots.planning.get_or_build(key, build)
    return found


def backtest_summary(backtest: Backtest) -> dict[str, Any]:
    """The backtest as the page, the API and the command show it."""
    return {
        "from": backtest.origin.isoformat(),
        "to": backtest.as_at.isoformat(),
        "mean_absolute_error_fte": round(backtest.mean_absolute_error, 1),
        "mean_absolute_error_percent": round(backtest.mean_absolute_percent, 1),
        "months_inside_range": int(backtest.months["inside"].sum()),
        "months": backtest.months.height,
        "rows": [
            {
                "month": row["month"],
                "day": row["day"].isoformat(),
                "actual_fte": round(row["actual_fte"], 1),
                **{key: round(row[key], 1) for key in ("p10", "p50", "p90", "error")},
                "inside": row["inside"],
            }
            for row in backtest.months.iter_rows(named=True)
        ],
    }


def planning_backtest(
    engine: Engine,
    principal: Principal,
    *,
    as_at: date | None = None,
    months: int = BACKTEST_MONTHS,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """The supply model's forecast from ``months`` before ``as_at`` (default the data date),
    made with what was known then, against the own staff FTE actually in post."""
    audit.require(engine, principal, Permission.PLAN_WORKFORCE, "workforce plan")
    if not 3 <= months <= 36:
        raise InvalidInputError(f"the backtest looks back 3 to 36 months, not {months}")
    council = council_data(engine, authority_id=principal.authority_id)
    if council.latest is None:
        raise InvalidInputError(f"authority {council.authority.code} holds no dated records yet")
    day = reporting_date(as_at, council.latest, "the date").as_at
    return backtest_summary(_backtest(council, day, months, seed))


def _figures(values: dict[str, float], measure: str) -> dict[str, float]:
    places = 0 if measure == "cost_year" else 1
    return {key: round(value, places) for key, value in values.items()}


def result_summary(result: PlanResult) -> dict[str, Any]:
    """One scenario's headline figures at 1, 3 and 5 years (the JSON stored with a run)."""
    points = []
    for month in SUMMARY_MONTHS:
        if month > result.scenario.months:
            continue
        row: dict[str, Any] = {"month": month, "years": month // 12}
        for measure in HEADLINES:
            if measure == "cost_total":
                row["cost_year"] = _figures(result.cost_in_year(month // 12), "cost_year")
            else:
                row[measure] = _figures(result.at(measure, month), measure)
        points.append(row)
    return {
        "scenario": result.scenario.name,
        "title": result.scenario.title,
        "description": result.scenario.description,
        "as_at": result.first_day.isoformat(),
        "paths": result.paths,
        "seed": result.seed,
        "months": result.scenario.months,
        "post_changes": {
            role: round(fte, 1) for role, fte in result.post_changes.items() if abs(fte) >= 0.05
        },
        "start": {
            measure: round(result.at(measure, 0)["p50"], 1)
            for measure in ("posts_fte", "own_fte", "agency_fte", "vacancy_fte", "caseload")
        },
        "points": points,
    }


def series(result: PlanResult, measure: str) -> list[dict[str, Any]]:
    """A measure month by month in all roles: month, day, p10, p50, p90 (1 dp)."""
    return [
        {
            "month": row["month"],
            "day": row["day"].isoformat(),
            **{key: round(row[key], 1) for key in ("p10", "p50", "p90")},
        }
        for row in result.totals(measure)
    ]


def yearly_costs(result: PlanResult) -> list[dict[str, Any]]:
    frame = result.yearly.filter(pl.col("measure") == "cost_total").sort("year")
    return [
        {"year": row["year"], **{key: round(row[key]) for key in ("p10", "p50", "p90")}}
        for row in frame.iter_rows(named=True)
    ]


def _evidence(basis: PlanningBasis) -> dict[str, Any]:
    evidence = basis.evidence
    roles = {role.value: role.label for role in Role}
    return {
        "window": {"from": evidence.window[0].isoformat(), "to": evidence.window[1].isoformat()},
        "leaving": [
            {
                "band": row["band"],
                "exposure_years": round(row["exposure_years"], 1),
                "leavers": row["leavers"],
                "annual_rate_percent": round(row["annual_rate"] * 100, 1),
            }
            for row in evidence.hazard.iter_rows(named=True)
        ],
        "progression": [
            {
                "from_role": roles[row["from_role"]],
                "to_role": roles[row["to_role"]],
                "moves_per_year": round(row["moves_per_year"], 1),
                "yearly_percent": round(row["yearly_chance"] * 100, 1),
            }
            for row in evidence.progression.iter_rows(named=True)
            if row["from_role"] != Role.ASYE.value
        ],
        "intakes": [
            {
                "month": date(2000, row["calendar_month"], 1).strftime("%B"),
                "asye_per_year": round(row["asye_per_year"], 1),
                "other_per_year": round(row["other_per_year"], 1),
            }
            for row in evidence.intakes.iter_rows(named=True)
        ],
        "intake_source": intake_source(basis),
        "recruitment": [
            {
                "role": roles[row["role"]],
                "starters_per_year": round(row["starters_per_year"], 1),
                "success_percent": round(row["success_rate"] * 100),
            }
            for row in evidence.recruitment.iter_rows(named=True)
        ],
        "cases": basis.cases,
        "cost_model": basis.costs.source,
    }


def intake_source(basis: PlanningBasis) -> dict[str, Any]:
    """Where the plan's newly qualified intakes come from: ``source`` (``pipeline`` or
    ``history``), ``reason`` (why history), the pipeline's years (learners qualifying, the
    conversion rate in per cent, the expected starters and the month they start in) and the last
    year it covers."""
    found = basis.evidence.intake_source
    return {
        "source": found.source,
        "reason": found.reason,
        "start_month": date(2000, found.start_month, 1).strftime("%B"),
        "through_year": found.through_year,
        "years": [
            {
                "year": row["year"],
                "learners": row["learners"],
                "conversion_percent": round(row["conversion_rate"] * 100, 1),
                "expected_intake": row["expected_intake"],
                "starts": None
                if row["month"] is None
                else add_months(basis.as_at, row["month"]).strftime("%B %Y"),
            }
            for row in found.pipeline.iter_rows(named=True)
        ],
    }


def planning_view(
    engine: Engine,
    principal: Principal,
    *,
    as_at: date | None = None,
    names: Sequence[str] = (),
    files: Sequence[Path] = (),
    paths: int = DEFAULT_PATHS,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """The plan page's context (also the API's answer): the scenarios side by side, each one's
    fan charts' series, the method's evidence and the stored runs."""
    runs = run_scenarios(
        engine, principal, as_at=as_at, names=names, files=files, paths=paths, seed=seed
    )
    council = runs.council
    with session_scope(engine) as session:
        stored = scenario_store.stored_runs(session, council.authority.id)
    scenarios = []
    for result in runs.results:
        summary = result_summary(result)
        summary["series"] = {
            measure: series(result, measure)
            for measure in ("own_fte", "agency_fte", "caseload", "posts_fte")
        }
        summary["yearly_costs"] = yearly_costs(result)
        scenarios.append(summary)
    return {
        "title": "Workforce plan",
        "authority": {"code": council.authority.code, "name": council.authority.name},
        "as_at": runs.basis.as_at.isoformat(),
        "data_date": runs.data_date.isoformat(),
        "paths": runs.paths,
        "seed": runs.seed,
        "measures": MEASURE_LABELS,
        "role_labels": {role.value: role.label for role in Role},
        "scenarios": scenarios,
        "available": shipped_scenario_names(),
        "evidence": _evidence(runs.basis),
        "backtest": backtest_summary(
            _backtest(council, runs.basis.as_at, BACKTEST_MONTHS, DEFAULT_SEED)
        ),
        "stored": [
            {
                "id": run.id,
                "scenario": run.scenario,
                "title": run.title,
                "as_at": run.as_at.isoformat(),
                "paths": run.paths,
                "seed": run.seed,
                "created_by": run.created_by,
                "created_at": run.created_at.isoformat(timespec="minutes"),
            }
            for run in stored
        ],
    }


def store_runs(
    engine: Engine,
    principal: Principal,
    *,
    actor: Actor | None = None,
    as_at: date | None = None,
    names: Sequence[str] = (),
    files: Sequence[Path] = (),
    paths: int = DEFAULT_PATHS,
    seed: int = DEFAULT_SEED,
    now: datetime | None = None,
) -> list[int]:
    """Run the scenarios and store each (the baseline too) with its file, day, paths, seed and
    figures; recorded in the audit trail. Returns the stored runs' ids."""
    runs = run_scenarios(
        engine, principal, as_at=as_at, names=names, files=files, paths=paths, seed=seed
    )
    who: Principal | Actor = actor or principal
    moment = now or datetime.now(UTC)
    created_by = who.username if isinstance(who, Principal) else who.name
    ids = []
    with session_scope(engine) as session:
        for result in runs.results:
            run_id = scenario_store.append_run(
                session,
                authority_id=runs.council.authority.id,
                scenario=result.scenario.name,
                title=result.scenario.title,
                scenario_text=result.scenario.text or "(the baseline: no changes)",
                as_at=runs.basis.as_at,
                paths=runs.paths,
                seed=runs.seed,
                created_by=created_by,
                created_at=moment,
                result=result_summary(result),
            )
            ids.append(run_id)
            audit.record_in(
                session,
                audit.under(who, runs.council.authority.id),
                "store",
                "scenario_run",
                run_id,
                {"scenario": result.scenario.name, "as_at": runs.basis.as_at.isoformat()},
            )
    return ids


def scenario_catalogue(engine: Engine, principal: Principal) -> list[dict[str, Any]]:
    """The worked scenarios shipped with Caseload: name, title, description, file."""
    audit.require(engine, principal, Permission.PLAN_WORKFORCE, "workforce plan")
    return [
        {
            "name": scenario.name,
            "title": scenario.title,
            "description": scenario.description,
            "months": scenario.months,
            "source": scenario.source or "(built in)",
        }
        for scenario in scenarios_named(shipped_scenario_names())
    ]


def scenario_text(engine: Engine, principal: Principal, name: str) -> str:
    audit.require(engine, principal, Permission.PLAN_WORKFORCE, "workforce plan")
    if name == BASELINE:
        return "# The baseline: the council's posts, recruitment and agency use as they are.\n"
    return shipped_scenario(name, SUPPLY_ROLES).text
