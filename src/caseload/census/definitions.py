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


class Direction(str, Enum):
    """Which way a figure is better: a change is called better or worse from this; a neutral
    figure (a count of starters, the FTE holding cases) is shown without a judgement."""

    HIGHER_BETTER = "higher is better"
    LOWER_BETTER = "lower is better"
    NEUTRAL = "neither"


UNITS = {
    Kind.FTE: "FTE",
    Kind.COUNT: "count",
    Kind.RATE: "%",
    Kind.RATIO: "cases per FTE",
    Kind.DAYS: "days",
}


@dataclass(frozen=True)
class Stock:
    """A total summed over worker records (or taken from the council-level vacancy items)."""

    name: str
    kind: Kind
    label: str
    direction: Direction = Direction.NEUTRAL
    formula: str = ""

    @property
    def unit(self) -> str:
        return UNITS[self.kind]


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
    direction: Direction = Direction.NEUTRAL

    @property
    def unit(self) -> str:
        return UNITS[self.kind]

    @property
    def formula(self) -> str:
        """The formula as the docs write it, e.g. ``leavers_fte / inpost_fte x 100``."""
        top = " + ".join(self.numerator)
        bottom = " + ".join(self.denominator)
        if len(self.denominator) > 1:
            bottom = f"({bottom})"
        if self.per_working_day:
            bottom = f"({bottom} x working days in the year)"
        scale = f" x {self.scale:g}" if self.scale != 1.0 else ""
        return f"{top} / {bottom}{scale}"


H, L = Direction.HIGHER_BETTER, Direction.LOWER_BETTER
OWN_IN_POST = "own staff (AgencyWorker 0) in post on the reference date"

STOCKS: tuple[Stock, ...] = (
    Stock("inpost_fte", Kind.FTE, "Own staff in post (FTE)", H, f"sum of FTE over {OWN_IN_POST}"),
    Stock(
        "inpost_headcount",
        Kind.COUNT,
        "Own staff in post (headcount)",
        H,
        f"people (SWE number + birth date + gender + ethnicity) among {OWN_IN_POST}",
    ),
    Stock(
        "starters_fte", Kind.FTE, "Starters (FTE)", formula="sum of FTE over own-staff records "
        "starting in the census year",
    ),
    Stock(
        "starters_headcount", Kind.COUNT, "Starters (headcount)",
        formula="people among own-staff records starting in the census year",
    ),
    Stock(
        "leavers_fte", Kind.FTE, "Leavers (FTE)", L,
        "sum of FTE over own-staff records ending in the census year",
    ),
    Stock(
        "leavers_headcount", Kind.COUNT, "Leavers (headcount)", L,
        "people among own-staff records ending in the census year",
    ),
    Stock(
        "agency_fte", Kind.FTE, "Agency workers (FTE)", L,
        "sum of FTE over agency records (AgencyWorker 1) in post on the reference date",
    ),
    Stock(
        "agency_headcount", Kind.COUNT, "Agency workers (headcount)", L,
        "agency records in post on the reference date (never de-duplicated)",
    ),
    Stock(
        "agency_cover_fte", Kind.FTE, "Agency workers covering vacancies (FTE)",
        formula="LALevelVacancies NoAgencyFTE",
    ),
    Stock(
        "vacancy_fte", Kind.FTE, "Vacancies (FTE)", L, "LALevelVacancies NumberOfVacancies"
    ),
    Stock(
        "case_holders_fte", Kind.FTE, "Case holders (FTE)",
        formula="sum of FTE over records in post (own and agency) with Cases30 above 0",
    ),
    Stock(
        "cases", Kind.COUNT, "Cases held",
        formula="sum of Cases30 over records in post (own and agency)",
    ),
    Stock(
        "working_days_lost_fte", Kind.DAYS, "Working days lost to sickness", L,
        f"sum of WorkingDaysLost over {OWN_IN_POST}",
    ),
)  # fmt: skip

RATES: tuple[Rate, ...] = (
    Rate(
        "turnover_rate_fte",
        Kind.RATE,
        "Turnover rate (FTE, %)",
        ("leavers_fte",),
        ("inpost_fte",),
        direction=L,
    ),
    Rate(
        "turnover_rate_headcount",
        Kind.RATE,
        "Turnover rate (headcount, %)",
        ("leavers_headcount",),
        ("inpost_headcount",),
        direction=L,
    ),
    Rate(
        "agency_rate_fte",
        Kind.RATE,
        "Agency rate (FTE, %)",
        ("agency_fte",),
        ("agency_fte", "inpost_fte"),
        direction=L,
    ),
    Rate(
        "agency_rate_headcount",
        Kind.RATE,
        "Agency rate (headcount, %)",
        ("agency_headcount",),
        ("agency_headcount", "inpost_headcount"),
        direction=L,
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
        direction=L,
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
        direction=L,
    ),
    Rate(
        "absence_rate_fte",
        Kind.RATE,
        "Sickness absence rate (DfE: % of working days lost)",
        ("working_days_lost_fte",),
        ("inpost_fte",),
        per_working_day=True,
        direction=L,
    ),
)

# Figures the product shows beside DfE's, computed by the same engine but never benchmarked
# (DfE publishes no such column): they stay out of ``RATES`` and ``INDICATOR_COLUMNS``.
SUPPLEMENTARY_RATES: tuple[Rate, ...] = (
    Rate(
        "days_lost_per_fte",
        Kind.DAYS,
        "Sickness days lost per FTE (own staff in post)",
        ("working_days_lost_fte",),
        ("inpost_fte",),
        scale=1.0,
        direction=L,
    ),
)
SUPPLEMENTARY_COLUMNS: tuple[str, ...] = tuple(rate.name for rate in SUPPLEMENTARY_RATES)

STOCK_BY_NAME = {stock.name: stock for stock in STOCKS}
RATE_BY_NAME = {rate.name: rate for rate in (*RATES, *SUPPLEMENTARY_RATES)}

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


def definition_of(name: str) -> Stock | Rate:
    """The stock or rate called ``name`` (DfE's column, or a supplementary figure)."""
    return STOCK_BY_NAME.get(name) or RATE_BY_NAME[name]


def direction_of(name: str) -> Direction:
    return definition_of(name).direction


@dataclass(frozen=True)
class Change:
    """A change in a figure between two values, in the unit that suits it: percentage points
    (``pp``) for rates, per cent (``%``) for counts, FTE, days and ratios. ``verdict`` is
    ``better``, ``worse`` or ``same`` from the figure's direction, or null for a neutral figure."""

    value: float | None
    unit: str
    verdict: str | None

    def to_dict(self) -> dict[str, float | str | None]:
        return {"value": self.value, "unit": self.unit, "verdict": self.verdict}


def change_between(name: str, latest: float | None, earlier: float | None) -> Change:
    """How ``name`` moved from ``earlier`` to ``latest`` (both as published, rounded).

    Rates (``Kind.RATE``): the difference in percentage points, to 1 dp. Everything else: the
    difference as a per cent of the earlier value, to 1 dp (null when the earlier value is 0 or
    missing). Example: turnover 14.2% after 12.0% is +2.2 pp, worse; in-post FTE 212.2 after
    200.0 is +6.1%, better."""
    definition = definition_of(name)
    unit = "pp" if definition.kind is Kind.RATE else "%"
    if latest is None or earlier is None:
        return Change(None, unit, None)
    if definition.kind is Kind.RATE:
        raw = float(Decimal(repr(latest)) - Decimal(repr(earlier)))
    elif earlier == 0:
        return Change(None, unit, None)
    else:
        raw = 100.0 * (latest - earlier) / earlier
    value = _round1(raw)
    if definition.direction is Direction.NEUTRAL:
        verdict = None
    elif value == 0:
        verdict = "same"
    else:
        up_is_better = definition.direction is Direction.HIGHER_BETTER
        verdict = "better" if (value > 0) == up_is_better else "worse"
    return Change(value, unit, verdict)


def _round1(value: float) -> float:
    exact = Decimal(repr(value)).quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def better_of(name: str) -> str | None:
    """Which way is better when councils are ranked (quartile 1 = best) and rated: ``"lower"`` or
    ``"higher"`` from the figure's direction for rates and averages; ``None`` for totals (counts,
    FTE, days), which follow a council's size and rank from the highest."""
    if not is_level(name):
        return None
    return {Direction.LOWER_BETTER: "lower", Direction.HIGHER_BETTER: "higher"}.get(
        direction_of(name)
    )


def is_level(name: str) -> bool:
    """A rate or an average (``Kind.RATE``, ``Kind.RATIO``), which can be compared with England's
    as a difference; totals (counts, FTE, days) cannot, as they follow a council's size."""
    return kind_of(name) in (Kind.RATE, Kind.RATIO)
