"""Case file audits: the grades (overall and by domain), how moderation changed them, how far
auditors and moderators agree (Cohen's kappa) and the learning themes, for audits in a period.

**The final grade** of an audit is the moderated grade when it was moderated, else the auditor's
overall grade. Grades are ordinal, best first (:data:`AUDIT_GRADES`); the *grade score* is 4
for outstanding, 3 good, 2 requires improvement, 1 inadequate (higher is better).

**Agreement.** Over the moderated audits with both grades: the share where the moderator kept
the auditor's grade, the share moved up (to a better grade) and moved down, and Cohen's kappa
between the auditor's and the moderator's grades, unweighted and linear-weighted
(:func:`cohen_kappa`). With fewer than :data:`MIN_KAPPA_AUDITS` moderated audits no kappa is
given (a note says why).

**Themes**: each audit's themes, trimmed and lower-cased, counted once per audit.

Percentages are rounded to 1 dp, halves away from zero, each from the unrounded counts, so a
distribution's shares may sum to 99.9 or 100.1."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from caseload.caseloads.definitions import Figure
from caseload.census.definitions import Direction
from caseload.domain.practice_records import AUDIT_GRADE_LABELS, AUDIT_GRADES
from caseload.practice.schedule import share

GRADE_SCORES: Final = {"outstanding": 4, "good": 3, "requires_improvement": 2, "inadequate": 1}
GOOD_OR_BETTER: Final = ("outstanding", "good")
MIN_KAPPA_AUDITS: Final = 10

FIGURES: Final = (
    Figure(
        "audit_grades",
        "Case file audit grades",
        "% of audits",
        Direction.HIGHER_BETTER,
        "audits in the period with each final grade (moderated grade when moderated, else the "
        "auditor's) / audits in the period with a grade; by domain the same over the domain "
        "grades",
        "caseload.practice.audits.grade_distribution",
    ),
    Figure(
        "moderation_agreement",
        "Moderation agreement",
        "% of moderated audits; kappa",
        Direction.HIGHER_BETTER,
        "moderated audits whose moderated grade equals the auditor's / moderated audits; "
        "moved up, moved down the same; Cohen's kappa (p_o - p_e) / (1 - p_e), unweighted and "
        "linear-weighted, with its large-sample standard error",
        "caseload.practice.audits.moderation_agreement",
    ),
)


def final_grade() -> pl.Expr:
    """The grade an audit counts with: moderated when moderated, else the auditor's."""
    return pl.coalesce("moderated_grade", "overall_grade")


def grade_score(grade: pl.Expr) -> pl.Expr:
    """4 outstanding, 3 good, 2 requires improvement, 1 inadequate; null for anything else."""
    return grade.replace_strict(GRADE_SCORES, default=None, return_dtype=pl.Int64)


def audits_between(audits: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """Audits dated ``start`` to ``end`` inclusive."""
    return audits.filter(pl.col("audit_date").is_between(start, end))


def _grades_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "grade": list(AUDIT_GRADES),
            "label": [AUDIT_GRADE_LABELS[g] for g in AUDIT_GRADES],
            "_order": list(range(len(AUDIT_GRADES))),
        }
    )


def _distribution(graded: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Counts and shares of ``grade`` over ``keys`` groups, every grade listed (0 when none)."""
    counts = graded.group_by([*keys, "grade"]).agg(pl.len().cast(pl.Int64).alias("audits"))
    groups = counts.select(keys).unique() if keys else pl.DataFrame({"_all": [0]})
    grid = groups.join(_grades_frame(), how="cross")
    on = [*keys, "grade"]
    frame = grid.join(counts, on=on, how="left").with_columns(pl.col("audits").fill_null(0))
    total = pl.col("audits").sum().over(keys) if keys else pl.col("audits").sum()
    frame = frame.with_columns(share(pl.col("audits"), total).alias("share"))
    return frame.sort([*keys, "_order"]).select([*keys, "grade", "label", "audits", "share"])


def grade_distribution(audits: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """grade, label, audits, share (% of graded audits in the period, 1 dp): the final grades
    of audits dated ``start`` to ``end``, best first, every grade listed. Audits with no grade
    (or one that is not a known grade) are left out."""
    graded = (
        audits_between(audits, start, end)
        .select(final_grade().alias("grade"))
        .filter(pl.col("grade").is_in(AUDIT_GRADES))
    )
    return _distribution(graded, [])


def domain_grade_distribution(
    audits: pl.DataFrame, audit_grades: pl.DataFrame, start: date, end: date
) -> pl.DataFrame:
    """domain, grade, label, audits, share (% of that domain's grades, 1 dp): the domain grades
    of audits dated ``start`` to ``end`` (as the auditor gave them; moderation grades only the
    whole audit)."""
    chosen = audits_between(audits, start, end).select("audit_id")
    graded = audit_grades.join(chosen, on="audit_id", how="semi").filter(
        pl.col("grade").is_in(AUDIT_GRADES)
    )
    return _distribution(graded.select("domain", "grade"), ["domain"])


def grade_summary(graded: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Over ``keys`` groups of a frame with a ``grade`` column (final grades): audits,
    good_or_better, share_good_or_better (%, 1 dp), mean_score (2 dp)."""
    measures = (
        pl.len().cast(pl.Int64).alias("audits"),
        pl.col("grade").is_in(GOOD_OR_BETTER).sum().cast(pl.Int64).alias("good_or_better"),
        grade_score(pl.col("grade")).mean().alias("mean_score"),
    )
    known = graded.filter(pl.col("grade").is_in(AUDIT_GRADES))
    frame = known.group_by(keys).agg(*measures) if keys else known.select(*measures)
    return frame.with_columns(
        share(pl.col("good_or_better"), pl.col("audits")).alias("share_good_or_better"),
        pl.col("mean_score").round(2, mode="half_away_from_zero"),
    ).select([*keys, "audits", "good_or_better", "share_good_or_better", "mean_score"])


# --- kappa --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kappa:
    """Cohen's kappa between two raters over ``n`` items: ``value`` (null when undefined: no
    items, or chance agreement 1 because both raters used one and the same category throughout)
    and its large-sample standard error ``se``."""

    value: float | None
    se: float | None
    n: int
    observed: float | None  # p_o, the (weighted) observed agreement
    expected: float | None  # p_e, the (weighted) agreement expected by chance


def kappa_weights(categories: int, weighting: Literal["none", "linear"]) -> npt.NDArray[np.float64]:
    """Agreement weights w_ij: 1 on the diagonal; off it 0 (``none``) or 1 - |i - j| / (k - 1)
    (``linear``, for an ordinal scale of k categories)."""
    index = np.arange(categories)
    distance = np.abs(index[:, None] - index[None, :]).astype(np.float64)
    weights: npt.NDArray[np.float64]
    if weighting == "none" or categories < 2:
        weights = (distance == 0).astype(np.float64)
    else:
        weights = 1.0 - distance / (categories - 1)
    return weights


def cohen_kappa(table: npt.ArrayLike, weighting: Literal["none", "linear"] = "none") -> Kappa:
    """Cohen's kappa from a k x k table of counts (rows: the first rater's category, columns:
    the second's, categories in the same order).

    With n the total, p_ij = n_ij / n, row and column shares p_i. and p_.j and agreement
    weights w_ij (:func:`kappa_weights`):

    - p_o = sum_ij w_ij p_ij, p_e = sum_ij w_ij p_i. p_.j, kappa = (p_o - p_e) / (1 - p_e);
    - standard error (Fleiss, Cohen and Everitt 1969, not assuming kappa is 0), with
      wbar_i = sum_j w_ij p_.j and wbar_j = sum_i w_ij p_i.:
      se^2 = [sum_ij p_ij (w_ij - (wbar_i + wbar_j)(1 - kappa))^2
              - (kappa - p_e (1 - kappa))^2] / (n (1 - p_e)^2).

    Unweighted (w = identity) this is Cohen's 1960 kappa. Example: the 2 x 2 table
    [[20, 5], [10, 15]] has p_o = 0.7, p_e = 0.5 x 0.6 + 0.5 x 0.4 = 0.5, kappa = 0.4."""
    counts = np.asarray(table, dtype=np.float64)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError("a kappa table must be square")
    n = float(counts.sum())
    if n <= 0:
        return Kappa(None, None, 0, None, None)
    p = counts / n
    rows = p.sum(axis=1)
    columns = p.sum(axis=0)
    w = kappa_weights(counts.shape[0], weighting)
    observed = float((w * p).sum())
    expected = float((w * np.outer(rows, columns)).sum())
    if expected >= 1.0 - 1e-12:
        return Kappa(None, None, int(n), observed, expected)
    kappa = (observed - expected) / (1.0 - expected)
    row_mean = w @ columns  # wbar_i
    column_mean = rows @ w  # wbar_j
    spread = w - (row_mean[:, None] + column_mean[None, :]) * (1.0 - kappa)
    variance = (float((p * spread**2).sum()) - (kappa - expected * (1.0 - kappa)) ** 2) / (
        n * (1.0 - expected) ** 2
    )
    return Kappa(kappa, float(np.sqrt(max(variance, 0.0))), int(n), observed, expected)


def grade_table(first: pl.Series, second: pl.Series) -> npt.NDArray[np.int64]:
    """The 4 x 4 table of counts of two graders' grades (rows ``first``, columns ``second``,
    best grade first); pairs where either grade is not a known grade are left out."""
    index = {grade: i for i, grade in enumerate(AUDIT_GRADES)}
    pairs = pl.DataFrame({"a": first, "b": second}).filter(
        pl.col("a").is_in(AUDIT_GRADES) & pl.col("b").is_in(AUDIT_GRADES)
    )
    rows = pairs["a"].replace_strict(index, return_dtype=pl.Int64).to_numpy()
    columns = pairs["b"].replace_strict(index, return_dtype=pl.Int64).to_numpy()
    table = np.zeros((len(AUDIT_GRADES), len(AUDIT_GRADES)), dtype=np.int64)
    np.add.at(table, (rows, columns), 1)
    return table


# --- moderation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModerationAgreement:
    """How moderation went for the audits of a period (see the module docstring)."""

    audits: int  # audits in the period
    moderated: int  # of which moderated, with both grades known
    agreed: int
    moved_up: int  # moderated to a better grade
    moved_down: int  # moderated to a worse grade
    agreed_share: float | None  # % of moderated, 1 dp
    moved_up_share: float | None
    moved_down_share: float | None
    kappa: Kappa | None  # unweighted; None with fewer than MIN_KAPPA_AUDITS
    weighted_kappa: Kappa | None  # linear-weighted
    table: tuple[tuple[int, ...], ...]  # auditor (rows) x moderator (columns), best first
    note: str | None


def _percent(part: int, whole: int) -> float | None:
    if whole == 0:
        return None
    value = pl.Series([100.0 * part / whole]).round(1, mode="half_away_from_zero")[0]
    return float(value)


def moderation_agreement(audits: pl.DataFrame, start: date, end: date) -> ModerationAgreement:
    """Agreement between auditors and moderators over the audits dated ``start`` to ``end``
    that were moderated (both the auditor's and the moderated grade known)."""
    chosen = audits_between(audits, start, end)
    moderated = chosen.filter(
        pl.col("overall_grade").is_in(AUDIT_GRADES) & pl.col("moderated_grade").is_in(AUDIT_GRADES)
    )
    auditor = grade_score(pl.col("overall_grade"))
    moderator = grade_score(pl.col("moderated_grade"))
    counts = moderated.select(
        (auditor == moderator).sum().alias("agreed"),
        (moderator > auditor).sum().alias("up"),
        (moderator < auditor).sum().alias("down"),
    ).row(0)
    agreed, up, down = (int(value or 0) for value in counts)
    n = moderated.height
    table = grade_table(moderated["overall_grade"], moderated["moderated_grade"])
    kappa: Kappa | None = None
    weighted: Kappa | None = None
    note: str | None = None
    if n == 0:
        note = "No audits in the period were moderated."
    elif n < MIN_KAPPA_AUDITS:
        note = (
            f"Only {n} moderated audit(s) in the period: kappa needs at least "
            f"{MIN_KAPPA_AUDITS} to mean anything, so it is not shown."
        )
    else:
        kappa = cohen_kappa(table, "none")
        weighted = cohen_kappa(table, "linear")
        if kappa.value is None:
            note = (
                "Auditors and moderators gave every audit the same single grade: agreement is "
                "complete but kappa is not defined."
            )
    return ModerationAgreement(
        audits=chosen.height,
        moderated=n,
        agreed=agreed,
        moved_up=up,
        moved_down=down,
        agreed_share=_percent(agreed, n),
        moved_up_share=_percent(up, n),
        moved_down_share=_percent(down, n),
        kappa=kappa,
        weighted_kappa=weighted,
        table=tuple(tuple(int(v) for v in row) for row in table),
        note=note,
    )


# --- themes -------------------------------------------------------------------------------------


def theme_counts(audits: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """theme, audits (audits in the period naming it, each once), share (% of audits in the
    period, 1 dp): most named first, then by theme. Themes are trimmed and lower-cased."""
    chosen = audits_between(audits, start, end)
    total = chosen.height
    themes = (
        chosen.select("audit_id", "themes")
        .explode("themes")
        .select("audit_id", pl.col("themes").str.strip_chars().str.to_lowercase().alias("theme"))
        .filter(pl.col("theme").is_not_null() & (pl.col("theme") != ""))
        .unique()
    )
    return (
        themes.group_by("theme")
        .agg(pl.len().cast(pl.Int64).alias("audits"))
        .with_columns(share(pl.col("audits"), pl.lit(total)).alias("share"))
        .sort(["audits", "theme"], descending=[True, False])
    )
