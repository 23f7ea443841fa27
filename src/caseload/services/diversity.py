"""Workforce diversity as a page, an API resource, a command and a report section: one context for
all four (:func:`diversity_view`).

The figures are :mod:`caseload.retention.diversity`'s (own social work staff in post on the day by
ethnic group, sex and age at each grade; the workforce beside the community it serves, from the
shipped Census 2021 figures, :mod:`caseload.retention.community`; starters, leavers and
progressions per 100 staff of each group in the latest census year), computed once per state of
the council's data and day in the council snapshot.

Disclosure: roles with aggregate figures see them; an elected member (and the public report) sees
them through :mod:`caseload.domain.disclosure` with every count the page shows in one grid, so
that no hidden count can be worked out from the others: counts of 1 to 4 hidden, and shares,
rates and differences hidden whenever a count they are built from is. No total is kept shown,
not even the census year's starters, leavers and staff in post that DfE publishes: beside a
total always shown, a group that is everyone but a few could not be protected. Diversity is
shown for the council and by grade, never by team or service (too few people: it would identify
them)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import Engine
from typing_extensions import TypedDict

from caseload.auth.principal import Principal
from caseload.domain.codes import EthnicGroup
from caseload.domain.dates import reference_date
from caseload.domain.disclosure import DEFAULT_THRESHOLD, Grid, Protection
from caseload.retention import community, diversity
from caseload.retention.diversity import ALL, ALL_GRADES, GRADES, NOT_KNOWN, Dimension
from caseload.services import census_view
from caseload.services.caseloads import council_data
from caseload.services.census import Source
from caseload.services.generation import DEMO_SPEC

Shown = int | float | str | None
ENGLAND_WORKFORCE_NOTE = (
    "England's children's social work staff by ethnic group are not compared here: the "
    "Department for Education publishes them in a separate table that Caseload does not hold."
)
GROUP_LABELS = {group.value: group.label for group in EthnicGroup}


class GradeCell(TypedDict):
    headcount: Shown
    share: Shown  # per cent of the grade's staff whose group is known


class CategoryRow(TypedDict):
    category: str
    label: str  # the category in words ("Not known (refused or not yet obtained)")
    grades: dict[str, GradeCell]  # each grade, then "All grades"


class ProfileTable(TypedDict):
    dimension: str
    title: str
    rows: list[CategoryRow]  # the categories, then "All"


class CommunityRow(TypedDict):
    group: str
    label: str
    headcount: Shown
    workforce_share: Shown
    population: int | None
    community_share: float | None
    england_share: float | None
    difference: Shown  # workforce share minus community share, percentage points


class CommunityComparison(TypedDict):
    area: str | None  # the ONS area's name
    area_codes: list[str]
    borrowed_from: str | None  # the council whose community a synthetic council borrows
    rows: list[CommunityRow]


class RateRow(TypedDict):
    category: str
    label: str
    in_post: Shown
    starters: Shown
    leavers: Shown
    progressions: Shown
    starter_rate: Shown
    leaver_rate: Shown
    progression_rate: Shown


class RateTable(TypedDict):
    dimension: str
    title: str
    rows: list[RateRow]


class AuthorityName(TypedDict):
    code: str
    name: str


class DiversityContext(TypedDict):
    title: str
    authority: AuthorityName
    suppressed: bool
    threshold: int
    as_at: str | None
    data_date: str | None
    grades: list[str]
    profile: list[ProfileTable]
    community: CommunityComparison | None
    rates_year: int | None
    rates: list[RateTable]
    summary: list[str]
    notes: list[str]


@dataclass(frozen=True)
class Figures:
    """What the analysis gives for a council and day, before disclosure."""

    profile: pl.DataFrame
    comparison: pl.DataFrame | None
    england: pl.DataFrame
    area: tuple[str, ...]
    area_name: str | None
    rates_year: int | None
    rates: pl.DataFrame | None


def community_area(code: str) -> tuple[tuple[str, ...], str | None]:
    """The council's ONS area codes, and the council it borrows them from (the synthetic demo
    council borrows Rochdale's, as it does its statistical neighbours)."""
    if code == DEMO_SPEC.code and DEMO_SPEC.neighbours_like is not None:
        return community.area_codes(DEMO_SPEC.neighbours_like), DEMO_SPEC.neighbours_like
    return community.area_codes(code), None


def _label(dimension: Dimension, category: str) -> str:
    if category == ALL:
        return "All staff"
    if dimension is Dimension.ETHNIC_GROUP:
        return GROUP_LABELS.get(category, category)
    return category


def council_figures(
    spells: pl.DataFrame, workers: pl.DataFrame, code: str, day: date, rates_year: int | None
) -> Figures:
    """The analysis for a council's frames on ``day``, rates for ``rates_year`` (none without)."""
    profiled = diversity.profile(spells, workers, day)
    area, _ = community_area(code)
    residents = community.community_by_group(area)
    return Figures(
        profile=profiled,
        comparison=diversity.community_comparison(profiled, residents) if area else None,
        england=community.community_by_group(community.ENGLAND),
        area=area,
        area_name=community.area_name(area) if area else None,
        rates_year=rates_year,
        rates=(
            diversity.flow_rates(spells, workers, rates_year) if rates_year is not None else None
        ),
    )


def _figures(
    engine: Engine, council: census_view.Council, day: date, rates_year: int | None
) -> Figures:
    def build() -> Figures:
        frames = council_data(engine, authority_id=council.id)
        return council_figures(
            frames.data.spells, frames.census.workers, council.code, day, rates_year
        )

    return census_view.cached(council, ("diversity", day, rates_year), build)


def rates_year_of(years: dict[int, str], day: date) -> int | None:
    """The census year the rates are for: the latest year with figures (``years``: year ->
    source) whose census date is on or before ``day``, when its figures come from the
    day-to-day data (a year known only from a past return has no records to count groups in)."""
    shown = [year for year in years if reference_date(year) <= day]
    latest = max(shown) if shown else None
    return latest if latest is not None and years[latest] == Source.DERIVED.value else None


def _rates_year(engine: Engine, council: census_view.Council, day: date) -> int | None:
    return rates_year_of(census_view.census_years(engine, council), day)


# --- disclosure ---------------------------------------------------------------------------------


def _profile_key(dimension: str, category: str, grade: str) -> Hashable:
    # The "All" row by grade is the same people in every dimension: one cell.
    return ("profile", "*" if category == ALL else dimension, category, grade)


def _rate_key(measure: str, dimension: str, category: str) -> Hashable:
    return ("rates", measure, "*" if category == ALL else dimension, category)


def protection(
    figures: Figures, day: date, threshold: int = DEFAULT_THRESHOLD
) -> Protection[Hashable]:
    """Which cells an elected member may not see: every count the page shows in one grid, with how
    they add up (categories to the "All" row, grades to "All grades", the known categories to the
    known total), shares, differences and rates built from them."""
    grid: Grid[Hashable] = Grid()
    profiled = figures.profile
    for row in profiled.iter_rows(named=True):
        key = _profile_key(row["dimension"], row["category"], row["grade"])
        if key not in grid.values:
            grid.count(key, int(row["headcount"]))
    for dimension in Dimension:
        mine = profiled.filter(pl.col("dimension") == dimension.value)
        categories = diversity.CATEGORIES[dimension]
        known = [c for c in categories if c != NOT_KNOWN]
        for grade in (*GRADES, ALL_GRADES):
            at = mine.filter(pl.col("grade") == grade)
            counts = dict(zip(at["category"].to_list(), at["headcount"].to_list(), strict=True))
            known_key = ("known", dimension.value, grade)
            grid.count(known_key, sum(int(counts[c]) for c in known))
            grid.add_sum(
                _profile_key(dimension.value, ALL, grade),
                [_profile_key(dimension.value, c, grade) for c in categories],
            )
            grid.add_sum(known_key, [_profile_key(dimension.value, c, grade) for c in known])
            grid.add_sum(
                _profile_key(dimension.value, ALL, grade),
                [known_key, _profile_key(dimension.value, NOT_KNOWN, grade)],
            )
            for category in known:
                grid.figure(
                    ("share", dimension.value, category, grade),
                    counts[category],
                    of=[_profile_key(dimension.value, category, grade), known_key],
                )
        for category in (*categories, ALL):
            grid.add_sum(
                _profile_key(dimension.value, category, ALL_GRADES),
                [_profile_key(dimension.value, category, grade) for grade in GRADES],
            )
    for group in (g.value for g in community.KNOWN_GROUPS):
        grid.figure(
            ("difference", group),
            0.0,
            of=[("share", Dimension.ETHNIC_GROUP.value, group, ALL_GRADES)],
        )
    if figures.rates is not None and figures.rates_year is not None:
        _rate_cells(grid, figures, day)
    return grid.protect(threshold)


def _in_post_alias(figures: Figures, day: date) -> bool:
    """On the census date itself the rates' staff in post are the profile's people (by the same
    rule): the same cells, so the two tables cannot hide a count differently."""
    if figures.rates is None or figures.rates_year is None:
        return False
    if reference_date(figures.rates_year) != day:
        return False
    total = figures.profile.filter(pl.col("grade") == ALL_GRADES).select(
        "dimension", "category", "headcount"
    )
    paired = figures.rates.join(total, on=["dimension", "category"])
    return bool((paired["in_post"] == paired["headcount"]).all())


def _rate_cells(grid: Grid[Hashable], figures: Figures, day: date) -> None:
    rates = figures.rates
    assert rates is not None
    alias = _in_post_alias(figures, day)

    def key(measure: str, dimension: str, category: str) -> Hashable:
        if measure == "in_post" and alias:
            return _profile_key(dimension, category, ALL_GRADES)
        return _rate_key(measure, dimension, category)

    for row in rates.iter_rows(named=True):
        for measure in diversity.FLOW_COUNTS:
            cell = key(measure, row["dimension"], row["category"])
            if cell not in grid.values:
                grid.count(cell, int(row[measure]))
    for dimension in Dimension:
        categories = diversity.CATEGORIES[dimension]
        for measure in diversity.FLOW_COUNTS:
            if measure == "in_post" and alias:
                continue  # already a sum of the profile
            grid.add_sum(
                key(measure, dimension.value, ALL),
                [key(measure, dimension.value, c) for c in categories],
            )
        for category in (*categories, ALL):
            for count, rate in diversity.RATES.items():
                grid.figure(
                    ("rate", rate, dimension.value, category),
                    0.0,
                    of=[
                        key(count, dimension.value, category),
                        key("in_post", dimension.value, category),
                    ],
                )


# --- the context -------------------------------------------------------------------------------


def _shown(protected: Protection[Hashable] | None, cell: Hashable, value: Shown) -> Shown:
    return value if protected is None else protected.show(cell, value)


def _profile_tables(figures: Figures, protected: Protection[Hashable] | None) -> list[ProfileTable]:
    tables: list[ProfileTable] = []
    for dimension in Dimension:
        mine = figures.profile.filter(pl.col("dimension") == dimension.value)
        rows: list[CategoryRow] = []
        for category in (*diversity.CATEGORIES[dimension], ALL):
            cells = mine.filter(pl.col("category") == category)
            grades: dict[str, GradeCell] = {}
            for row in cells.iter_rows(named=True):
                grade = row["grade"]
                grades[grade] = {
                    "headcount": _shown(
                        protected, _profile_key(dimension.value, category, grade), row["headcount"]
                    ),
                    "share": _shown(
                        protected, ("share", dimension.value, category, grade), row["share"]
                    ),
                }
            rows.append(
                {"category": category, "label": _label(dimension, category), "grades": grades}
            )
        tables.append({"dimension": dimension.value, "title": dimension.label, "rows": rows})
    return tables


def _comparison(
    figures: Figures, protected: Protection[Hashable] | None, borrowed: str | None
) -> CommunityComparison | None:
    if figures.comparison is None:
        return None
    england = dict(zip(figures.england["group"], figures.england["share"], strict=True))
    rows: list[CommunityRow] = []
    for row in figures.comparison.iter_rows(named=True):
        group = row["group"]
        share_key = ("share", Dimension.ETHNIC_GROUP.value, group, ALL_GRADES)
        rows.append(
            {
                "group": group,
                "label": GROUP_LABELS[group],
                "headcount": _shown(
                    protected,
                    _profile_key(Dimension.ETHNIC_GROUP.value, group, ALL_GRADES),
                    row["headcount"],
                ),
                "workforce_share": _shown(protected, share_key, row["workforce_share"]),
                "population": row["population"],
                "community_share": row["community_share"],
                "england_share": round(float(england[group]), 1) if group in england else None,
                "difference": _shown(protected, ("difference", group), row["difference"]),
            }
        )
    return {
        "area": figures.area_name,
        "area_codes": list(figures.area),
        "borrowed_from": borrowed,
        "rows": rows,
    }


def _rate_tables(
    figures: Figures, protected: Protection[Hashable] | None, day: date
) -> list[RateTable]:
    if figures.rates is None:
        return []
    alias = protected is not None and _in_post_alias(figures, day)

    def count(measure: str, dimension: str, category: str, value: int) -> Shown:
        cell = (
            _profile_key(dimension, category, ALL_GRADES)
            if measure == "in_post" and alias
            else _rate_key(measure, dimension, category)
        )
        return _shown(protected, cell, value)

    def rate(name: str, dimension: str, category: str, value: float | None) -> Shown:
        return _shown(protected, ("rate", name, dimension, category), value)

    tables: list[RateTable] = []
    for dimension in Dimension:
        rows: list[RateRow] = []
        mine = figures.rates.filter(pl.col("dimension") == dimension.value)
        for row in mine.iter_rows(named=True):
            where = (dimension.value, row["category"])
            rows.append(
                {
                    "category": row["category"],
                    "label": _label(dimension, row["category"]),
                    "in_post": count("in_post", *where, row["in_post"]),
                    "starters": count("starters", *where, row["starters"]),
                    "leavers": count("leavers", *where, row["leavers"]),
                    "progressions": count("progressions", *where, row["progressions"]),
                    "starter_rate": rate("starter_rate", *where, row["starter_rate"]),
                    "leaver_rate": rate("leaver_rate", *where, row["leaver_rate"]),
                    "progression_rate": rate("progression_rate", *where, row["progression_rate"]),
                }
            )
        tables.append({"dimension": dimension.value, "title": dimension.label, "rows": rows})
    return tables


def _summary(context: DiversityContext) -> list[str]:
    """A few plain sentences a councillor can read first (only figures the context shows)."""
    lines: list[str] = []
    comparison = context["community"]
    if comparison is not None:
        for row in comparison["rows"]:
            difference = row["difference"]
            if isinstance(difference, int | float) and abs(difference) >= 5.0:
                more = "more" if difference > 0 else "fewer"
                lines.append(
                    f"{row['label']}: {row['workforce_share']}% of our social work staff "
                    f"(where known) against {row['community_share']}% of residents, "
                    f"{abs(difference):.1f} points {more}."
                )
    for rates in context["rates"]:
        everyone = rates["rows"][-1]
        for rate_row in rates["rows"][:-1]:
            mine, all_staff = rate_row["leaver_rate"], everyone["leaver_rate"]
            if (
                isinstance(mine, int | float)
                and isinstance(all_staff, int | float)
                and isinstance(rate_row["in_post"], int)
                and rate_row["in_post"] >= 10
                and mine >= all_staff + 10.0
            ):
                lines.append(
                    f"{rates['title']}, {rate_row['label']}: {mine}% left in "
                    f"{context['rates_year']}, against {all_staff}% of all own staff."
                )
    return lines


NOTES = (
    "Own social work staff in post (registered social workers in the census's roles, agency "
    "workers not included), each person once, at their highest grade that day.",
    "Share: per cent of the staff whose group is known; 'Not known' means refused, not yet "
    "obtained or not recorded.",
    "Rates: people who joined, left or were promoted during the census year (1 October to 30 "
    "September) for every 100 staff of the group in post on 30 September, as DfE's turnover "
    "rate is worked out. A person's group is as recorded on 30 September.",
    "Residents: ONS Census 2021 (usual residents, all ages), Open Government Licence v3.0. "
    "Chinese is counted in 'Other', as the workforce census groups it.",
    ENGLAND_WORKFORCE_NOTE,
)


def diversity_view(
    engine: Engine, principal: Principal, *, as_at: date | None = None
) -> DiversityContext:
    """Workforce diversity on ``as_at`` (default the data date): the profile by ethnic group, sex
    and age at each grade, the community comparison and the latest census year's rates by group.
    Refused (and recorded) for roles without aggregate figures; suppressed for elected members,
    who see the data date only."""
    council = census_view.open_council(engine, principal, "workforce diversity")
    reporting = census_view.reporting_day(council, as_at, principal)
    suppressed = principal.suppress_small_numbers
    context = empty_context(council.code, council.name, suppressed=suppressed)
    if reporting is None:
        context["summary"] = ["Your council holds no figures yet: load its data first."]
        return context
    day = reporting.as_at
    figures = _figures(engine, council, day, _rates_year(engine, council, day))
    protected = (
        census_view.cached(council, ("diversity protection", day), lambda: protection(figures, day))
        if suppressed
        else None
    )
    context.update({"as_at": day.isoformat(), "data_date": reporting.data_date.isoformat()})
    fill(context, figures, council.code, day, protected)
    return context


SUPPRESSION_NOTE = (
    f"Numbers from 1 to {DEFAULT_THRESHOLD - 1} are shown as 'c' to protect the people behind "
    "them, and so are the figures that would let them be worked out."
)


def fill(
    context: DiversityContext,
    figures: Figures,
    code: str,
    day: date,
    protected: Protection[Hashable] | None,
) -> None:
    """Put the figures into the context as shown to the audience (``protected``: the cells an
    elected member may not see; None shows everything)."""
    _, borrowed = community_area(code)
    context["profile"] = _profile_tables(figures, protected)
    context["community"] = _comparison(figures, protected, borrowed)
    context["rates_year"] = figures.rates_year
    context["rates"] = _rate_tables(figures, protected, day)
    context["summary"] = _summary(context)
    if protected is not None:
        context["notes"].append(SUPPRESSION_NOTE)


def empty_context(code: str, name: str, *, suppressed: bool) -> DiversityContext:
    """A context with no figures yet (the council holds no dated records)."""
    return {
        "title": "Workforce diversity",
        "authority": {"code": code, "name": name},
        "suppressed": suppressed,
        "threshold": DEFAULT_THRESHOLD,
        "as_at": None,
        "data_date": None,
        "grades": [*GRADES, ALL_GRADES],
        "profile": [],
        "community": None,
        "rates_year": None,
        "rates": [],
        "summary": [],
        "notes": list(NOTES),
    }


CSV_COLUMNS = ("table", "dimension", "category", "grade", "figure", "value")


def diversity_rows(context: DiversityContext) -> list[tuple[Shown, ...]]:
    """Every figure of the context as one row (:data:`CSV_COLUMNS`): the file the command line
    writes as CSV, with the same values (and the same "c") as the page."""
    rows: list[tuple[Shown, ...]] = []
    for table in context["profile"]:
        for row in table["rows"]:
            for grade, cell in row["grades"].items():
                for figure in ("headcount", "share"):
                    value = cell["headcount"] if figure == "headcount" else cell["share"]
                    rows.append(
                        ("in post", table["dimension"], row["category"], grade, figure, value)
                    )
    comparison = context["community"]
    if comparison is not None:
        for item in comparison["rows"]:
            for figure in (
                "headcount",
                "workforce_share",
                "population",
                "community_share",
                "england_share",
                "difference",
            ):
                value = item[figure]  # type: ignore[literal-required]
                rows.append(
                    ("community", Dimension.ETHNIC_GROUP.value, item["group"], ALL_GRADES, figure,
                     value)
                )  # fmt: skip
    for rates in context["rates"]:
        for rate_row in rates["rows"]:
            for figure in (*diversity.FLOW_COUNTS, *diversity.RATES.values()):
                value = rate_row[figure]  # type: ignore[literal-required]
                rows.append(
                    (f"census year {context['rates_year']}", rates["dimension"],
                     rate_row["category"], ALL_GRADES, figure, value)
                )  # fmt: skip
    return rows
