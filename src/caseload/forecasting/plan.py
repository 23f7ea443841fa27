"""Running a scenario: the supply model and the cost model together, summarised as P10, P50 and
P90 by month and by year, with the figures compared side by side.

Measures (``measure`` column of :attr:`PlanResult.monthly`): ``posts_fte`` (the funded
establishment, the same on every path), ``own_fte``, ``own_headcount``, ``agency_fte``,
``vacancy_fte``, ``leavers``, ``starters``, ``caseload`` (cases per case-holding FTE) and
``cost_total`` (pounds a month); :attr:`PlanResult.yearly` holds the cost by part and year.

The caseload assumes the cases held on the first day stay the same: the demand forecast is a
separate figure. It counts the FTE, own and agency, of the case-holding roles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from caseload.forecasting.costs import (
    eligible_from_months,
    monthly_costs,
    with_retention_effect,
    yearly_cost_quantiles,
)
from caseload.forecasting.scenarios import AppliedScenario, Scenario
from caseload.forecasting.supply import ALL, SupplyModel, quantile_frame, supply_series
from caseload.forecasting.supply_inputs import add_months
from caseload.retention.flows import SERVICE_BANDS, band_label

HEADLINES = ("posts_fte", "own_fte", "agency_fte", "vacancy_fte", "caseload", "cost_total")


@dataclass(frozen=True)
class PlanResult:
    scenario: Scenario
    first_day: date
    paths: int
    seed: int
    monthly: pl.DataFrame
    """month, day, measure, role, band, p10, p50, p90."""
    yearly: pl.DataFrame
    """year, measure (cost_<part>), role, band, p10, p50, p90."""
    post_changes: dict[str, float]
    cases: int
    _totals: dict[str, list[dict[str, Any]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def totals(self, measure: str) -> list[dict[str, Any]]:
        """A measure in all roles month by month: month, day, p10, p50, p90 (the frame's rows,
        read once per result)."""
        found = self._totals.get(measure)
        if found is None:
            frame = self.monthly.filter(
                (pl.col("measure") == measure) & (pl.col("role") == ALL) & (pl.col("band") == ALL)
            ).sort("month")
            found = frame.select("month", "day", "p10", "p50", "p90").to_dicts()
            self._totals[measure] = found
        return found

    def at(self, measure: str, month: int) -> dict[str, float]:
        """P10, P50, P90 of a measure in all roles at ``month``."""
        rows = self.totals(measure)
        if month >= len(rows):
            return {"p10": 0.0, "p50": 0.0, "p90": 0.0}
        return {key: float(rows[month][key]) for key in ("p10", "p50", "p90")}

    def cost_in_year(self, year: int) -> dict[str, float]:
        row = self.yearly.filter((pl.col("measure") == "cost_total") & (pl.col("year") == year))
        found = row.row(0, named=True)
        return {key: float(found[key]) for key in ("p10", "p50", "p90")}


def run_plan(
    scenario: Scenario,
    applied: AppliedScenario,
    *,
    paths: int,
    seed: int,
    cases: int,
    case_roles: tuple[str, ...],
) -> PlanResult:
    """Run one scenario's inputs for ``paths`` paths with ``seed``."""
    schemes = applied.costs.retention_payments
    inputs = with_retention_effect(applied.inputs, schemes)
    model = SupplyModel(inputs, eligible_months=eligible_from_months(schemes))
    result = model.run(paths, seed)
    labels = [band_label(band) for band in SERVICE_BANDS]
    series = supply_series(result, labels, by_role=False)
    months = inputs.months
    posts = np.broadcast_to(inputs.establishment.sum(axis=0), (paths, months + 1))
    series.append(("posts_fte", ALL, ALL, posts))
    holding = [index for index, role in enumerate(inputs.roles) if role in case_roles]
    fte = result.own_fte[:, holding, :].sum(axis=1) + result.agency_fte[:, holding, :].sum(axis=1)
    caseload = np.where(fte > 0, cases / np.maximum(fte, 1e-9), 0.0)
    series.append(("caseload", ALL, ALL, caseload))
    costs = monthly_costs(result, applied.costs)
    series.append(("cost_total", ALL, ALL, costs["total"]))
    frames = [quantile_frame(series)]
    days = [add_months(inputs.first_day, month) for month in range(months + 1)]
    monthly = pl.concat(frames).join(
        pl.DataFrame({"month": list(range(months + 1)), "day": days}), on="month", how="left"
    )
    return PlanResult(
        scenario=scenario,
        first_day=inputs.first_day,
        paths=paths,
        seed=seed,
        monthly=monthly.select("month", "day", "measure", "role", "band", "p10", "p50", "p90"),
        yearly=yearly_cost_quantiles(costs),
        post_changes=applied.post_changes,
        cases=cases,
    )


def comparison(results: list[PlanResult], month: int) -> pl.DataFrame:
    """The scenarios side by side at ``month`` (and the cost in the year it ends): one row per
    scenario and headline measure. Columns: scenario, title, measure, p10, p50, p90."""
    rows = []
    year = max(1, (month + 11) // 12)
    for result in results:
        for measure in HEADLINES:
            if measure == "cost_total":
                figures = result.cost_in_year(min(year, result.scenario.months // 12))
                name = "cost_year"
            else:
                figures = result.at(measure, min(month, result.scenario.months))
                name = measure
            rows.append(
                {
                    "scenario": result.scenario.name,
                    "title": result.scenario.title,
                    "measure": name,
                    **figures,
                }
            )
    return pl.DataFrame(rows)
