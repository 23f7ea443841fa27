"""Workforce diversity: who the council's own social work staff are, by ethnic group, sex and age,
at each grade; how they compare with the community the council serves; and whether people of each
group join, leave and progress at the same rates.

Polars frames in, Polars frames out, every day given explicitly. Inputs as
:mod:`caseload.retention.flows` takes them (``spells`` and ``workers``).

One definition per figure, shared with the rest of the product:

- *in post on a day*: own social work staff (census roles),
  :func:`caseload.caseloads.definitions.in_post_spells`; someone with two spells that day counts
  once, at the higher of their grades (:data:`GRADE_RANK`);
- *groups*: the census items of the person. Ethnic group: the major group of the census
  ``Ethnicity`` code (:attr:`caseload.domain.codes.Ethnicity.group`), "Not known" when refused,
  not yet obtained or missing. Sex: ``GenderCurrent`` with its meaning (0 or missing "Not
  known"). Age: whole years on the day (on the census date for the rates), in :data:`AGE_BANDS`,
  "Not known" without a birth date;
- *grades*: the roles of :class:`caseload.domain.codes.Role` grouped as :data:`GRADE_OF` says;
- *share of known*: a group's headcount as a per cent of the headcount whose group is known;
- *rates by group* for a census year, as the census's turnover rate (leavers / in post on the
  census date): starters, leavers and progressions in the year per 100 own staff of the group in
  post on 30 September (:func:`flow_rates`). Starters, leavers and the in-post headcount are the
  census's (:func:`caseload.retention.flows.census_flows`, counted once per census person,
  :data:`caseload.census.indicators.PERSON_KEY`); progressions are
  :func:`caseload.retention.flows.progression_moves`, each person once.

Figures are rounded once, at the end: shares and rates to 1 decimal place, counts whole."""

from __future__ import annotations

from datetime import date
from enum import Enum

import polars as pl

from caseload.caseloads.definitions import StaffGroup, in_post_spells
from caseload.census.indicators import PERSON_KEY
from caseload.domain.codes import EthnicGroup, Ethnicity, Gender, Role
from caseload.domain.dates import reference_date
from caseload.exporters.bands import age
from caseload.retention.flows import census_flows, progression_moves, round_1dp

NOT_KNOWN = "Not known"
ALL = "All"
"""The total row of every table (every category of the dimension)."""
ALL_GRADES = "All grades"


class Grade(str, Enum):
    """The grades diversity is shown by: few enough that the groups are not tiny."""

    ASYE = "ASYE"
    SOCIAL_WORKER = "Social worker"
    PRACTITIONER = "Senior or advanced practitioner"
    MANAGER = "Team manager and above"
    WITHOUT_CASES = "Qualified, not holding cases"


GRADE_OF: dict[str, Grade] = {
    Role.ASYE.value: Grade.ASYE,
    Role.SOCIAL_WORKER.value: Grade.SOCIAL_WORKER,
    Role.SENIOR_SOCIAL_WORKER.value: Grade.SOCIAL_WORKER,
    Role.ADVANCED_PRACTITIONER.value: Grade.PRACTITIONER,
    Role.TEAM_MANAGER.value: Grade.MANAGER,
    Role.SERVICE_MANAGER.value: Grade.MANAGER,
    Role.SENIOR_MANAGER.value: Grade.MANAGER,
    Role.QUALIFIED_WITHOUT_CASES.value: Grade.WITHOUT_CASES,
}
"""Each census role's grade. A senior social worker is a social worker with a higher grade of
pay but the same work and caseload (census ``OrgRole`` 5); the senior or advanced practitioner
(``OrgRole`` 4) mentors; team, service and senior managers (``OrgRole`` 1-3) are few in any one
council, so they are shown together. Family support workers are not in the census, so not here."""
GRADE_RANK: dict[str, int] = {
    Grade.WITHOUT_CASES.value: 0,
    Grade.ASYE.value: 1,
    Grade.SOCIAL_WORKER.value: 2,
    Grade.PRACTITIONER.value: 3,
    Grade.MANAGER.value: 4,
}
GRADES: tuple[str, ...] = tuple(grade.value for grade in Grade)


class Dimension(str, Enum):
    ETHNIC_GROUP = "ethnic_group"
    SEX = "sex"
    AGE = "age_band"

    @property
    def label(self) -> str:
        return {"ethnic_group": "Ethnic group", "sex": "Sex", "age_band": "Age"}[self.value]


AGE_BANDS: tuple[tuple[int, str], ...] = (
    (0, "Under 30"),
    (30, "30 to 39"),
    (40, "40 to 49"),
    (50, "50 to 59"),
    (60, "60 and over"),
)
SEXES: tuple[Gender, ...] = (Gender.FEMALE, Gender.MALE, Gender.NOT_SPECIFIED)
CATEGORIES: dict[Dimension, tuple[str, ...]] = {
    Dimension.ETHNIC_GROUP: tuple(group.value for group in EthnicGroup),
    Dimension.SEX: (*(sex.label for sex in SEXES), NOT_KNOWN),
    Dimension.AGE: (*(label for _, label in AGE_BANDS), NOT_KNOWN),
}
"""Each dimension's categories in the order tables show them, "Not known" last."""


def _ethnic_group(code: pl.Expr) -> pl.Expr:
    groups = {item.value: item.group.value for item in Ethnicity}
    return code.replace_strict(groups, default=NOT_KNOWN, return_dtype=pl.Utf8)


def _sex(code: pl.Expr) -> pl.Expr:
    labels = {int(sex.value): sex.label for sex in SEXES}
    return code.cast(pl.Int64).replace_strict(labels, default=NOT_KNOWN, return_dtype=pl.Utf8)


def _age_band(birth: pl.Expr, day: date) -> pl.Expr:
    years = age(birth, day)
    band: pl.Expr = pl.lit(NOT_KNOWN)
    for low, label in AGE_BANDS:
        band = pl.when(years >= low).then(pl.lit(label)).otherwise(band)
    return pl.when(birth.is_null()).then(pl.lit(NOT_KNOWN)).otherwise(band)


def groups(ethnicity: pl.Expr, gender: pl.Expr, birth: pl.Expr, day: date) -> list[pl.Expr]:
    """The three group columns (ethnic_group, sex, age_band) from the census items, the age on
    ``day``."""
    return [
        _ethnic_group(ethnicity).alias(Dimension.ETHNIC_GROUP.value),
        _sex(gender).alias(Dimension.SEX.value),
        _age_band(birth, day).alias(Dimension.AGE.value),
    ]


def in_post_people(spells: pl.DataFrame, workers: pl.DataFrame, day: date) -> pl.DataFrame:
    """Own social work staff in post on ``day``, one row each: worker_id, grade (the highest of
    their spells that day), ethnic_group, sex, age_band."""
    rank = pl.col("grade").replace_strict(GRADE_RANK, return_dtype=pl.Int64)
    people = (
        in_post_spells(spells, day, StaffGroup.SOCIAL_WORKERS)
        .with_columns(
            pl.col("role")
            .replace_strict({r: g.value for r, g in GRADE_OF.items()}, return_dtype=pl.Utf8)
            .alias("grade")
        )
        .sort(rank, descending=True)
        .group_by("worker_id", maintain_order=True)
        .agg(pl.col("grade").first())
    )
    attributes = workers.select(
        "worker_id", *groups(pl.col("ethnicity"), pl.col("gender"), pl.col("birth_date"), day)
    )
    return (
        people.join(attributes, on="worker_id", how="left")
        .with_columns(pl.col(d.value).fill_null(NOT_KNOWN) for d in Dimension)
        .sort("worker_id")
    )


def _category_grid(columns: tuple[str, ...]) -> pl.DataFrame:
    """dimension, category and each of ``columns`` (as the grade): every category and the
    "All" row of every dimension, in table order."""
    rows = [
        (dimension.value, category, column)
        for dimension in Dimension
        for category in (*CATEGORIES[dimension], ALL)
        for column in columns
    ]
    return pl.DataFrame(
        rows, schema={"dimension": pl.Utf8, "category": pl.Utf8, "grade": pl.Utf8}, orient="row"
    ).with_row_index("_order")


def _known_share(count: str, keys: list[str]) -> pl.Expr:
    """``count`` as a per cent of the known categories' total over ``keys`` (null for "Not
    known", the "All" row, or no one known)."""
    is_known = ~pl.col("category").is_in([NOT_KNOWN, ALL])
    known = pl.col(count).filter(is_known).sum().over(keys)
    return (
        pl.when(is_known & (known > 0))
        .then(round_1dp(100.0 * pl.col(count) / known))
        .otherwise(None)
    )


def profile(spells: pl.DataFrame, workers: pl.DataFrame, day: date) -> pl.DataFrame:
    """Own social work staff in post on ``day`` by each dimension and grade: dimension, category
    ("All" for the total), grade ("All grades" for the total), headcount, share (per cent of the
    headcount whose category is known, 1 dp; null for "Not known" and "All"). Every category,
    grade and total has a row (0 where none)."""
    people = in_post_people(spells, workers, day)
    counted = []
    for dimension in Dimension:
        by = people.select(pl.col(dimension.value).alias("category"), "grade")
        counted.extend(
            [
                by.group_by("category", "grade").len(),
                by.group_by("category").len().with_columns(pl.lit(ALL_GRADES).alias("grade")),
                by.group_by("grade").len().with_columns(pl.lit(ALL).alias("category")),
                by.select(
                    pl.lit(ALL).alias("category"), pl.lit(ALL_GRADES).alias("grade"), pl.len()
                ),
            ]
        )
        counted[-4:] = [
            frame.select(
                pl.lit(dimension.value).alias("dimension"),
                "category",
                "grade",
                pl.col("len").cast(pl.Int64).alias("headcount"),
            )
            for frame in counted[-4:]
        ]
    totals = pl.concat(counted)
    return (
        _category_grid((*GRADES, ALL_GRADES))
        .join(totals, on=["dimension", "category", "grade"], how="left")
        .with_columns(pl.col("headcount").fill_null(0).cast(pl.Int64))
        .with_columns(_known_share("headcount", ["dimension", "grade"]).alias("share"))
        .sort("_order")
        .drop("_order")
    )


def community_comparison(profiled: pl.DataFrame, community: pl.DataFrame) -> pl.DataFrame:
    """The workforce (all grades) beside the community by major ethnic group: group, headcount,
    workforce_share (per cent of staff whose group is known), population, community_share (per
    cent of residents), difference (workforce share minus community share, in percentage
    points). Shares and the difference to 1 dp, the difference from the unrounded shares; the
    community columns null when ``community`` (:func:`caseload.retention.community.
    community_by_group`) is empty. "Not known" is not compared (the Census has no such group)."""
    staff = profiled.filter(
        (pl.col("dimension") == Dimension.ETHNIC_GROUP.value)
        & (pl.col("grade") == ALL_GRADES)
        & ~pl.col("category").is_in([NOT_KNOWN, ALL])
    ).select(pl.col("category").alias("group"), "headcount")
    known = staff["headcount"].sum()
    return (
        staff.join(
            community.select("group", "population", pl.col("share").alias("_community")),
            on="group",
            how="left",
        )
        .with_columns(
            (100.0 * pl.col("headcount") / known if known else pl.lit(None, pl.Float64)).alias(
                "_workforce"
            )
        )
        .select(
            "group",
            "headcount",
            round_1dp(pl.col("_workforce")).alias("workforce_share"),
            "population",
            round_1dp(pl.col("_community")).alias("community_share"),
            round_1dp(pl.col("_workforce") - pl.col("_community")).alias("difference"),
        )
    )


FLOW_COUNTS = ("in_post", "starters", "leavers", "progressions")
RATES = {"starters": "starter_rate", "leavers": "leaver_rate", "progressions": "progression_rate"}


def flow_rates(spells: pl.DataFrame, workers: pl.DataFrame, census_year: int) -> pl.DataFrame:
    """Starters, leavers and progressions in the census year per 100 own staff in post on its
    census date (30 September), by each dimension: dimension, category ("All" for everyone),
    in_post, starters, leavers, progressions (people), starter_rate, leaver_rate,
    progression_rate (per cent, 1 dp; null when no one of the group is in post). The "All" row's
    counts are the census's ``inpost_headcount``, ``starters_headcount`` and
    ``leavers_headcount``, and its leaver rate the census ``turnover_rate_headcount``."""
    day = reference_date(census_year)
    records = census_flows(spells, workers, [census_year])
    marked = records.with_columns(
        groups(pl.col("Ethnicity"), pl.col("GenderCurrent"), pl.col("PersonBirthDate"), day)
    )
    moves = (
        progression_moves(spells)
        .filter(pl.col("census_year") == census_year)
        .select("worker_id")
        .unique()
    )
    moved = moves.join(
        workers.select(
            "worker_id", *groups(pl.col("ethnicity"), pl.col("gender"), pl.col("birth_date"), day)
        ),
        on="worker_id",
        how="left",
    ).with_columns(pl.col(d.value).fill_null(NOT_KNOWN) for d in Dimension)
    person = pl.struct(list(PERSON_KEY))
    counted = []
    for dimension in Dimension:
        category = pl.col(dimension.value).alias("category")
        for frame, everyone in ((marked, False), (marked, True)):
            keyed = frame.select(
                pl.lit(ALL).alias("category") if everyone else category,
                person.alias("_person"),
                "in_post",
                "starter",
                "leaver",
            )
            counted.append(
                keyed.group_by("category")
                .agg(
                    pl.col("_person").filter(pl.col("in_post")).n_unique().alias("in_post"),
                    pl.col("_person").filter(pl.col("starter")).n_unique().alias("starters"),
                    pl.col("_person").filter(pl.col("leaver")).n_unique().alias("leavers"),
                )
                .with_columns(pl.lit(dimension.value).alias("dimension"))
            )
        progressed = pl.concat(
            [
                moved.group_by(category).agg(pl.len().alias("progressions")),
                moved.select(pl.lit(ALL).alias("category"), pl.len().alias("progressions")),
            ]
        ).with_columns(pl.lit(dimension.value).alias("dimension"))
        counted.append(progressed)
    flows_counts = pl.concat(
        [frame.with_columns(pl.col(pl.UInt32).cast(pl.Int64)) for frame in counted],
        how="diagonal",
    )
    summed = flows_counts.group_by("dimension", "category").agg(
        pl.col(name).fill_null(0).sum().cast(pl.Int64) for name in FLOW_COUNTS
    )
    grid = _category_grid(("-",)).drop("grade")
    return (
        grid.join(summed, on=["dimension", "category"], how="left")
        .with_columns(pl.col(name).fill_null(0).cast(pl.Int64) for name in FLOW_COUNTS)
        .with_columns(
            pl.when(pl.col("in_post") > 0)
            .then(round_1dp(100.0 * pl.col(count) / pl.col("in_post")))
            .otherwise(None)
            .alias(rate)
            for count, rate in RATES.items()
        )
        .sort("_order")
        .drop("_order")
    )
