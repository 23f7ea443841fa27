"""The quarterly agency data return to DfE, worked out from the council's engagements.

The statutory guidance makes the data collection a legal requirement: each quarter (calendar
quarters; the first was January to March 2025, sent between 1 April and 31 May 2025) a council
sends data on the use and cost of agency child and family social workers, including those in
project teams and packaged models. As reported from the guidance, the return holds:

- per assignment: the role (DfE core job type), the hourly pay rate, the start and end dates, the
  worker's Social Work England number, and whether the worker is in a project team or packaged
  model;
- for the council: its compliance with each rule and explanations where it does not comply, the
  price cap breaches and who signed them off, the agencies whose conduct affected compliance, and
  the total monthly cost of the agency workforce.

DfE's own template (its column names and order) was not available to us: the layout here is
Caseload's, with one sheet per part, validated by :func:`validate_return` against a schema the
project owns (:mod:`caseload.workforce.agency_return_schema`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from caseload.errors import InvalidInputError
from caseload.workforce.agency_caps import AgencyRuleSettings
from caseload.workforce.agency_rules import RuleCheck, with_caps

QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        if self.number == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.number + 1, 1) - timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    def months(self) -> list[tuple[date, date]]:
        """First and last day of each of the quarter's three months."""
        firsts = [date(self.year, self.start.month + i, 1) for i in range(3)]
        lasts = [*(f - timedelta(days=1) for f in firsts[1:]), self.end]
        return list(zip(firsts, lasts, strict=True))


def parse_quarter(text: str) -> Quarter:
    """``2026Q3`` (or ``2026-Q3``, ``2026q3``): July to September 2026."""
    found = QUARTER.match(text)
    if found is None or not 2000 <= int(found.group(1)) <= 2100:
        raise InvalidInputError(
            f"{text!r} is not a quarter; write the year and quarter as 2026Q3 (July to "
            "September 2026)"
        )
    return Quarter(int(found.group(1)), int(found.group(2)))


@dataclass(frozen=True)
class AgencyReturn:
    """The return's parts, one frame per sheet (columns as :data:`SHEETS` of the schema)."""

    quarter: Quarter
    council: str
    assignments: pl.DataFrame
    compliance: pl.DataFrame
    cap_exceptions: pl.DataFrame
    agencies: pl.DataFrame
    monthly_cost: pl.DataFrame
    placeholder_caps: bool

    def sheets(self) -> dict[str, pl.DataFrame]:
        return {
            "Assignments": self.assignments,
            "Compliance": self.compliance,
            "Price cap exceptions": self.cap_exceptions,
            "Agencies": self.agencies,
            "Monthly cost": self.monthly_cost,
        }


def _yes_no(column: str) -> pl.Expr:
    return pl.when(pl.col(column)).then(pl.lit("Y")).otherwise(pl.lit("N"))


def build_return(
    engagements: pl.DataFrame,
    workers: pl.DataFrame,
    agency_fte: pl.DataFrame,
    check: RuleCheck,
    *,
    quarter: Quarter,
    council: str,
    caps: dict[str, float],
    placeholder_caps: bool,
    settings: AgencyRuleSettings,
) -> AgencyReturn:
    """The return for ``quarter``: ``engagements`` (ENGAGEMENT_SCHEMA), ``workers`` (worker_id,
    swe_number), ``agency_fte`` (worker_id, fte: the worker's agency FTE in the quarter, 1 when
    absent) and ``check``: the rules on the quarter's last day."""
    active = engagements.filter(
        (pl.col("start_date") <= quarter.end)
        & (pl.col("end_date").is_null() | (pl.col("end_date") >= quarter.start))
    )
    capped = (
        with_caps(active, caps)
        .join(workers.select("worker_id", "swe_number"), on="worker_id", how="left")
        .join(agency_fte.select("worker_id", "fte"), on="worker_id", how="left")
        .with_columns(
            pl.col("fte").fill_null(1.0),
            (
                pl.col("pay_rate")
                + pl.col("on_costs").fill_null(0.0)
                + pl.col("agency_fee").fill_null(0.0)
            ).alias("charge"),
        )
        .sort("start_date", "engagement_id")
    )
    assignments = capped.select(
        pl.lit(council).alias("la_code"),
        pl.col("swe_number").fill_null("").alias("swe_number"),
        "job_type",
        "agency",
        "start_date",
        "end_date",
        pl.col("pay_rate").round(2),
        pl.col("on_costs").fill_null(0.0).round(2),
        pl.col("agency_fee").fill_null(0.0).round(2),
        pl.col("charge").round(2).alias("hourly_charge"),
        pl.col("cap").round(2).alias("price_cap"),
        _yes_no("above_cap").alias("above_cap"),
        _yes_no("project_team").alias("project_team"),
    )
    exceptions = capped.filter(pl.col("above_cap")).select(
        pl.col("swe_number").fill_null(""),
        "job_type",
        "agency",
        pl.col("capped_rate").round(2).alias("pay_and_on_costs"),
        pl.col("cap").round(2).alias("price_cap"),
        "director_signoff_date",
        "chief_executive_signoff_date",
        _yes_no("signed_off").alias("both_signed_off"),
    )
    compliance = check.compliance.select(
        pl.lit(quarter.end).alias("as_at"),
        "rule",
        pl.col("label").alias("description"),
        "engagements",
        "meeting",
        "breaches",
        pl.col("share").alias("share_meeting"),
        pl.lit("").alias("explanation"),
    )
    agencies = (
        check.breaches.join(
            check.engagements.select("engagement_id", "agency"), on="engagement_id", how="left"
        )
        .group_by("agency")
        .agg(
            pl.col("engagement_id").n_unique().alias("engagements_with_breaches"),
            pl.col("rule").unique().sort().str.join(", ").alias("rules"),
        )
        .sort("agency")
    )
    hours_per_day = settings.hours_per_week / 7
    months = []
    for first, last in quarter.months():
        overlap = capped.with_columns(
            pl.max_horizontal(pl.col("start_date"), pl.lit(first)).alias("_from"),
            pl.min_horizontal(pl.col("end_date").fill_null(last), pl.lit(last)).alias("_to"),
        ).filter(pl.col("_to") >= pl.col("_from"))
        days = (pl.col("_to") - pl.col("_from")).dt.total_days() + 1
        cost = (days * hours_per_day * pl.col("fte") * pl.col("charge")).sum()
        months.append(
            overlap.select(
                pl.lit(first.strftime("%Y-%m")).alias("month"),
                pl.col("worker_id").n_unique().cast(pl.Int64).alias("headcount"),
                cost.round(2).fill_null(0.0).alias("estimated_cost"),
            )
        )
    monthly = pl.concat(months)
    return AgencyReturn(
        quarter,
        council,
        assignments,
        compliance,
        exceptions,
        agencies,
        monthly,
        placeholder_caps,
    )
