"""Supervision and case file audits for a synthetic council.

- **Supervision**: every own-staff worker in a case-holding role is supervised by their team's
  manager (the head of the service area when the team has none; nobody recorded when neither is
  in post): ASYEs weekly for their first 6 weeks in the role, fortnightly to 6 months, then
  monthly; everyone else monthly. A session is missed more often when the team is short (no
  manager, or under 80% of its funded case-holding FTE) or the worker is over their cap, and
  never held while the worker is absent. Sessions are mostly formal, some group or reflective,
  a few ad hoc.
- **Case file audits**: each month 2-4% of the children with an allocated worker are audited by
  a manager, graded overall and in each domain of the default instrument. Grades are worse on
  average for children of workers above 18 cases per FTE, and worse again above 20; recording is
  graded lower when the worker is over cap, management oversight when the team is short. A
  quarter of audits are moderated by a head of service, who agrees with the grade 80% of the
  time. Each audit notes one to three themes from a fixed list."""

from __future__ import annotations

import numpy as np
import polars as pl

from caseload.domain.practice_records import AUDIT_GRADES
from caseload.synthetic.days import FloatArray, IntArray
from caseload.synthetic.visits import shift
from caseload.synthetic.workload import HOLDING, KEY, Workload, days

ASYE_STEPS = ((42, 7), (182, 14))  # (days since starting as an ASYE, interval) then monthly
MONTHLY = 30
MISSED = 0.05
MISSED_WHEN_SHORT = 0.12
MISSED_WHEN_OVER_CAP = 0.12
KINDS = ("formal", "group", "reflective", "ad_hoc")
KIND_SHARES = (0.82, 0.07, 0.08, 0.03)
MINUTES = {
    "formal": ((60, 75, 90), (0.5, 0.3, 0.2)),
    "group": ((90, 120), (0.5, 0.5)),
    "reflective": ((60, 90), (0.6, 0.4)),
    "ad_hoc": ((15, 30), (0.5, 0.5)),
}
INSTRUMENT = (
    "Case file audit"  # the built-in standards' instrument (reference/practice_standards.yaml)
)
DOMAINS = (
    "Voice of the child",
    "Assessment",
    "Planning",
    "Management oversight",
    "Recording",
    "Impact",
)
DOMAIN_SHIFT = (-0.1, 0.1, -0.1, -0.2, -0.15, -0.05)
THEMES = (
    "voice of the child",
    "management oversight",
    "chronology",
    "multi-agency working",
    "plans not SMART",
    "risk analysis",
    "direct work",
    "family network",
    "recording up to date",
    "timeliness",
)
SAMPLE = (0.02, 0.04)
MODERATED, AGREES = 0.25, 0.8
CUTS = (1.6, 0.05, -1.15)  # latent quality above each: outstanding, good, requires improvement


def supervisions_frame(
    rng: np.random.Generator, spells: pl.DataFrame, load: Workload
) -> pl.DataFrame:
    """The supervision table (local ids, sorted by worker and date)."""
    own = (
        spells.filter((pl.col("contract") == "own") & pl.col("role").is_in(HOLDING))
        .select("worker_id", "team_id", "role", days("start_date"), days("end_date"))
        .sort("worker_id", "start_date")
    )
    asye_start = (
        own.filter(pl.col("role") == "asye")
        .group_by("worker_id")
        .agg(pl.col("start_date").min().alias("asye_from"))
    )
    # Consecutive spells of a worker make one period of supervision.
    joined = pl.col("start_date") <= pl.col("end_date").shift(1).over("worker_id") + 1
    periods = (
        own.with_columns((~joined.fill_null(False)).cum_sum().over("worker_id").alias("_period"))
        .group_by("worker_id", "_period")
        .agg(pl.col("start_date").min(), pl.col("end_date").max())
        .join(asye_start, on="worker_id", how="left")
        .filter(pl.col("end_date") >= load.first)
        .sort("worker_id", "start_date")
    )
    worker = periods["worker_id"].to_numpy()
    end = periods["end_date"].to_numpy()
    asye_from = periods["asye_from"].fill_null(-(2**40)).to_numpy()
    spell_key = own["worker_id"].to_numpy() * KEY + own["start_date"].to_numpy()
    spell_team, spell_role = own["team_id"].to_numpy(), own["role"].to_numpy()
    start = periods["start_date"].to_numpy()
    previous = np.maximum(start, load.first - rng.integers(1, MONTHLY + 1, size=len(start)))
    alive = np.arange(len(worker))
    found_worker, found_day, found_team = [], [], []
    while alive.size:
        who, last_session = worker[alive], previous[alive]
        spell = np.clip(
            np.searchsorted(spell_key, who * KEY + last_session, side="right") - 1, 0, None
        )
        is_asye = spell_role[spell] == "asye"
        tenure = last_session - asye_from[alive]
        interval = np.full(alive.size, MONTHLY)
        for until, every in reversed(ASYE_STEPS):
            interval = np.where(is_asye & (tenure < until), every, interval)
        due = last_session + interval
        probe = np.clip(due, load.first, load.last)
        team = spell_team[
            np.clip(np.searchsorted(spell_key, who * KEY + due, side="right") - 1, 0, None)
        ]
        chance = (
            MISSED
            + MISSED_WHEN_SHORT * load.team_short(team, probe)
            + MISSED_WHEN_OVER_CAP * load.over_cap(who, probe)
        )
        missed = rng.random(alive.size) < chance
        early = rng.integers(0, np.maximum(interval // 4, 1) + 1)
        late = rng.integers(np.maximum(interval // 3, 1), interval + 1)
        calendar = np.zeros(alive.size, dtype=bool)
        day = np.where(
            missed,
            shift(due, late, calendar),
            shift(due, -early, calendar, roll="backward"),
        )
        day = np.maximum(day, last_session + 1)
        within = day <= np.minimum(end[alive], load.last)
        shown = (
            within & (day >= load.first) & ~load.is_absent(who, np.clip(day, load.first, load.last))
        )
        found_worker.append(who[shown])
        found_day.append(day[shown])
        found_team.append(team[shown])
        previous[alive] = day
        alive = alive[within]
    who, day, team = (np.concatenate(x) for x in (found_worker, found_day, found_team))
    manager = load.managers.on(team, day)
    head = load.managers.on(load.parent[team], day)
    supervisor = np.where(manager > 0, manager, head)
    kind = rng.choice(len(KINDS), size=len(day), p=KIND_SHARES)
    minutes = np.zeros(len(day), dtype=np.int64)
    for index, name in enumerate(KINDS):
        values, shares = MINUTES[name]
        chosen = kind == index
        minutes[chosen] = rng.choice(values, size=int(chosen.sum()), p=shares)
    frame = pl.DataFrame(
        {
            "worker_id": who,
            "supervisor_id": supervisor,
            "supervision_date": day,
            "kind": np.array(KINDS)[kind],
            "duration_minutes": minutes,
        }
    ).sort("worker_id", "supervision_date")
    return frame.select(
        pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias("id"),
        pl.col("worker_id").cast(pl.Int64),
        pl.when(pl.col("supervisor_id") > 0).then(pl.col("supervisor_id")).alias("supervisor_id"),
        pl.col("supervision_date").cast(pl.Int32).cast(pl.Date),
        pl.col("kind").cast(pl.Utf8),
        pl.col("duration_minutes").cast(pl.Int64),
        pl.lit(None, dtype=pl.Utf8).alias("external_id"),
    )


def _grade(quality: FloatArray) -> IntArray:
    """Index into AUDIT_GRADES (0 outstanding .. 3 inadequate)."""
    grade: IntArray = (
        (quality <= CUTS[0]).astype(np.int64) + (quality <= CUTS[1]) + (quality <= CUTS[2])
    )
    return grade


def _months(first: int, last: int) -> list[tuple[int, int]]:
    """(first day, last day) of each calendar month that starts in [first, last]."""
    start = np.datetime64(first, "D").astype("datetime64[M]")
    if np.datetime64(first, "D") > start.astype("datetime64[D]"):
        start += 1
    months = []
    while start.astype("datetime64[D]").astype(np.int64) <= last:
        lo = int(start.astype("datetime64[D]").astype(np.int64))
        hi = min(int((start + 1).astype("datetime64[D]").astype(np.int64)) - 1, last)
        months.append((lo, hi))
        start += 1
    return months


def _names(workers: pl.DataFrame, column: str) -> pl.DataFrame:
    return workers.select(
        pl.col("id").alias(column),
        pl.concat_str("first_name", "last_name", separator=" ").alias(f"{column}_name"),
    )


def _sample(
    rng: np.random.Generator, allocated: pl.DataFrame, load: Workload
) -> dict[str, IntArray]:
    """Each month's audited children: audit day, the allocated worker, an auditor (a team
    manager in post) and a possible moderator (a head of service in post)."""
    a_child, a_start, a_end = (
        allocated[c].to_numpy() for c in ("child_id", "start_date", "end_date")
    )
    every_team = np.arange(len(load.parent))
    area = load.parent[every_team] == 0
    found: dict[str, list[IntArray]] = {k: [] for k in ("child", "day", "auditor", "moderator")}
    for lo, hi in _months(load.first, load.last):
        middle = (lo + hi) // 2
        held = np.unique(a_child[(a_start <= middle) & (a_end >= middle)])
        holders = load.managers.on(every_team, np.full(every_team.size, middle))
        if held.size == 0 or not (holders > 0).any():
            continue
        count = min(held.size, max(1, round(held.size * rng.uniform(*SAMPLE))))
        child = rng.choice(held, size=count, replace=False)
        drawn = lo + rng.integers(0, hi - lo + 1, size=count)
        still = np.zeros(count, dtype=np.int64)
        weekday = np.clip(shift(drawn, still, still > 0, roll="backward"), lo, hi)
        day = shift(weekday, still, still > 0)  # a month starting at a weekend rolls forward
        leads = holders[(holders > 0) & ~area]
        heads = holders[(holders > 0) & area]
        leads = leads if leads.size else holders[holders > 0]
        heads = heads if heads.size else holders[holders > 0]
        found["child"].append(child)
        found["day"].append(day)
        found["auditor"].append(rng.choice(leads, size=count))
        found["moderator"].append(rng.choice(heads, size=count))
    return {k: np.concatenate(v) if v else np.zeros(0, dtype=np.int64) for k, v in found.items()}


def _themes(rng: np.random.Generator, n: int) -> pl.Series:
    """One to three distinct themes per audit, joined with '; '."""
    count = rng.integers(1, 4, size=n)
    ranks = np.argsort(rng.random((n, len(THEMES))), axis=1)
    chosen = pl.DataFrame(
        {
            "_audit": np.repeat(np.arange(n), len(THEMES)),
            "_place": np.tile(np.arange(len(THEMES)), n),
            "theme": np.array(THEMES)[ranks.ravel()],
            "_count": np.repeat(count, len(THEMES)),
        }
    ).filter(pl.col("_place") < pl.col("_count"))
    joined = chosen.group_by("_audit").agg(pl.col("theme").str.join("; ")).sort("_audit")
    return joined["theme"]


def audits_frames(
    rng: np.random.Generator,
    allocations: pl.DataFrame,
    workers: pl.DataFrame,
    spells: pl.DataFrame,
    load: Workload,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The case_audit and case_audit_grade tables (local ids, in date order)."""
    allocated = allocations.filter(pl.col("role") == "allocated").select(
        "child_id", "worker_id", days("start_date"), days("end_date")
    )
    sample = _sample(rng, allocated, load)
    worker = load.allocated.on(sample["child"], sample["day"])
    keep = worker > 0
    child, day, worker = sample["child"][keep], sample["day"][keep], worker[keep]
    n = child.size
    placed = spells.select("worker_id", "team_id", days("start_date")).sort(
        "worker_id", "start_date"
    )
    spell_key = placed["worker_id"].to_numpy() * KEY + placed["start_date"].to_numpy()
    at = np.clip(np.searchsorted(spell_key, worker * KEY + day, side="right") - 1, 0, None)
    team = placed["team_id"].to_numpy()[at]
    per_fte = np.nan_to_num(load.per_fte(worker, day))
    pressure = 0.35 * np.clip((per_fte - 18.0) / 2.0, 0.0, 1.0) + 0.4 * (per_fte > 20.0)
    quality = rng.normal(0.0, 1.0, n) - pressure
    overall = _grade(quality)
    moderated = rng.random(n) < MODERATED
    agrees = rng.random(n) < AGREES
    step = np.where(rng.random(n) < 0.6, 1, -1)
    second = np.where(agrees, overall, np.clip(overall + step, 0, 3))
    over = load.over_cap(worker, day)
    short = load.team_short(team, day)
    scores = []
    for domain, offset in zip(DOMAINS, DOMAIN_SHIFT, strict=True):
        extra = -0.3 * over if domain == "Recording" else np.zeros(n)
        extra = -0.3 * short if domain == "Management oversight" else extra
        scores.append(_grade(0.75 * quality + rng.normal(0.0, 0.66, n) + offset + extra))
    grade_of = dict(enumerate(AUDIT_GRADES))
    audits = (
        pl.DataFrame(
            {
                "_audit": np.arange(n),
                "child_id": child,
                "worker_id": worker,
                "auditor": sample["auditor"][keep],
                "audit_date": day,
                "overall": overall,
                "second": np.where(moderated, second, -1),
                "moderator": np.where(moderated, sample["moderator"][keep], 0),
                "themes": _themes(rng, n),
            }
        )
        .join(_names(workers, "auditor"), on="auditor", how="left")
        .join(_names(workers, "moderator"), on="moderator", how="left")
        .sort("audit_date", "child_id")
        .with_columns(pl.int_range(1, n + 1, dtype=pl.Int64).alias("id"))
    )
    audit_frame = audits.select(
        "id",
        pl.col("child_id").cast(pl.Int64),
        pl.col("worker_id").cast(pl.Int64),
        pl.col("auditor_name").alias("auditor"),
        pl.col("audit_date").cast(pl.Int32).cast(pl.Date),
        pl.lit(INSTRUMENT).alias("instrument"),
        pl.col("overall").replace_strict(grade_of, return_dtype=pl.Utf8).alias("overall_grade"),
        pl.col("second")
        .replace_strict(grade_of, default=None, return_dtype=pl.Utf8)
        .alias("moderated_grade"),
        pl.col("moderator_name").alias("moderator"),
        "themes",
        pl.lit(None, dtype=pl.Utf8).alias("external_id"),
    )
    by_domain = pl.DataFrame(
        {
            "_audit": np.tile(np.arange(n), len(DOMAINS)),
            "_order": np.repeat(np.arange(len(DOMAINS)), n),
            "domain": np.repeat(np.array(DOMAINS), n),
            "_grade": np.concatenate(scores) if scores else np.zeros(0, dtype=np.int64),
        }
    )
    grades = by_domain.join(audits.select("_audit", pl.col("id").alias("audit_id")), on="_audit")
    grades = grades.sort("audit_id", "_order")
    grade_frame = grades.select(
        pl.int_range(1, grades.height + 1, dtype=pl.Int64).alias("id"),
        "audit_id",
        pl.col("domain").cast(pl.Utf8),
        pl.col("_grade").replace_strict(grade_of, return_dtype=pl.Utf8).alias("grade"),
    )
    return audit_frame, grade_frame
