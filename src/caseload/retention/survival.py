"""How long own social work staff stay: Kaplan-Meier survival of service episodes
(:func:`caseload.retention.episodes.service_episodes`), for the whole council or by a grouping
(starting cohort, entry route, entry role, entry service or entry team).

"Survival" at *t* is the estimated share of people who start with the council and are still with
it *t* after starting ("still with us after N years"). The product-limit estimate is

    S(t) = prod over leaving times t_i <= t of (1 - d_i / n_i)

with ``d_i`` the episodes ending at ``t_i`` and ``n_i`` those still followed just before it (the
*number at risk*). Episodes still running on ``as_at`` are *censored*: they count while followed
and never as leavers. The 95% band is lifelines' exponential Greenwood interval:

    V(t) = sum over t_i <= t of d_i / (n_i (n_i - d_i))
    band = exp(-exp(log(-log S) -/+ z sqrt(V) / log S)),   z = 1.959964

Time is in months (days / (365.25 / 12)); an episode's days count its first and last days, as
:func:`~caseload.retention.episodes.service_episodes` does.

Which episodes count: every episode that *started* in the chosen range of census years
(``cohorts``, first and last, both included; all of them without one). Staff already in post when
the council's records begin were only recorded because they had stayed that long (left
truncation): counted from their start they would flatter survival (a cohort of 2018 in records
beginning in 2023 would show nobody leaving in its first five years). Given ``observed_from``
(the first day the records cover; :func:`records_start` finds it from the first recorded
leaving), such an episode enters the risk set only on that day (delayed entry): it counts among
those at risk from then on, never before. An estimate at *t* is given only when someone was
followed at every moment from 0 to *t*; past that (or past the longest follow-up) it is null, and
the curve stops there.

A group with fewer than :data:`MIN_EPISODES` episodes followed from their first day is reported as
too small: no curve and no estimates, only its counts. A cohort that started before the records
begin is such a group, however large.

lifelines is imported inside :func:`survival` (it is slow to import and the command line should
start quickly); frames cross to pandas only at that boundary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np
import polars as pl

from caseload.domain.codes import Role
from caseload.retention.episodes import DAYS_A_YEAR
from caseload.retention.flows import census_year_expr

DAYS_A_MONTH = DAYS_A_YEAR / 12
MIN_EPISODES = 10
MILESTONE_YEARS = (1, 2, 3, 5)
COUNCIL = "All own social work staff"


class Grouping(StrEnum):
    """What the curves are drawn by: an episode's column, or the council as one group."""

    COUNCIL = "council"
    COHORT = "cohort"
    ROUTE = "route"
    ROLE = "role"
    SERVICE = "service"
    TEAM = "team"

    @property
    def column(self) -> str | None:
        return GROUP_COLUMNS[self]

    @property
    def label(self) -> str:
        return GROUP_LABELS[self]


GROUP_COLUMNS: dict[Grouping, str | None] = {
    Grouping.COUNCIL: None,
    Grouping.COHORT: "cohort",
    Grouping.ROUTE: "route_label",
    Grouping.ROLE: "entry_role",
    Grouping.SERVICE: "entry_service",
    Grouping.TEAM: "entry_team",
}
GROUP_LABELS: dict[Grouping, str] = {
    Grouping.COUNCIL: "Council",
    Grouping.COHORT: "Year they started (census year)",
    Grouping.ROUTE: "How they came in",
    Grouping.ROLE: "Role they started in",
    Grouping.SERVICE: "Service they started in",
    Grouping.TEAM: "Team they started in",
}
NOT_RECORDED = "Not recorded"

CURVE_SCHEMA = {
    "group": pl.Utf8,
    "months": pl.Float64,
    "at_risk": pl.Int64,
    "left": pl.Int64,
    "censored": pl.Int64,
    "survival": pl.Float64,
    "lower": pl.Float64,
    "upper": pl.Float64,
}


@dataclass(frozen=True)
class Survival:
    """Kaplan-Meier curves and their milestones for one grouping.

    - ``curves``: group, months, at_risk, left, censored, survival, lower, upper: one row at 0
      and one per time an episode ended or was censored, for the groups large enough to draw;
    - ``summary``: group, episodes, leavers, still_here, from_start (episodes followed from their
      first day: all unless some started before ``observed_from``), too_small, then for each
      milestone year N ``at_risk_Ny`` (episodes followed at least N years), ``survival_Ny``,
      ``lower_Ny``, ``upper_Ny`` (null past the longest follow-up, or for a small group), and
      ``median_months`` (the time by which half have left; null where not reached)."""

    grouping: Grouping
    cohorts: tuple[int, int] | None
    curves: pl.DataFrame
    summary: pl.DataFrame


def months(days: pl.Expr) -> pl.Expr:
    """Days as months of 365.25 / 12 days."""
    return days / DAYS_A_MONTH


ROLE_LABELS = {role.value: role.label for role in Role}


def _group_expr(grouping: Grouping) -> pl.Expr:
    column = grouping.column
    if column is None:
        return pl.lit(COUNCIL).alias("group")
    value = pl.col(column).cast(pl.Utf8)
    if grouping is Grouping.ROLE:  # roles in words: "Senior social worker"
        value = value.replace(ROLE_LABELS)
    return value.fill_null(NOT_RECORDED).alias("group")


def _prepared(
    episodes: pl.DataFrame,
    grouping: Grouping,
    cohorts: tuple[int, int] | None,
    observed_from: date | None,
) -> pl.DataFrame:
    chosen = episodes
    if cohorts is not None:
        first, last = cohorts
        if last < first:
            raise ValueError(f"the cohort range must end on or after its start: {first} to {last}")
        chosen = chosen.filter(pl.col("cohort").is_between(first, last))
    entry = pl.lit(0.0)
    if observed_from is not None:
        late = (pl.lit(observed_from) - pl.col("started")).dt.total_days().clip(lower_bound=0)
        entry = months(late.cast(pl.Float64))
    return chosen.select(
        _group_expr(grouping),
        months(pl.col("days").cast(pl.Float64)).alias("duration"),
        pl.col("left").cast(pl.Boolean).alias("left"),
        entry.alias("entry"),
    )


def _milestone_columns() -> list[str]:
    return [
        f"{name}_{years}y"
        for years in MILESTONE_YEARS
        for name in ("at_risk", "survival", "lower", "upper")
    ]


def _empty_summary() -> pl.DataFrame:
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "group": pl.Utf8,
        "episodes": pl.Int64,
        "leavers": pl.Int64,
        "still_here": pl.Int64,
        "from_start": pl.Int64,
        "too_small": pl.Boolean,
    }
    for years in MILESTONE_YEARS:
        schema[f"at_risk_{years}y"] = pl.Int64
        for name in ("survival", "lower", "upper"):
            schema[f"{name}_{years}y"] = pl.Float64
    schema["median_months"] = pl.Float64
    return pl.DataFrame(schema=schema)


def _fit(group: str, frame: pl.DataFrame) -> pl.DataFrame:
    """One group's curve, from lifelines' estimate, survival function and band."""
    import pandas as pd
    from lifelines import KaplanMeierFitter

    fitter = KaplanMeierFitter(label="s")
    entry = frame["entry"]
    fitter.fit(
        pd.Series(frame["duration"].to_numpy()),
        event_observed=pd.Series(frame["left"].to_numpy()),
        entry=pd.Series(entry.to_numpy()) if bool((entry > 0).any()) else None,
    )
    table = fitter.event_table
    band = fitter.confidence_interval_survival_function_
    return pl.DataFrame(
        {
            "group": [group] * len(table),
            "months": table.index.to_numpy().astype(float),
            "at_risk": table["at_risk"].to_numpy().astype("int64"),
            "left": table["observed"].to_numpy().astype("int64"),
            "censored": table["censored"].to_numpy().astype("int64"),
            "survival": fitter.survival_function_["s"].reindex(table.index).to_numpy(),
            "lower": band["s_lower_0.95"].reindex(table.index).to_numpy(),
            "upper": band["s_upper_0.95"].reindex(table.index).to_numpy(),
        },
        schema=CURVE_SCHEMA,
    )


def _with_start(curve: pl.DataFrame, group: str, followed: int) -> pl.DataFrame:
    """The curve with its row at 0 months (everyone still here), when lifelines has none."""
    if curve.height and curve["months"][0] == 0.0:
        return curve
    start = pl.DataFrame(
        {
            "group": [group],
            "months": [0.0],
            "at_risk": [followed],
            "left": [0],
            "censored": [0],
            "survival": [1.0],
            "lower": [1.0],
            "upper": [1.0],
        },
        schema=CURVE_SCHEMA,
    )
    return pl.concat([start, curve])


def records_start(episodes: pl.DataFrame) -> date | None:
    """The first day the council's records can be trusted to hold leavers: 1 October of the
    census year in which the first recorded episode ended (None when nobody has left)."""
    ended = episodes.filter(pl.col("left")).select(census_year_expr(pl.col("last_day")).min())
    year = ended.item() if ended.height else None
    return date(int(year) - 1, 10, 1) if year is not None else None


def followed_until(frame: pl.DataFrame) -> float:
    """The months from 0 for which someone was followed without a gap: the first time after
    which nobody is at risk (an episode is at risk after its entry, up to its end)."""
    entries = np.sort(frame["entry"].to_numpy())
    ends = np.sort(frame["duration"].to_numpy())
    times = np.unique(np.concatenate(([0.0], entries, ends)))
    at_risk = np.searchsorted(entries, times, side="right") - np.searchsorted(
        ends, times, side="right"
    )
    empty = times[at_risk <= 0]
    return float(empty[0]) if empty.size else float(ends[-1]) if ends.size else 0.0


def _milestones(group: str, frame: pl.DataFrame, curve: pl.DataFrame | None) -> dict[str, object]:
    longest = followed_until(frame)
    found: dict[str, object] = {}
    for years in MILESTONE_YEARS:
        at = years * 12.0
        found[f"at_risk_{years}y"] = int(
            frame.filter((pl.col("duration") >= at) & (pl.col("entry") < at)).height
        )
        values: dict[str, float | None] = {"survival": None, "lower": None, "upper": None}
        if curve is not None and at <= longest:
            row = curve.filter(pl.col("months") <= at).tail(1)
            values = {name: float(row[name][0]) for name in values}
        for name, value in values.items():
            found[f"{name}_{years}y"] = value
    return found


def _median(curve: pl.DataFrame | None) -> float | None:
    """The first time the estimate falls to a half or below (lifelines' definition)."""
    if curve is None:
        return None
    below = curve.filter(pl.col("survival") <= 0.5)
    return float(below["months"][0]) if below.height else None


def survival(
    episodes: pl.DataFrame,
    grouping: Grouping = Grouping.COUNCIL,
    *,
    cohorts: tuple[int, int] | None = None,
    observed_from: date | None = None,
    min_episodes: int = MIN_EPISODES,
) -> Survival:
    """Kaplan-Meier survival of ``episodes`` by ``grouping`` (see the module's description).
    Groups are ordered by their value (cohorts by year, routes by their order of entry)."""
    prepared = _prepared(episodes, grouping, cohorts, observed_from)
    order = _group_order(episodes, grouping, prepared)
    curves: list[pl.DataFrame] = []
    rows: list[dict[str, object]] = []
    for group in order:
        frame = prepared.filter(pl.col("group") == group)
        leavers = int(frame["left"].sum())
        from_start = frame.filter(pl.col("entry") == 0).height
        small = from_start < min_episodes
        curve = None
        if not small:
            curve = _with_start(_fit(group, frame), group, from_start).filter(
                pl.col("months") <= followed_until(frame)
            )
            curves.append(curve)
        rows.append(
            {
                "group": group,
                "episodes": frame.height,
                "leavers": leavers,
                "still_here": frame.height - leavers,
                "from_start": from_start,
                "too_small": small,
                **_milestones(group, frame, curve),
                "median_months": _median(curve),
            }
        )
    summary = pl.DataFrame(rows, schema=_empty_summary().schema) if rows else _empty_summary()
    return Survival(
        grouping=grouping,
        cohorts=cohorts,
        curves=pl.concat(curves) if curves else pl.DataFrame(schema=CURVE_SCHEMA),
        summary=summary,
    )


def _group_order(
    episodes: pl.DataFrame, grouping: Grouping, prepared: pl.DataFrame
) -> Sequence[str]:
    seen = set(prepared["group"].unique().to_list())
    if grouping is Grouping.ROUTE and "route" in episodes.columns:
        ranked = (
            episodes.select("route", "route_label").unique().sort("route")["route_label"].to_list()
        )
        return [label for label in ranked if label in seen]
    if grouping is Grouping.COHORT:
        return sorted(seen, key=lambda text: (not text.isdigit(), text))
    if grouping is Grouping.ROLE:  # up the ladder, as the roles are listed
        ladder = list(ROLE_LABELS.values())
        return sorted(seen, key=lambda text: (ladder.index(text) if text in ladder else 99, text))
    return sorted(seen, key=lambda text: (text == NOT_RECORDED, text.casefold()))
