"""Workforce plan scenarios: YAML files that change posts, recruitment, over-recruitment, agency
policy and payment schemes, applied to the supply model's inputs and the cost model.

A scenario file (see ``reference/scenarios/`` for three worked ones)::

    version: 1
    name: over-recruit-newly-qualified      # letters, digits and dashes
    title: Over-recruit nine newly qualified and two senior social workers
    description: ...
    months: 60                               # 36 to 60
    posts:                                   # changes to the funded establishment
      - {role: social_worker, change_fte: 4, from_month: 3}
      - {role: senior_social_worker, to_target: true, from_month: 6}
    over_recruitment:                        # people taken on above the establishment
      - {role: asye, people: 9, month: 1}
    recruitment: {rounds_every: 3, lead_months: 3, success_rate: {social_worker: 0.3}}
    agency: {max_share_percent: 10}          # most agency FTE, as % of each group's posts
    payments:
      market_supplements: keep               # or stop
      retention_payments:                    # schemes added (as in the cost model)
        - {name: Two-year payment, after_years: 2, yearly_amount: 2500,
           reduces_leaving_percent: 20}

- ``to_target``: the posts that bring the role's caseload to its target: the cases its people
  held on the first day / the target caseload of the role (the caseload policy's target, else
  its cap), less the funded FTE, never below zero. Resolved when the scenario runs.
- over-recruitment: the people start in ``month`` (each with the role's usual FTE) and the role's
  post group keeps recruiting to its establishment *plus* them from then on; agency still fills
  only the gap to the establishment.
- the baseline is the council as it is: no file, always run for comparison."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from importlib.resources import files
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from caseload.errors import ConfigurationError, NotFoundError
from caseload.forecasting.costs import CostModel, RetentionScheme, _Scheme
from caseload.forecasting.supply import Intake, RecruitmentRound, SupplyInputs
from caseload.forecasting.yaml_files import read_model

BASELINE = "baseline"
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
LAYOUT = "the worked scenarios in reference/scenarios"


class _Posts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: str
    change_fte: float | None = Field(default=None, ge=-500, le=500)
    to_target: bool = False
    from_month: int = Field(default=1, ge=1, le=60)

    @model_validator(mode="after")
    def _one_way(self) -> _Posts:
        if (self.change_fte is None) == (not self.to_target):
            raise ValueError("give either change_fte or to_target: true")
        return self


class _Over(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: str
    people: int = Field(ge=1, le=200)
    month: int = Field(default=1, ge=1, le=60)


class _Recruitment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rounds_every: int | None = Field(default=None, ge=1, le=12)
    lead_months: int | None = Field(default=None, ge=1, le=12)
    success_rate: dict[str, float] = {}

    @field_validator("success_rate")
    @classmethod
    def _shares(cls, value: dict[str, float]) -> dict[str, float]:
        for role, rate in value.items():
            if not 0 <= rate <= 1:
                raise ValueError(f"{role}: a success rate is between 0 and 1, not {rate}")
        return value


class _Agency(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_share_percent: float = Field(default=100, ge=0, le=100)


class _Payments(BaseModel):
    model_config = ConfigDict(extra="forbid")
    market_supplements: Literal["keep", "stop"] = "keep"
    retention_payments: list[_Scheme] = []


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1]
    name: str
    title: str = Field(min_length=1, max_length=120)
    description: str = ""
    months: int = Field(default=60, ge=36, le=60)
    posts: list[_Posts] = []
    over_recruitment: list[_Over] = []
    recruitment: _Recruitment = _Recruitment()
    agency: _Agency = _Agency()
    payments: _Payments = _Payments()

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not NAME.match(value) or value == BASELINE:
            raise ValueError(
                "a name is lower-case letters, digits and dashes (not 'baseline'), "
                "e.g. over-recruit-newly-qualified"
            )
        return value


@dataclass(frozen=True)
class PostChange:
    role: str
    change_fte: float | None
    to_target: bool
    from_month: int


@dataclass(frozen=True)
class Scenario:
    """A checked scenario; ``text`` is the file as written (kept with stored runs)."""

    name: str
    title: str
    description: str
    months: int
    posts: tuple[PostChange, ...] = ()
    over_recruitment: tuple[tuple[str, int, int], ...] = ()
    """(role, people, month)."""
    rounds_every: int | None = None
    lead_months: int | None = None
    success_rate: tuple[tuple[str, float], ...] = ()
    agency_max_share_percent: float = 100.0
    market_supplements: Literal["keep", "stop"] = "keep"
    retention_payments: tuple[RetentionScheme, ...] = ()
    text: str = ""
    source: str = ""

    @property
    def is_baseline(self) -> bool:
        return self.name == BASELINE


def baseline(months: int = 60) -> Scenario:
    return Scenario(
        name=BASELINE,
        title="Baseline: as things are",
        description="The council's posts, recruitment and agency use as they are now.",
        months=months,
    )


def parse_scenario(text: str, *, source: str, roles: tuple[str, ...]) -> Scenario:
    """Check a scenario document against the layout and the modelled ``roles``."""
    document = read_model(_Document, text, source=source, layout=LAYOUT)
    named = (
        [(f"posts.{index}.role", entry.role) for index, entry in enumerate(document.posts)]
        + [
            (f"over_recruitment.{index}.role", entry.role)
            for index, entry in enumerate(document.over_recruitment)
        ]
        + [(f"recruitment.success_rate.{role}", role) for role in document.recruitment.success_rate]
    )
    for where, role in named:
        if role not in roles:
            raise ConfigurationError(
                f"{source}: {where}: {role!r} is not a planned role; use one of {', '.join(roles)}"
            )
    timed = [(f"posts.{i}.from_month", e.from_month) for i, e in enumerate(document.posts)] + [
        (f"over_recruitment.{i}.month", e.month) for i, e in enumerate(document.over_recruitment)
    ]
    for where, month in timed:
        if month > document.months:
            raise ConfigurationError(
                f"{source}: {where}: month {month} is after the plan's {document.months} months"
            )
    payments = document.payments
    return Scenario(
        name=document.name,
        title=document.title,
        description=document.description.strip(),
        months=document.months,
        posts=tuple(
            PostChange(entry.role, entry.change_fte, entry.to_target, entry.from_month)
            for entry in document.posts
        ),
        over_recruitment=tuple(
            (entry.role, entry.people, entry.month) for entry in document.over_recruitment
        ),
        rounds_every=document.recruitment.rounds_every,
        lead_months=document.recruitment.lead_months,
        success_rate=tuple(sorted(document.recruitment.success_rate.items())),
        agency_max_share_percent=document.agency.max_share_percent,
        market_supplements=payments.market_supplements,
        retention_payments=tuple(
            RetentionScheme(
                scheme.name,
                scheme.after_years,
                scheme.yearly_amount,
                scheme.reduces_leaving_percent,
                scheme.from_years,
                scheme.to_years,
            )
            for scheme in payments.retention_payments
        ),
        text=text,
        source=source,
    )


def shipped_scenario_names() -> list[str]:
    folder = files("caseload.reference").joinpath("scenarios")
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    )


def shipped_scenario(name: str, roles: tuple[str, ...]) -> Scenario:
    """A worked scenario shipped with Caseload, by name."""
    if name not in shipped_scenario_names():
        raise NotFoundError(
            f"no scenario called {name!r}; the worked ones are "
            + ", ".join(shipped_scenario_names())
        )
    text = files("caseload.reference").joinpath("scenarios", f"{name}.yaml").read_text("utf-8")
    return parse_scenario(text, source=f"reference/scenarios/{name}.yaml", roles=roles)


def load_scenario(path: Path, roles: tuple[str, ...]) -> Scenario:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot be read ({exc.strerror})") from None
    return parse_scenario(text, source=str(path), roles=roles)


def posts_to_target(
    inputs: SupplyInputs, role: str, cases_by_role: dict[str, int], targets: dict[str, float]
) -> float:
    """The funded FTE to add to ``role``'s post group so its caseload reaches the target: the
    cases held by the group's roles / each role's target, less the group's funded FTE."""
    group = inputs.post_group[inputs.role_index(role)]
    members = [name for index, name in enumerate(inputs.roles) if inputs.post_group[index] == group]
    needed = sum(
        cases_by_role.get(name, 0) / targets[name] for name in members if targets.get(name)
    )
    funded = float(inputs.establishment[[inputs.role_index(name) for name in members], 0].sum())
    return max(needed - funded, 0.0)


@dataclass(frozen=True)
class AppliedScenario:
    inputs: SupplyInputs
    costs: CostModel
    post_changes: dict[str, float]
    """FTE added to (or taken from) each role's posts by the end of the plan."""


def apply_scenario(
    scenario: Scenario,
    inputs: SupplyInputs,
    costs: CostModel,
    *,
    cases_by_role: dict[str, int],
    targets: dict[str, float],
) -> AppliedScenario:
    """The supply inputs and cost model the scenario describes (the baseline changes nothing
    but the horizon)."""
    months = scenario.months
    establishment = inputs.establishment[:, : months + 1].copy()
    if establishment.shape[1] < months + 1:
        establishment = np.repeat(inputs.establishment[:, :1], months + 1, axis=1)
    changes: dict[str, float] = {}
    for change in scenario.posts:
        amount = (
            posts_to_target(inputs, change.role, cases_by_role, targets)
            if change.to_target
            else float(change.change_fte or 0.0)
        )
        index = inputs.role_index(change.role)
        establishment[index, change.from_month :] = np.maximum(
            establishment[index, change.from_month :] + amount, 0.0
        )
        changes[change.role] = changes.get(change.role, 0.0) + amount
    extra = np.zeros_like(establishment)
    intakes = [intake for intake in inputs.intakes if intake.month <= months]
    for role, people, month in scenario.over_recruitment:
        index = inputs.role_index(role)
        fte = float(inputs.recruit_fte[index])
        intakes.append(Intake(month, role, people, 1.0, fte))
        extra[inputs.post_group[index], month:] += people * fte
    rates = dict(scenario.success_rate)
    rounds_every = scenario.rounds_every
    rounds = [chosen for chosen in inputs.rounds if chosen.month <= months]
    if rounds_every is not None or scenario.lead_months is not None or rates:
        every = rounds_every or _spacing(rounds)
        found = {chosen.role: chosen for chosen in rounds}
        rounds = [
            RecruitmentRound(
                month,
                role,
                rates.get(role, chosen.success_rate),
                scenario.lead_months or chosen.lead_months,
            )
            for month in range(1, months + 1, every)
            for role, chosen in found.items()
        ]
    share = np.full(len(inputs.roles), scenario.agency_max_share_percent / 100)
    applied = replace(
        inputs,
        months=months,
        establishment=establishment,
        target_extra=extra,
        agency_share=share,
        rounds=tuple(rounds),
        intakes=tuple(intakes),
    )
    schemes = costs.retention_payments + scenario.retention_payments
    cost_model = replace(
        costs,
        market_supplements={}
        if scenario.market_supplements == "stop"
        else costs.market_supplements,
        retention_payments=schemes,
    )
    return AppliedScenario(applied, cost_model, changes)


def _spacing(rounds: list[RecruitmentRound]) -> int:
    months = sorted({chosen.month for chosen in rounds})
    return months[1] - months[0] if len(months) > 1 else 3
