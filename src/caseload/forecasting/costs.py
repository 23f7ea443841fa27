"""The cost of a workforce plan: own staff pay with on-costs, market supplements, retention
payments and agency charges, month by month on every path of the supply model.

The figures come from a cost model the council edits (``reference/cost_model.yaml`` is the
built-in one; every figure in it is an assumption to replace). For each path and month:

- own staff: own FTE by role x (salary + market supplement) / 12 x (1 + on-costs);
- retention payments: own staff with at least ``after_years`` of service x the yearly amount / 12
  x (1 + on-costs), for each scheme;
- agency: agency FTE by post group x hourly charge x hours a week x weeks a year / 12.

A scheme's assumed effect on leaving is applied to the supply model's inputs
(:func:`with_retention_effect`): the monthly chance of leaving in the years it names is cut by its
percentage."""

from __future__ import annotations

from dataclasses import dataclass, replace
from importlib.resources import files
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl
from pydantic import BaseModel, ConfigDict, Field, field_validator

from caseload.errors import ConfigurationError
from caseload.forecasting.supply import FloatArray, SupplyInputs, SupplyPaths, quantile_rows
from caseload.forecasting.yaml_files import read_model

COST_MODEL_FILE = "cost_model.yaml"
SCHEME_YEARS = (1, 2, 3, 5)
"""Where a band of service starts: the years a retention payment can start from."""


class _Agency(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hours_per_week: float = Field(gt=0, le=60)
    weeks_per_year: float = Field(gt=0, le=53)
    hourly_charge: dict[str, float]


class _Scheme(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    after_years: int
    yearly_amount: float = Field(ge=0)
    reduces_leaving_percent: float = Field(ge=0, le=100)
    from_years: int = 2
    to_years: int = 3

    @field_validator("after_years")
    @classmethod
    def _band_start(cls, value: int) -> int:
        if value not in SCHEME_YEARS:
            raise ValueError(f"must be one of {', '.join(map(str, SCHEME_YEARS))} years")
        return value


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1]
    salaries: dict[str, float]
    on_costs_percent: float = Field(ge=0, le=100)
    agency: _Agency
    market_supplements: dict[str, float] = {}
    retention_payments: list[_Scheme] = []


@dataclass(frozen=True)
class RetentionScheme:
    """A yearly payment to own staff with at least ``after_years`` of service, assumed to cut the
    chance of leaving between ``from_years`` and ``to_years`` of service by a percentage."""

    name: str
    after_years: int
    yearly_amount: float
    reduces_leaving_percent: float
    from_years: int = 2
    to_years: int = 3


@dataclass(frozen=True)
class CostModel:
    """Pay, on-costs, agency charges, supplements and retention schemes (pounds a year)."""

    source: str
    salaries: dict[str, float]
    on_costs_percent: float
    hours_per_week: float
    weeks_per_year: float
    agency_hourly: dict[str, float]
    market_supplements: dict[str, float]
    retention_payments: tuple[RetentionScheme, ...]

    def agency_yearly(self, role: str) -> float:
        return self.agency_hourly.get(role, 0.0) * self.hours_per_week * self.weeks_per_year

    def own_yearly(self, role: str) -> float:
        """A full-time own worker's yearly cost: salary and supplement with on-costs."""
        pay = self.salaries.get(role, 0.0) + self.market_supplements.get(role, 0.0)
        return pay * (1 + self.on_costs_percent / 100)

    def agency_premium_percent(self, role: str) -> float | None:
        """How much more an agency FTE costs than an own FTE, in per cent."""
        own = self.own_yearly(role)
        return None if own == 0 else (self.agency_yearly(role) / own - 1) * 100


def parse_cost_model(text: str, *, source: str, roles: tuple[str, ...] = ()) -> CostModel:
    """Check a cost model document; a mistake raises ``ConfigurationError`` naming the file, the
    line and the entry. ``roles``: every one must have a salary."""
    document = read_model(_Document, text, source=source, layout=f"the built-in {COST_MODEL_FILE}")
    missing = [role for role in roles if role not in document.salaries]
    if missing:
        raise ConfigurationError(
            f"{source}: salaries: no salary for {', '.join(missing)}; add a line for each role"
        )
    return CostModel(
        source=source,
        salaries=dict(document.salaries),
        on_costs_percent=document.on_costs_percent,
        hours_per_week=document.agency.hours_per_week,
        weeks_per_year=document.agency.weeks_per_year,
        agency_hourly=dict(document.agency.hourly_charge),
        market_supplements=dict(document.market_supplements),
        retention_payments=tuple(
            RetentionScheme(
                scheme.name,
                scheme.after_years,
                scheme.yearly_amount,
                scheme.reduces_leaving_percent,
                scheme.from_years,
                scheme.to_years,
            )
            for scheme in document.retention_payments
        ),
    )


def default_cost_model_text() -> str:
    return files("caseload.reference").joinpath(COST_MODEL_FILE).read_text(encoding="utf-8")


def default_cost_model(roles: tuple[str, ...] = ()) -> CostModel:
    return parse_cost_model(default_cost_model_text(), source=COST_MODEL_FILE, roles=roles)


def load_cost_model(path: Path, roles: tuple[str, ...] = ()) -> CostModel:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot be read ({exc.strerror})") from None
    return parse_cost_model(text, source=str(path), roles=roles)


def with_retention_effect(
    inputs: SupplyInputs, schemes: tuple[RetentionScheme, ...]
) -> SupplyInputs:
    """The inputs with each scheme's assumed cut in the monthly chance of leaving applied to the
    months of service it names."""
    chances = inputs.leave_by_month.copy()
    for scheme in schemes:
        low = scheme.from_years * 12
        high = min(scheme.to_years * 12, chances.size)
        chances[low:high] *= 1 - scheme.reduces_leaving_percent / 100
    return replace(inputs, leave_by_month=chances)


def eligible_from_months(schemes: tuple[RetentionScheme, ...]) -> int:
    """The months of service the supply model counts eligible staff from (one threshold)."""
    years = {scheme.after_years for scheme in schemes}
    if len(years) > 1:
        raise ConfigurationError(
            "retention_payments: every scheme in one plan must start at the same years of "
            f"service, not {sorted(years)}"
        )
    return 12 * (years.pop() if years else 2)


def monthly_costs(paths: SupplyPaths, model: CostModel) -> dict[str, FloatArray]:
    """Cost by part (own, supplements, retention, agency) and in total, arrays (paths, months
    + 1) in pounds a month."""
    roles = paths.inputs.roles
    rate = 1 + model.on_costs_percent / 100
    salary = np.array([model.salaries.get(role, 0.0) for role in roles]) * rate / 12
    supplement = np.array([model.market_supplements.get(role, 0.0) for role in roles]) * rate / 12
    agency = np.array([model.agency_yearly(role) for role in roles]) / 12
    own = np.einsum("prm,r->pm", paths.own_fte, salary)
    supplements = np.einsum("prm,r->pm", paths.own_fte, supplement)
    retention = np.zeros_like(own)
    for scheme in model.retention_payments:
        retention += paths.eligible_headcount * scheme.yearly_amount * rate / 12
    agency_cost = np.einsum("prm,r->pm", paths.agency_fte, agency)
    return {
        "own_pay": own,
        "supplements": supplements,
        "retention_payments": retention,
        "agency": agency_cost,
        "total": own + supplements + retention + agency_cost,
    }


def yearly_cost_quantiles(costs: dict[str, FloatArray]) -> pl.DataFrame:
    """P10, P50 and P90 of each part's cost in each forecast year (months 1-12, 13-24, ...).
    Columns: year, measure (cost_<part>), role (``all``), band, p10, p50, p90."""
    frames = []
    for part, values in costs.items():
        months = values.shape[1] - 1
        years = months // 12
        yearly = values[:, 1 : years * 12 + 1].reshape(values.shape[0], years, 12).sum(axis=2)
        frame = quantile_rows(f"cost_{part}", "all", yearly).with_columns(
            (pl.col("month") + 1).alias("month")
        )
        frames.append(frame.rename({"month": "year"}))
    return pl.concat(frames)
