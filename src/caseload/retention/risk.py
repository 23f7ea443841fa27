"""The leaving-risk model: a Cox proportional hazards model with time-varying covariates, fitted
to the person-month panel (:func:`caseload.retention.covariates.person_months`), and the people
a stay conversation is suggested for.

- The time scale is length of continuous service, so the model compares people at the same
  length of service (the 2-3 year peak is in the baseline, not in the covariates). People who
  joined before the months observed enter at their length of service then (delayed entry).
- The model is lifelines' ``CoxTimeVaryingFitter`` with a small ridge penalty
  (:data:`PENALIZER`) so a rare covariate cannot run away. A covariate with one value for
  everybody cannot be estimated and is left out (``not_estimated``).
- A *hazard ratio* is how many times likelier leaving is, in any month, for one step more of the
  covariate (a month over cap; 10 percentage points of team turnover), the others held equal,
  with its 95% confidence interval.
- The *relative risk* of a person-month is exp(sum of coefficient x (value - the panel's mean)):
  1 is as likely to leave as the average person-month at the same length of service, 2 twice.
- The *concordance index* (Harrell's C with time-varying covariates) is, over every pair of a
  person who left at some length of service and a person still in service at that length, the
  share where the leaver had the higher relative risk then (ties count a half). 0.5 is no better
  than chance, 1 perfect. It is measured on the data the model learnt from, so it flatters the
  model a little.

It is association, not cause (:data:`CAVEAT`). Frames in, frames and dataclasses out."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import polars as pl

from caseload.retention.covariates import COVARIATE_NAMES, COVARIATES, Covariate
from caseload.retention.flows import TwoYearPoint

PENALIZER = 0.01
MIN_LEAVERS = 5
TOP_SHARE = 0.2
RISE_FACTOR = 1.5
RISE_MONTHS = 6
CAVEAT = (
    "These figures show association, not cause. People who held more cases than their cap, or "
    "changed manager often, left more often in this council's records, but the model cannot "
    "say that one caused the other: something else (the team, the work, life outside work) may "
    "lie behind both. Use it to choose whom to talk to, never to judge a person."
)


@dataclass(frozen=True)
class HazardRatio:
    """One covariate's result: ``ratio`` and its 95% interval (``low``, ``high``) per
    ``covariate.per`` units; all None when it could not be estimated."""

    covariate: Covariate
    ratio: float | None
    low: float | None
    high: float | None
    coefficient: float | None

    @property
    def estimated(self) -> bool:
        return self.ratio is not None


@dataclass(frozen=True)
class LeavingRiskModel:
    """The fitted model (``fitted`` False, with ``why_not``, when there is too little to learn
    from) and its summary figures."""

    as_at: date
    observed_from: date
    people: int
    leavers: int
    person_months: int
    fitted: bool
    ratios: tuple[HazardRatio, ...]
    concordance: float | None
    means: dict[str, float] = field(default_factory=dict)
    why_not: str | None = None
    caveat: str = CAVEAT
    penalizer: float = PENALIZER
    struggled: bool = False
    """lifelines warned that the fit was hard (a condition nearly separates leavers from
    stayers, usually with few leavers): the ranges are wide and the ratios shaky."""

    def ratio(self, name: str) -> HazardRatio:
        return next(r for r in self.ratios if r.covariate.name == name)

    @property
    def linked(self) -> frozenset[str]:
        """The covariates clearly linked with leaving: their whole 95% interval above 1."""
        return frozenset(r.covariate.name for r in self.ratios if r.low is not None and r.low > 1.0)

    @property
    def coefficients(self) -> dict[str, float]:
        return {r.covariate.name: r.coefficient for r in self.ratios if r.coefficient is not None}


def _unfitted(panel: pl.DataFrame, as_at: date, observed_from: date, why: str) -> LeavingRiskModel:
    return LeavingRiskModel(
        as_at=as_at,
        observed_from=observed_from,
        people=_people(panel),
        leavers=int(panel["event"].sum()),
        person_months=panel.height,
        fitted=False,
        ratios=tuple(HazardRatio(c, None, None, None, None) for c in COVARIATES),
        concordance=None,
        why_not=why,
    )


def _people(panel: pl.DataFrame) -> int:
    return panel.select("worker_id", "episode").unique().height


def fit_leaving_risk(
    panel: pl.DataFrame,
    *,
    as_at: date,
    observed_from: date,
    penalizer: float = PENALIZER,
    min_leavers: int = MIN_LEAVERS,
) -> LeavingRiskModel:
    """Fit the Cox model to ``panel`` (columns of
    :data:`~caseload.retention.covariates.PANEL_COLUMNS`) and measure its concordance."""
    leavers = int(panel["event"].sum())
    if leavers < min_leavers:
        return _unfitted(
            panel,
            as_at,
            observed_from,
            f"{leavers} people left in the months observed; the model needs at least "
            f"{min_leavers} leavers to learn from",
        )
    varying = [name for name in COVARIATE_NAMES if panel[name].n_unique() > 1]
    if not varying:
        return _unfitted(
            panel, as_at, observed_from, "every person-month has the same working conditions"
        )
    import pandas as pd  # lifelines reads pandas; imported here, with it
    from lifelines import CoxTimeVaryingFitter  # imported here: slow, and only needed to fit

    chosen = panel.with_columns(
        (pl.col("worker_id") * 1000 + pl.col("episode").cast(pl.Int64)).alias("_id"),
        pl.col("event").cast(pl.Int64),
        pl.col("start").cast(pl.Float64),
        pl.col("stop").cast(pl.Float64),
    ).select("_id", "start", "stop", "event", *varying)
    frame = pd.DataFrame({name: chosen[name].to_numpy() for name in chosen.columns})
    fitter = CoxTimeVaryingFitter(penalizer=penalizer)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fitter.fit(
            frame,
            id_col="_id",
            event_col="event",
            start_col="start",
            stop_col="stop",
            show_progress=False,
        )
    struggled = any("converg" in type(w.message).__name__.lower() for w in caught)
    summary: Any = fitter.summary
    ratios = []
    for covariate in COVARIATES:
        if covariate.name not in varying:
            ratios.append(HazardRatio(covariate, None, None, None, None))
            continue
        row = summary.loc[covariate.name]
        step = covariate.per
        ratios.append(
            HazardRatio(
                covariate,
                ratio=math.exp(float(row["coef"]) * step),
                low=math.exp(float(row["coef lower 95%"]) * step),
                high=math.exp(float(row["coef upper 95%"]) * step),
                coefficient=float(row["coef"]),
            )
        )
    averages = panel.select(pl.col(name).cast(pl.Float64).mean() for name in COVARIATE_NAMES)
    means = {name: float(averages[name][0] or 0.0) for name in COVARIATE_NAMES}
    model = LeavingRiskModel(
        as_at=as_at,
        observed_from=observed_from,
        people=_people(panel),
        leavers=leavers,
        person_months=panel.height,
        fitted=True,
        ratios=tuple(ratios),
        concordance=None,
        means=means,
        penalizer=penalizer,
        struggled=struggled,
    )
    scored = with_relative_risk(panel, model)
    return replace(model, concordance=concordance_index(scored))


def relative_risk(model: LeavingRiskModel) -> pl.Expr:
    """exp(sum of coefficient x (covariate - panel mean)): 1 for the average person-month."""
    terms = [
        pl.lit(coefficient) * (pl.col(name).cast(pl.Float64) - model.means.get(name, 0.0))
        for name, coefficient in model.coefficients.items()
    ]
    return pl.sum_horizontal(terms).exp() if terms else pl.lit(1.0)


def with_relative_risk(panel: pl.DataFrame, model: LeavingRiskModel) -> pl.DataFrame:
    """``panel`` with ``relative_risk`` (see the module's description)."""
    return panel.with_columns(relative_risk(model).alias("relative_risk"))


def concordance_index(scored: pl.DataFrame) -> float | None:
    """Harrell's C with time-varying covariates on a panel with ``relative_risk``: for each
    leaving (a row with ``event``, at service length ``stop``), every other episode's row at
    risk then (``start`` < stop <= its ``stop``, not leaving at that same length) is a pair;
    the pair is concordant when the leaver's risk is higher, half when equal. None with no
    pairs."""
    keyed = scored.select("worker_id", "episode", "start", "stop", "event", "relative_risk")
    leavings = keyed.filter(pl.col("event")).select(
        pl.col("worker_id").alias("_who"),
        pl.col("episode").alias("_which"),
        pl.col("stop").alias("_when"),
        pl.col("relative_risk").alias("_risk"),
    )
    pairs = leavings.join_where(
        keyed,
        pl.col("start") < pl.col("_when"),
        pl.col("stop") >= pl.col("_when"),
    ).filter(
        ~((pl.col("worker_id") == pl.col("_who")) & (pl.col("episode") == pl.col("_which")))
        & ~(pl.col("event") & (pl.col("stop") == pl.col("_when")))
    )
    if pairs.height == 0:
        return None
    score = (
        pl.when(pl.col("_risk") > pl.col("relative_risk"))
        .then(1.0)
        .when(pl.col("_risk") == pl.col("relative_risk"))
        .then(0.5)
        .otherwise(0.0)
    )
    found: float = pairs.select(score.mean()).item()
    return found


# --- stay conversations ----------------------------------------------------------------------


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def factor_words(row: dict[str, Any], model: LeavingRiskModel) -> list[str]:
    """The working conditions behind a person's risk, in plain words: each covariate clearly
    linked with leaving (:attr:`LeavingRiskModel.linked`) where the person's value is above 0."""
    raised = model.linked
    words: list[str] = []
    over = int(row["months_over_cap"])
    if "months_over_cap" in raised and over > 0:
        words.append(f"held more cases than their cap in {over} of the last 6 months")
    changes = int(row["manager_changes"])
    if "manager_changes" in raised and changes > 0:
        words.append(f"changed manager or team {_times(changes)} in the last year")
    spells = int(row["absence_spells"])
    if "absence_spells" in raised and spells > 0:
        plural = "spell" if spells == 1 else "spells"
        words.append(f"{spells} sickness absence {plural} in the last year")
    turnover = float(row["team_turnover"])
    if "team_turnover" in raised and turnover > 0:
        words.append(f"{round(100 * turnover)}% of their team left in the last year")
    return words


STAY_COLUMNS = (
    "worker_id",
    "started",
    "years",
    "team",
    "relative_risk",
    "risk_six_months_ago",
    "top_fifth",
    "risen",
    "approaching_two_years",
    "two_to_three_years",
    "two_years_on",
    "months_over_cap",
    "absence_spells",
    "manager_changes",
    "team_turnover",
)


def stay_conversations(
    panel: pl.DataFrame,
    model: LeavingRiskModel,
    two_years: TwoYearPoint,
    *,
    top_share: float = TOP_SHARE,
    rise: float = RISE_FACTOR,
) -> pl.DataFrame:
    """The own social work staff in post on the model's ``as_at`` to suggest a stay
    conversation for, highest relative risk first (then longest service):

    - approaching two years' service within 6 months, or between two and three years
      (``two_years``, from :func:`caseload.retention.flows.approaching_two_years`);
    - in the top fifth (``top_share``) for relative risk: at least four in five of the staff in
      post have a lower risk;
    - risk risen: at least ``rise`` times their risk six months earlier, and above average now.

    The two risk tests apply only when the model found a working condition clearly linked with
    leaving (:attr:`LeavingRiskModel.linked`): otherwise the differences in risk are noise, and
    only the two-year point applies. Columns: :data:`STAY_COLUMNS`."""
    as_at = model.as_at
    this_month = date(as_at.year, as_at.month, 1)
    back = this_month.month - RISE_MONTHS
    then = date(this_month.year + (back - 1) // 12, (back - 1) % 12 + 1, 1)
    scored = with_relative_risk(panel, model)
    key = ["worker_id", "episode"]
    now = scored.filter((pl.col("month") == this_month) & ~pl.col("event"))
    before = scored.filter(pl.col("month") == then).select(
        *key, pl.col("relative_risk").alias("risk_six_months_ago")
    )
    count = now.height
    below = pl.col("relative_risk").rank("min") - 1
    point = pl.concat(
        [
            two_years.approaching.select(
                "worker_id", "two_years_on", pl.lit(True).alias("approaching_two_years")
            ),
            two_years.two_to_three.select(
                "worker_id", "two_years_on", pl.lit(False).alias("approaching_two_years")
            ),
        ]
    ).with_columns((~pl.col("approaching_two_years")).alias("two_to_three_years"))
    fitted = model.fitted and bool(model.linked)
    # At least four in five of those in post have a lower risk (themselves included in the count).
    top = pl.lit(fitted) & (below / max(count, 1) >= 1 - top_share - 1e-9)
    frame = (
        now.join(before, on=key, how="left")
        .join(point, on="worker_id", how="left")
        .with_columns(
            top.alias("top_fifth"),
            (
                pl.lit(fitted)
                & (pl.col("relative_risk") > 1.0)
                & (pl.col("relative_risk") >= rise * pl.col("risk_six_months_ago"))
            )
            .fill_null(False)
            .alias("risen"),
            pl.col("approaching_two_years", "two_to_three_years").fill_null(False),
            ((pl.lit(as_at) - pl.col("started")).dt.total_days() / 365.25).alias("years"),
        )
    )
    chosen = frame.filter(
        pl.col("top_fifth")
        | pl.col("risen")
        | pl.col("approaching_two_years")
        | pl.col("two_to_three_years")
    )
    return chosen.sort(
        ["relative_risk", "years", "worker_id"], descending=[True, True, False]
    ).select(STAY_COLUMNS)


def reasons_words(row: dict[str, Any], model: LeavingRiskModel) -> list[str]:
    """Why a person is on the stay-conversation list, then the factors behind their risk, in
    plain words."""
    words: list[str] = []
    if row["approaching_two_years"]:
        words.append(
            f"reaches two years' service on {row['two_years_on']:%-d %B %Y}, when leaving peaks"
        )
    if row["two_to_three_years"]:
        words.append("between two and three years' service, when leaving peaks")
    if row["top_fifth"]:
        words.append("in the top fifth of the council for leaving risk")
    if row["risen"] and row["risk_six_months_ago"]:
        times = row["relative_risk"] / row["risk_six_months_ago"]
        words.append(f"leaving risk {times:.1f} times what it was six months ago")
    return words + factor_words(row, model)
