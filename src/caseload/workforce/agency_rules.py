"""The agency rules for child and family social workers (DfE statutory guidance, 31 October 2024),
one function per rule, each taking the engagements in scope and returning the breaches with their
evidence in plain words.

An **engagement** is one agency worker's assignment with the council (``ENGAGEMENT_SCHEMA``). The
rules, with the guidance's values as defaults (:class:`AgencyRuleSettings`):

- ``pqe``: at least 3 years' post-qualifying experience in child and family social work on the day
  the engagement starts (qualified on 1 March 2022: 1 March 2025 is the first day allowed);
- ``cooling_off``: not engaged as agency within 3 months of leaving a substantive role in the same
  council or a council of the same region (left on 30 November: 28 February is the first day
  allowed), unless the worker was made redundant, left in probation or the guidance's other
  exceptions apply (``previous_exemption``); the council's own staff records count too: an own
  spell with the council ending less than 3 months before the agency start, not ended by
  redundancy, is a breach;
- ``notice``: a notice period of at least 4 weeks (or the council's own for the substantive role
  when shorter);
- ``reference``: a practice-based reference;
- ``price_cap``: the hourly pay rate plus employer on-costs (national insurance, apprenticeship
  levy) at or under the region's cap for the job type, else both the director's and the chief
  executive's sign-off.

Scope: engagements active on the day that started on or after ``new_assignments_from``, and every
active engagement from ``all_assignments_from``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from caseload.domain.agency_records import ENGAGEMENT_SCHEMA as ENGAGEMENT_SCHEMA
from caseload.workforce.agency_caps import AgencyRuleSettings

RULES: dict[str, str] = {
    "pqe": "At least 3 years' post-qualifying experience",
    "cooling_off": "Not agency within 3 months of leaving a substantive role in the region",
    "notice": "A notice period of at least 4 weeks",
    "reference": "A practice-based reference",
    "price_cap": "Within the regional price cap, or signed off by the director and chief executive",
}
BREACH_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "engagement_id": pl.Int64,
    "worker_id": pl.Int64,
    "rule": pl.Utf8,
    "evidence": pl.Utf8,
}
# Reasons for leaving (census ReasonLeave) that exempt a worker from the cooling-off period:
# voluntary and compulsory redundancy.
REDUNDANCY_REASONS = (2, 3)


def _day(column: str) -> pl.Expr:
    return pl.col(column).dt.strftime("%-d %B %Y")


def _pounds(column: str) -> pl.Expr:
    """£40.12, £40.00: pounds and pence."""
    pence = (pl.col(column) * 100).round().cast(pl.Int64)
    return pl.format("£{}.{}", pence // 100, (pence % 100).cast(pl.Utf8).str.zfill(2))


def _number(column: str) -> pl.Expr:
    """2 for 2.0, 2.5 for 2.5."""
    value = pl.col(column).round(1)
    return (
        pl.when(value == value.round())
        .then(value.cast(pl.Int64).cast(pl.Utf8))
        .otherwise(value.cast(pl.Utf8))
    )


def _breaches(
    frame: pl.DataFrame, rule: str, condition: pl.Expr, evidence: pl.Expr
) -> pl.DataFrame:
    return (
        frame.filter(condition)
        .select(
            "engagement_id", "worker_id", pl.lit(rule).alias("rule"), evidence.alias("evidence")
        )
        .cast(BREACH_SCHEMA)  # type: ignore[arg-type]
    )


def in_scope(engagements: pl.DataFrame, as_at: date, settings: AgencyRuleSettings) -> pl.DataFrame:
    """Engagements active on ``as_at`` to which the rules apply on that day."""
    active = (pl.col("start_date") <= as_at) & (
        pl.col("end_date").is_null() | (pl.col("end_date") >= as_at)
    )
    applies = pl.lit(as_at >= settings.all_assignments_from) | (
        pl.col("start_date") >= settings.new_assignments_from
    )
    return engagements.filter(active & applies)


def pqe_breaches(engagements: pl.DataFrame, settings: AgencyRuleSettings) -> pl.DataFrame:
    """Under the minimum post-qualifying experience on the engagement's first day: from the
    date experience began when recorded, else the years recorded; none recorded is a breach."""
    years = settings.minimum_pqe_years
    enough_from = pl.col("pqe_date").dt.offset_by(f"{years}y")
    short_by_date = pl.col("pqe_date").is_not_null() & (pl.col("start_date") < enough_from)
    short_by_years = (
        pl.col("pqe_date").is_null()
        & pl.col("pqe_years").is_not_null()
        & (pl.col("pqe_years") < years)
    )
    missing = pl.col("pqe_date").is_null() & pl.col("pqe_years").is_null()
    evidence = (
        pl.when(short_by_date)
        .then(
            pl.format(
                "post-qualifying experience from {}, so under {} years on the start day {}",
                _day("pqe_date"),
                pl.lit(years),
                _day("start_date"),
            )
        )
        .when(short_by_years)
        .then(
            pl.format(
                "{} years' post-qualifying experience recorded at the start on {}",
                _number("pqe_years"),
                _day("start_date"),
            )
        )
        .otherwise(pl.lit("no post-qualifying experience recorded"))
    )
    return _breaches(engagements, "pqe", short_by_date | short_by_years | missing, evidence)


def cooling_off_breaches(
    engagements: pl.DataFrame,
    spells: pl.DataFrame,
    *,
    council: str,
    region: str | None,
    settings: AgencyRuleSettings,
) -> pl.DataFrame:
    """Engaged as agency less than the cooling-off period after leaving a substantive role in
    the same council or region: the engagement's recorded previous employment, and the council's
    own staff spells of the same worker (``spells``: worker_id, contract, end_date, end_reason,
    reason_leave)."""
    months = f"{settings.cooling_off_months}mo"
    same_place = (pl.col("previous_council") == council) | (
        pl.lit(region is not None)
        & (pl.col("previous_region").str.to_lowercase() == (region or "").lower())
    )
    recorded = (
        pl.col("previous_end_date").is_not_null()
        & same_place.fill_null(False)
        & pl.col("previous_exemption").is_null()
        & (pl.col("previous_end_date") <= pl.col("start_date"))
        & (pl.col("start_date") < pl.col("previous_end_date").dt.offset_by(months))
    )
    from_record = _breaches(
        engagements,
        "cooling_off",
        recorded,
        pl.format(
            "left a substantive role with council {} ({}) on {} and started as agency on {}",
            pl.col("previous_council").fill_null("not recorded"),
            pl.col("previous_region").fill_null("region not recorded"),
            _day("previous_end_date"),
            _day("start_date"),
        ),
    )
    left = spells.filter(
        (pl.col("contract") == "own")
        & (pl.col("end_reason") == "left")
        & pl.col("end_date").is_not_null()
        & ~pl.col("reason_leave").is_in(REDUNDANCY_REASONS).fill_null(False)
    ).select("worker_id", pl.col("end_date").alias("own_end"))
    own = engagements.join(left, on="worker_id", how="inner").filter(
        (pl.col("own_end") <= pl.col("start_date"))
        & (pl.col("start_date") < pl.col("own_end").dt.offset_by(months))
        & pl.col("previous_exemption").is_null()
    )
    own = own.sort("own_end", descending=True).unique("engagement_id", keep="first")
    from_spells = _breaches(
        own,
        "cooling_off",
        pl.lit(True),
        pl.format(
            "left the council's own staff on {} and started as agency on {}",
            _day("own_end"),
            _day("start_date"),
        ),
    )
    both = pl.concat([from_record, from_spells])
    return both.unique("engagement_id", keep="first", maintain_order=True)


def notice_breaches(engagements: pl.DataFrame, settings: AgencyRuleSettings) -> pl.DataFrame:
    """A notice period shorter than required, or none recorded."""
    weeks = settings.notice_weeks_required
    short = pl.col("notice_weeks").is_null() | (pl.col("notice_weeks") < weeks)
    evidence = (
        pl.when(pl.col("notice_weeks").is_null())
        .then(pl.lit("no notice period recorded"))
        .otherwise(
            pl.format(
                "a notice period of {} weeks, under the {} required",
                _number("notice_weeks"),
                pl.lit(weeks),
            )
        )
    )
    return _breaches(engagements, "notice", short, evidence)


def reference_breaches(engagements: pl.DataFrame) -> pl.DataFrame:
    """No practice-based reference recorded."""
    return _breaches(
        engagements,
        "reference",
        ~pl.col("reference_practice_based").fill_null(False),
        pl.lit("no practice-based reference recorded"),
    )


def with_caps(engagements: pl.DataFrame, caps: dict[str, float]) -> pl.DataFrame:
    """The engagements with ``capped_rate`` (pay rate plus on-costs), ``cap`` (null when the
    table has none for the job type), ``above_cap`` and ``signed_off`` (both sign-offs dated)."""
    table = pl.DataFrame(
        {"job_type": list(caps), "cap": list(caps.values())},
        schema={"job_type": pl.Utf8, "cap": pl.Float64},
    )
    return (
        engagements.join(table, on="job_type", how="left")
        .with_columns(
            (pl.col("pay_rate") + pl.col("on_costs").fill_null(0.0)).alias("capped_rate"),
        )
        .with_columns(
            (pl.col("capped_rate") > pl.col("cap")).fill_null(False).alias("above_cap"),
            (
                pl.col("director_signoff_date").is_not_null()
                & pl.col("chief_executive_signoff_date").is_not_null()
            ).alias("signed_off"),
        )
    )


def price_cap_breaches(engagements: pl.DataFrame, caps: dict[str, float]) -> pl.DataFrame:
    """Pay rate plus on-costs above the region's cap for the job type without both sign-offs."""
    capped = with_caps(engagements, caps)
    missing = (
        pl.when(
            pl.col("director_signoff_date").is_null()
            & pl.col("chief_executive_signoff_date").is_null()
        )
        .then(pl.lit("no sign-off"))
        .when(pl.col("director_signoff_date").is_null())
        .then(pl.lit("no director's sign-off"))
        .otherwise(pl.lit("no chief executive's sign-off"))
    )
    return _breaches(
        capped,
        "price_cap",
        pl.col("above_cap") & ~pl.col("signed_off"),
        pl.format(
            "{} an hour (pay and on-costs) against a cap of {} for the job type; {}",
            _pounds("capped_rate"),
            _pounds("cap"),
            missing,
        ),
    )


@dataclass(frozen=True)
class RuleCheck:
    """The engagements in scope on a day, every breach (``BREACH_SCHEMA``) and each rule's
    compliance (``compliance``: rule, label, engagements, meeting, share)."""

    as_at: date
    engagements: pl.DataFrame
    breaches: pl.DataFrame
    compliance: pl.DataFrame


def check_rules(
    engagements: pl.DataFrame,
    spells: pl.DataFrame,
    *,
    as_at: date,
    council: str,
    region: str | None,
    caps: dict[str, float],
    settings: AgencyRuleSettings,
) -> RuleCheck:
    """Every rule on the engagements in scope on ``as_at``."""
    scoped = in_scope(engagements, as_at, settings)
    breaches = pl.concat(
        [
            pqe_breaches(scoped, settings),
            cooling_off_breaches(scoped, spells, council=council, region=region, settings=settings),
            notice_breaches(scoped, settings),
            reference_breaches(scoped),
            price_cap_breaches(scoped, caps),
        ]
    ).sort("rule", "engagement_id")
    return RuleCheck(as_at, scoped, breaches, compliance(scoped.height, breaches))


def compliance(engagements: int, breaches: pl.DataFrame) -> pl.DataFrame:
    """For each rule: the engagements assessed, those meeting it and the share meeting it (%,
    1 dp; null when no engagement is in scope)."""
    counts = breaches.group_by("rule").agg(pl.col("engagement_id").n_unique().alias("breaches"))
    rules = pl.DataFrame({"rule": list(RULES), "label": list(RULES.values())})
    return (
        rules.join(counts, on="rule", how="left")
        .with_columns(
            pl.lit(engagements, dtype=pl.Int64).alias("engagements"),
            pl.col("breaches").fill_null(0).cast(pl.Int64),
        )
        .with_columns((pl.col("engagements") - pl.col("breaches")).alias("meeting"))
        .with_columns(
            pl.when(pl.col("engagements") > 0)
            .then((pl.col("meeting") / pl.col("engagements") * 100).round(1))
            .otherwise(None)
            .alias("share")
        )
        .select("rule", "label", "engagements", "meeting", "breaches", "share")
    )
