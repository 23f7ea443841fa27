"""Agency engagement records for a synthetic council: one per agency spell, with a realistic few
breaches of the DfE agency rules (a short notice period, a missing practice-based reference, a
rate above the placeholder cap without both sign-offs, now and then too little experience or a
return as agency soon after leaving a substantive role in the region).

Drawn from a stream of its own (:data:`AGENCY_STREAM`, a fixed child of the council's seed), so
every other generated frame stays as it was."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

AGENCY_STREAM = 1016  # the spawn key of the agency records' stream: issue 16, part 6
AGENCIES = ("Northgate Social Care", "Pennine Locums", "Brightpath Recruitment", "Cobalt Care")
JOB_TYPE = {
    "asye": "social_worker",
    "social_worker": "social_worker",
    "senior_social_worker": "senior_social_worker",
    "advanced_practitioner": "advanced_practitioner",
    "team_manager": "team_manager",
    "service_manager": "team_manager",
    "senior_manager": "team_manager",
}
BASE_PAY = {
    "social_worker": 33.0,
    "senior_social_worker": 37.0,
    "advanced_practitioner": 41.0,
    "team_manager": 45.0,
    "iro_or_chair": 41.0,
}
# Chances of each kind of gap in an engagement's record.
SHORT_NOTICE = 0.08
NO_REFERENCE = 0.05
ABOVE_CAP = 0.10
SIGNED_OFF = 0.6
LOW_PQE = 0.04
RECENT_SUBSTANTIVE = 0.04


def agency_rng(entropy: int | tuple[int, ...] | list[int]) -> np.random.Generator:
    """The agency records' stream: a child of the council's seed with its own spawn key."""
    return np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(AGENCY_STREAM,)))


def engagements_frame(
    rng: np.random.Generator,
    *,
    spells: pl.DataFrame,
    workers: pl.DataFrame,
    council: str,
    region: str,
) -> pl.DataFrame:
    """One engagement per agency spell of a case-holding or managing role (storage columns,
    local ids; ``worker_id`` local)."""
    agency = spells.filter(
        (pl.col("contract") == "agency") & pl.col("role").is_in(list(JOB_TYPE))
    ).sort("id")
    qualified = dict(
        zip(workers["id"].to_list(), workers["qualification_date"].to_list(), strict=True)
    )
    rows = []
    for number, spell in enumerate(agency.to_dicts(), start=1):
        start: date = spell["start_date"]
        job = JOB_TYPE[spell["role"]]
        draws = rng.random(8)
        pay = round(BASE_PAY[job] + float(rng.normal(0.0, 1.5)), 2)
        above = draws[0] < ABOVE_CAP
        if above:
            pay = round(BASE_PAY[job] + 9.0 + float(rng.uniform(0.5, 4.0)), 2)
        on_costs = round(pay * 0.14, 2)
        signed = above and draws[1] < SIGNED_OFF
        pqe_from = qualified.get(spell["worker_id"]) or start - timedelta(days=365 * 6)
        if draws[2] < LOW_PQE:
            pqe_from = start - timedelta(days=int(rng.integers(400, 1000)))
        elif pqe_from > start - timedelta(days=365 * 3 + 1):
            pqe_from = start - timedelta(days=int(rng.integers(1200, 4000)))
        previous: tuple[str | None, str | None, date | None] = (None, None, None)
        if draws[3] < RECENT_SUBSTANTIVE:
            previous = (council, region, start - timedelta(days=int(rng.integers(20, 80))))
        elif draws[3] < 0.30:
            previous = ("888", "London", start - timedelta(days=int(rng.integers(30, 900))))
        notice = 2.0 if draws[4] < SHORT_NOTICE else float(rng.choice([4.0, 4.0, 6.0, 8.0]))
        reference = not draws[5] < NO_REFERENCE
        rows.append(
            {
                "id": number,
                "worker_id": spell["worker_id"],
                "agency": AGENCIES[int(rng.integers(len(AGENCIES)))],
                "job_type": job,
                "start_date": start,
                "end_date": spell["end_date"],
                "pay_rate": pay,
                "on_costs": on_costs,
                "agency_fee": round(float(rng.uniform(5.0, 12.0)), 2),
                "pqe_date": pqe_from,
                "pqe_years": None,
                "pqe_evidence": "Social Work England register and employment history",
                "previous_council": previous[0],
                "previous_region": previous[1],
                "previous_end_date": previous[2],
                "previous_exemption": None,
                "notice_weeks": notice,
                "reference_practice_based": reference,
                "reference_date": start - timedelta(days=int(rng.integers(5, 30)))
                if reference
                else None,
                "director_signoff_date": start - timedelta(days=3) if signed else None,
                "chief_executive_signoff_date": start - timedelta(days=1) if signed else None,
                "project_team": bool(draws[6] < 0.05),
                "external_id": None,
            }
        )
    return pl.DataFrame(rows, schema=SCHEMA)


SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "id": pl.Int64,
    "worker_id": pl.Int64,
    "agency": pl.Utf8,
    "job_type": pl.Utf8,
    "start_date": pl.Date,
    "end_date": pl.Date,
    "pay_rate": pl.Float64,
    "on_costs": pl.Float64,
    "agency_fee": pl.Float64,
    "pqe_date": pl.Date,
    "pqe_years": pl.Float64,
    "pqe_evidence": pl.Utf8,
    "previous_council": pl.Utf8,
    "previous_region": pl.Utf8,
    "previous_end_date": pl.Date,
    "previous_exemption": pl.Utf8,
    "notice_weeks": pl.Float64,
    "reference_practice_based": pl.Boolean,
    "reference_date": pl.Date,
    "director_signoff_date": pl.Date,
    "chief_executive_signoff_date": pl.Date,
    "project_team": pl.Boolean,
    "external_id": pl.Utf8,
}
