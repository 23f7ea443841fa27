"""The agency rules' settings and the regional price cap table, as data.

DfE's statutory guidance on agency child and family social workers (31 October 2024) asks each
region to agree hourly price caps for five core job types; the cap covers the worker's hourly pay
rate, employer national insurance and the apprenticeship levy, not the agency's fee. The shipped
table (``reference/agency_price_caps.yaml``) holds placeholders a council replaces with its
region's caps (setting ``CASELOAD_AGENCY_PRICE_CAPS``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Literal

import polars as pl
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from caseload.errors import ConfigurationError

CAPS_FILE = "agency_price_caps.yaml"
DEFAULT_REGION = "default"
JOB_TYPES: dict[str, str] = {
    "social_worker": "Social worker",
    "senior_social_worker": "Senior social worker",
    "advanced_practitioner": "Advanced practitioner",
    "team_manager": "Team manager",
    "iro_or_chair": "Independent reviewing officer or conference chair",
}
JobType = Literal[
    "social_worker", "senior_social_worker", "advanced_practitioner", "team_manager", "iro_or_chair"
]


class _Rules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    minimum_pqe_years: int = Field(ge=0, le=20)
    cooling_off_months: int = Field(ge=0, le=24)
    minimum_notice_weeks: int = Field(ge=0, le=26)
    substantive_notice_weeks: int | None = Field(default=None, ge=0, le=26)
    new_assignments_from: date
    all_assignments_from: date
    hours_per_week: float = Field(gt=0, le=60)


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1]
    placeholder: bool = False
    rules: _Rules
    caps: dict[str, dict[JobType, float]]


@dataclass(frozen=True)
class AgencyRuleSettings:
    """How each agency rule is applied (the guidance's values by default)."""

    minimum_pqe_years: int = 3
    cooling_off_months: int = 3
    minimum_notice_weeks: int = 4
    substantive_notice_weeks: int | None = None
    new_assignments_from: date = date(2024, 10, 31)
    all_assignments_from: date = date(2025, 10, 1)
    hours_per_week: float = 37.0

    @property
    def notice_weeks_required(self) -> int:
        """Four weeks, or the council's notice for the substantive role when that is shorter."""
        if self.substantive_notice_weeks is None:
            return self.minimum_notice_weeks
        return min(self.minimum_notice_weeks, self.substantive_notice_weeks)


@dataclass(frozen=True)
class PriceCaps:
    """The hourly caps by region and job type (``default`` for regions the table does not
    name), the rules' settings, and whether the caps are the shipped placeholders."""

    source: str
    placeholder: bool
    rules: AgencyRuleSettings
    caps: dict[str, dict[str, float]]

    def frame(self) -> pl.DataFrame:
        """region, job_type, cap: one row per cap."""
        rows = [
            (region, job, cap)
            for region, by_job in self.caps.items()
            for job, cap in by_job.items()
        ]
        return pl.DataFrame(
            rows,
            schema={"region": pl.Utf8, "job_type": pl.Utf8, "cap": pl.Float64},
            orient="row",
        )

    def for_region(self, region: str | None) -> dict[str, float]:
        """The caps of the council's region, else the ``default`` ones (empty when neither)."""
        if region is not None and region in self.caps:
            return self.caps[region]
        return self.caps.get(DEFAULT_REGION, {})


def parse_price_caps(text: str, *, source: str) -> PriceCaps:
    """Check a price cap document; a mistake raises ``ConfigurationError`` naming the file and
    the entry, and what to write instead."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{source}: not valid YAML ({exc})") from None
    try:
        document = _Document.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        parts = [str(part) for part in error["loc"] if part != "[key]"]
        where = ".".join(parts) or "the document"
        raise ConfigurationError(
            f"{source}: {where}: {error['msg']}; see the built-in {CAPS_FILE} for the layout "
            "(job types: " + ", ".join(JOB_TYPES) + ")"
        ) from None
    for region, by_job in document.caps.items():
        for job, cap in by_job.items():
            if not 0 < cap < 1000:
                raise ConfigurationError(
                    f"{source}: caps.{region}.{job}: {cap} is not an hourly cap in pounds; "
                    "write a number above 0 and below 1000"
                )
    rules = document.rules
    if rules.all_assignments_from < rules.new_assignments_from:
        raise ConfigurationError(
            f"{source}: rules.all_assignments_from: is before new_assignments_from; "
            "the rules apply to new assignments first"
        )
    settings = AgencyRuleSettings(
        minimum_pqe_years=rules.minimum_pqe_years,
        cooling_off_months=rules.cooling_off_months,
        minimum_notice_weeks=rules.minimum_notice_weeks,
        substantive_notice_weeks=rules.substantive_notice_weeks,
        new_assignments_from=rules.new_assignments_from,
        all_assignments_from=rules.all_assignments_from,
        hours_per_week=rules.hours_per_week,
    )
    caps = {
        region: {str(job): cap for job, cap in jobs.items()}
        for region, jobs in document.caps.items()
    }
    return PriceCaps(source, document.placeholder, settings, caps)


def default_price_caps() -> PriceCaps:
    text = files("caseload.reference").joinpath(CAPS_FILE).read_text(encoding="utf-8")
    return parse_price_caps(text, source=CAPS_FILE)


def load_price_caps(path: Path, *, setting: str) -> PriceCaps:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(
            f"{setting} names {str(path)!r}, which cannot be read ({exc.strerror}); point it at "
            f"a YAML file laid out as the built-in {CAPS_FILE} or unset it"
        ) from None
    return parse_price_caps(text, source=str(path))
