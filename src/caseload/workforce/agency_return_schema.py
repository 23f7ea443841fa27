"""The schema of the quarterly agency return as Caseload writes it: one pydantic model per sheet
row. :func:`validate_return` checks every row and names the sheet, the row and the item of each
problem, so a file that would not pass is never written."""

from __future__ import annotations

from datetime import date
from typing import Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from caseload.workforce.agency_caps import JobType
from caseload.workforce.agency_return import AgencyReturn
from caseload.workforce.agency_rules import RULES

YesNo = Literal["Y", "N"]
SWE = r"^(|[A-Z]{2}\d{1,8})$"


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class AssignmentRow(_Row):
    la_code: str = Field(pattern=r"^\d{3}$")
    swe_number: str = Field(pattern=SWE)
    job_type: JobType
    agency: str = Field(min_length=1, max_length=120)
    start_date: date
    end_date: date | None
    pay_rate: float = Field(gt=0, le=500)
    on_costs: float = Field(ge=0, le=500)
    agency_fee: float = Field(ge=0, le=500)
    hourly_charge: float = Field(gt=0, le=1500)
    price_cap: float | None = Field(gt=0)
    above_cap: YesNo
    project_team: YesNo

    @model_validator(mode="after")
    def _dates(self) -> AssignmentRow:
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class ComplianceRow(_Row):
    as_at: date
    rule: Literal["pqe", "cooling_off", "notice", "reference", "price_cap"]
    description: str
    engagements: int = Field(ge=0)
    meeting: int = Field(ge=0)
    breaches: int = Field(ge=0)
    share_meeting: float | None = Field(ge=0, le=100)
    explanation: str

    @model_validator(mode="after")
    def _sums(self) -> ComplianceRow:
        if self.meeting + self.breaches != self.engagements:
            raise ValueError("meeting and breaches do not add up to the engagements")
        return self


class CapExceptionRow(_Row):
    swe_number: str = Field(pattern=SWE)
    job_type: JobType
    agency: str = Field(min_length=1)
    pay_and_on_costs: float = Field(gt=0)
    price_cap: float = Field(gt=0)
    director_signoff_date: date | None
    chief_executive_signoff_date: date | None
    both_signed_off: YesNo

    @model_validator(mode="after")
    def _above(self) -> CapExceptionRow:
        if self.pay_and_on_costs <= self.price_cap:
            raise ValueError("an exception must be above the cap")
        return self


class AgencyRow(_Row):
    agency: str = Field(min_length=1)
    engagements_with_breaches: int = Field(gt=0)
    rules: str = Field(min_length=1)


class MonthRow(_Row):
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    headcount: int = Field(ge=0)
    estimated_cost: float = Field(ge=0)


SHEETS: dict[str, type[_Row]] = {
    "Assignments": AssignmentRow,
    "Compliance": ComplianceRow,
    "Price cap exceptions": CapExceptionRow,
    "Agencies": AgencyRow,
    "Monthly cost": MonthRow,
}


def _rows(frame: pl.DataFrame) -> list[dict[str, object]]:
    return frame.to_dicts()


def validate_return(report: AgencyReturn) -> list[str]:
    """Every problem in the return: ``sheet, row N, item: what is wrong`` (row 1 is the first
    row under the header). Also checks each sheet has exactly the schema's columns, every rule
    is reported once and there are three months."""
    problems: list[str] = []
    for sheet, frame in report.sheets().items():
        model = SHEETS[sheet]
        expected = list(model.model_fields)
        if frame.columns != expected:
            problems.append(
                f"{sheet}: the columns are {', '.join(frame.columns)}; expected "
                + ", ".join(expected)
            )
            continue
        for number, row in enumerate(_rows(frame), start=1):
            try:
                model.model_validate(row)
            except ValidationError as exc:
                for error in exc.errors():
                    item = ".".join(str(p) for p in error["loc"]) or "row"
                    problems.append(f"{sheet}, row {number}, {item}: {error['msg']}")
    rules = report.compliance["rule"].to_list() if "rule" in report.compliance.columns else []
    if sorted(rules) != sorted(RULES):
        problems.append("Compliance: each rule must be reported once: " + ", ".join(RULES))
    if report.monthly_cost.height != 3:
        problems.append("Monthly cost: the quarter has three months")
    return problems
