"""The DfE census indicators, defined once.

Every figure the product shows for the workforce census comes from these definitions: the council
engine, the breakdowns by team and role, the monthly series and the national and regional
aggregates rebuilt from DfE's published council rows. DOMAIN.md section 4 and ``docs/metrics/``
give the sources."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum


class Kind(str, Enum):
    FTE = "fte"
    COUNT = "count"
    RATE = "rate"
    RATIO = "ratio"
    DAYS = "days"


@dataclass(frozen=True)
class Stock:
    """A total summed over worker records (or taken from the council-level vacancy items)."""

    name: str
    kind: Kind
    label: str


@dataclass(frozen=True)
class Rate:
    """``scale * sum(numerator) / (sum(denominator) * working_days)``; not applicable (DfE's ``z``)
    when the denominator is zero."""

    name: str
    kind: Kind
    label: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    scale: float = 100.0
    per_working_day: bool = False


STOCKS: tuple[Stock, ...] = (
    Stock("inpost_fte", Kind.FTE, "Own staff in post (FTE)"),
    Stock("inpost_headcount", Kind.COUNT, "Own staff in post (headcount)"),
    Stock("starters_fte", Kind.FTE, "Starters (FTE)"),
    Stock("starters_headcount", Kind.COUNT, "Starters (headcount)"),
    Stock("leavers_fte", Kind.FTE, "Leavers (FTE)"),
    Stock("leavers_headcount", Kind.COUNT, "Leavers (headcount)"),
    Stock("agency_fte", Kind.FTE, "Agency workers (FTE)"),
    Stock("agency_headcount", Kind.COUNT, "Agency workers (headcount)"),
    Stock("agency_cover_fte", Kind.FTE, "Agency workers covering vacancies (FTE)"),
    Stock("vacancy_fte", Kind.FTE, "Vacancies (FTE)"),
    Stock("case_holders_fte", Kind.FTE, "Case holders (FTE)"),
    Stock("cases", Kind.COUNT, "Cases held"),
    Stock("working_days_lost_fte", Kind.DAYS, "Working days lost to sickness"),
)

RATES: tuple[Rate, ...] = (
    Rate(
        "turnover_rate_fte", Kind.RATE, "Turnover rate (FTE, %)", ("leavers_fte",), ("inpost_fte",)
    ),
    Rate(
        "turnover_rate_headcount",
        Kind.RATE,
        "Turnover rate (headcount, %)",
        ("leavers_headcount",),
        ("inpost_headcount",),
    ),
    Rate(
        "agency_rate_fte",
        Kind.RATE,
        "Agency rate (FTE, %)",
        ("agency_fte",),
        ("agency_fte", "inpost_fte"),
    ),
    Rate(
        "agency_rate_headcount",
        Kind.RATE,
        "Agency rate (headcount, %)",
        ("agency_headcount",),
        ("agency_headcount", "inpost_headcount"),
    ),
    Rate(
        "agency_cover_rate_fte",
        Kind.RATE,
        "Agency workers covering vacancies (% of agency FTE)",
        ("agency_cover_fte",),
        ("agency_fte",),
    ),
    Rate(
        "vacancy_rate_fte",
        Kind.RATE,
        "Vacancy rate (FTE, %)",
        ("vacancy_fte",),
        ("vacancy_fte", "inpost_fte"),
    ),
    Rate(
        "vacancy_agency_cover_rate_fte",
        Kind.RATE,
        "Vacancies covered by agency workers (% of vacancy FTE)",
        ("agency_cover_fte",),
        ("vacancy_fte",),
    ),
    Rate(
        "caseload_fte",
        Kind.RATIO,
        "Average caseload (cases per case-holding FTE)",
        ("cases",),
        ("case_holders_fte",),
        scale=1.0,
    ),
    Rate(
        "absence_rate_fte",
        Kind.RATE,
        "Sickness absence rate (% of working days)",
        ("working_days_lost_fte",),
        ("inpost_fte",),
        per_working_day=True,
    ),
)

STOCK_BY_NAME = {stock.name: stock for stock in STOCKS}
RATE_BY_NAME = {rate.name: rate for rate in RATES}

# DfE's published column order.
INDICATOR_COLUMNS: tuple[str, ...] = (
    "inpost_fte",
    "inpost_headcount",
    "starters_fte",
    "starters_headcount",
    "leavers_fte",
    "leavers_headcount",
    "turnover_rate_fte",
    "turnover_rate_headcount",
    "agency_fte",
    "agency_headcount",
    "agency_rate_fte",
    "agency_rate_headcount",
    "agency_cover_fte",
    "agency_cover_rate_fte",
    "vacancy_fte",
    "vacancy_rate_fte",
    "vacancy_agency_cover_rate_fte",
    "case_holders_fte",
    "cases",
    "caseload_fte",
    "working_days_lost_fte",
    "absence_rate_fte",
)


def working_days(census_year: int) -> int:
    """Working days DfE's published absence rates fit: 253, or 254 when the census year (1 Oct
    ``Y-1`` to 30 Sep ``Y``) contains 29 February."""
    return 254 if calendar.isleap(census_year) else 253


def kind_of(name: str) -> Kind:
    if name in STOCK_BY_NAME:
        return STOCK_BY_NAME[name].kind
    return RATE_BY_NAME[name].kind


def round_published(value: float | None, name: str) -> float | int | None:
    """Round as DfE publishes: counts whole, everything else to 1 dp, halves away from zero."""
    if value is None:
        return None
    places = Decimal("1") if kind_of(name) is Kind.COUNT else Decimal("0.1")
    # Round the binary float to 9 places first so 2.45 stored as 2.4499999... still rounds up.
    exact = Decimal(repr(value)).quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)
    rounded = exact.quantize(places, rounding=ROUND_HALF_UP)
    return int(rounded) if places == 1 else float(rounded)


# Which way is better, for ranks and quartiles (1 = best) and ratings. Lower is better for the
# rates of leaving, agency use, vacancy and sickness and for the average caseload. Counts, FTE and
# days lost grow with a council's size, and the agency cover rates depend on how a council chooses
# to fill its vacancies, so they have no better direction (``None``): they rank from the highest.
LOWER_IS_BETTER: frozenset[str] = frozenset(
    {
        "turnover_rate_fte",
        "turnover_rate_headcount",
        "agency_rate_fte",
        "agency_rate_headcount",
        "vacancy_rate_fte",
        "caseload_fte",
        "absence_rate_fte",
    }
)
HIGHER_IS_BETTER: frozenset[str] = frozenset()


def better_of(name: str) -> str | None:
    """``"lower"``, ``"higher"`` or ``None`` (no better direction) for an indicator."""
    if name in LOWER_IS_BETTER:
        return "lower"
    if name in HIGHER_IS_BETTER:
        return "higher"
    return None


def is_level(name: str) -> bool:
    """A rate or an average (``Kind.RATE``, ``Kind.RATIO``), which can be compared with England's
    as a difference; totals (counts, FTE, days) cannot, as they follow a council's size."""
    return kind_of(name) in (Kind.RATE, Kind.RATIO)
