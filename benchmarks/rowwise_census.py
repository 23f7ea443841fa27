"""A straightforward row-by-row implementation of the census definitions, the way public analysis
scripts compute them today: loops over Python dicts. It is the baseline ``census_national.py``
compares the columnar engine with, and a cross-check that both give the same figures."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import numpy as np

CENSUS_ROLES = {
    "asye": (5, 1),
    "social_worker": (5, 2),
    "senior_social_worker": (5, 2),
    "advanced_practitioner": (4, 3),
    "team_manager": (3, 3),
    "service_manager": (2, 4),
    "senior_manager": (1, 4),
    "qualified_without_cases": (6, None),
}


def _weekdays(first: date, last: date) -> int:
    return int(np.busday_count(first, last + timedelta(days=1)))


def derive_rowwise(
    spells: list[dict[str, Any]],
    workers: list[dict[str, Any]],
    allocations: list[dict[str, Any]],
    absences: list[dict[str, Any]],
    posts: list[dict[str, Any]],
    years: list[int],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    people = {w["worker_id"]: w for w in workers}
    by_worker: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for a in allocations:
        by_worker[a["worker_id"]].append(a)
    sickness: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in absences:
        sickness[e["worker_id"]].append(e)
    chains: list[list[dict[str, Any]]] = []
    ordered = sorted(
        (s for s in spells if s["role"] in CENSUS_ROLES),
        key=lambda s: (s["worker_id"], s["contract"], s["start_date"]),
    )
    for s in ordered:
        last = chains[-1][-1] if chains else None
        if (
            last is not None
            and last["worker_id"] == s["worker_id"]
            and last["contract"] == s["contract"]
            and last["end_date"] is not None
            and last["end_reason"] not in ("left", "contract_ended")
            and s["start_date"] == last["end_date"] + timedelta(days=1)
        ):
            chains[-1].append(s)
        else:
            chains.append([s])
    records = []
    for year in years:
        start, ref = date(year - 1, 10, 1), date(year, 9, 30)
        for chain in chains:
            first = chain[0]["start_date"]
            end = None if chain[-1]["end_date"] is None else chain[-1]["end_date"]
            if first > ref or (end is not None and end < start):
                continue
            cut = ref if end is None else min(ref, end)
            current = [s for s in chain if s["start_date"] <= cut][-1]
            ended = end is not None and end <= ref
            own = current["contract"] == "own"
            worker = people[current["worker_id"]]
            record: dict[str, Any] = {
                "LEA": current["LEA"],
                "Year": year,
                "worker_id": current["worker_id"],
                "AgencyWorker": 0 if own else 1,
                "SWENo": worker["swe_number"],
                "FTE": current["fte"],
                "PersonBirthDate": worker["birth_date"] if own else None,
                "GenderCurrent": worker["gender"] if own else None,
                "Ethnicity": worker["ethnicity"] if own else None,
                "RoleStartDate": first,
                "RoleEndDate": end if ended else None,
                "Cases30": None,
                "WorkingDaysLost": None,
            }
            if not ended:
                record["Cases30"] = sum(
                    1
                    for a in by_worker[current["worker_id"]]
                    if a["start_date"] <= ref and (a["end_date"] is None or a["end_date"] >= ref)
                )
            if own:
                lost = 0.0
                for e in sickness[current["worker_id"]]:
                    if e["reason"] != "SIC":
                        continue
                    e_end = e["end_date"] or ref
                    if e["start_date"] > ref or e_end < start:
                        continue
                    whole = _weekdays(e["start_date"], e_end)
                    inside = _weekdays(max(e["start_date"], start), min(e_end, ref))
                    lost += e["working_days_lost"] * inside / whole if whole else 0.0
                record["WorkingDaysLost"] = round(lost, 2)
            records.append(record)
    on_post: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for s in spells:
        if s["post_id"] is not None:
            on_post[s["post_id"]].append(s)
    vacancies = []
    for year in years:
        ref = date(year, 9, 30)
        totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for p in posts:
            if p["role"] not in CENSUS_ROLES or p["start_date"] > ref:
                continue
            if p["end_date"] is not None and p["end_date"] < ref:
                continue
            own_fte = agency_fte = 0.0
            for s in on_post[p["post_id"]]:
                if s["start_date"] > ref:
                    continue
                if s["end_date"] is not None and s["end_date"] <= ref:
                    continue
                if s["contract"] == "own":
                    own_fte += s["fte"]
                else:
                    agency_fte += s["fte"]
            vacant = max(0.0, p["funded_fte"] - own_fte)
            totals[p["LEA"]][0] += vacant
            totals[p["LEA"]][1] += min(agency_fte, vacant)
        for lea, (vacant, cover) in totals.items():
            vacancies.append({"LEA": lea, "Year": year, "vacancy_fte": vacant, "cover": cover})
    return records, vacancies


def indicators_rowwise(
    records: list[dict[str, Any]], vacancies: list[dict[str, Any]]
) -> dict[tuple[str, int], dict[str, float | None]]:
    totals: dict[tuple[str, int], dict[str, Any]] = {}
    for r in records:
        key = (r["LEA"], r["Year"])
        t = totals.setdefault(
            key,
            {
                "inpost_fte": 0.0,
                "people": set(),
                "starters_fte": 0.0,
                "starters": set(),
                "leavers_fte": 0.0,
                "leavers": set(),
                "agency_fte": 0.0,
                "agency_headcount": 0,
                "case_holders_fte": 0.0,
                "cases": 0,
                "working_days_lost_fte": 0.0,
            },
        )
        year = r["Year"]
        start, ref = date(year - 1, 10, 1), date(year, 9, 30)
        person = (r["LEA"], r["SWENo"], r["PersonBirthDate"], r["GenderCurrent"], r["Ethnicity"])
        in_post = r["RoleStartDate"] <= ref and (r["RoleEndDate"] is None or r["RoleEndDate"] > ref)
        if r["AgencyWorker"] == 0:
            if in_post:
                t["inpost_fte"] += r["FTE"]
                t["people"].add(person)
                t["working_days_lost_fte"] += r["WorkingDaysLost"] or 0.0
            if start <= r["RoleStartDate"] <= ref:
                t["starters_fte"] += r["FTE"]
                t["starters"].add(person)
            if r["RoleEndDate"] is not None and start <= r["RoleEndDate"] <= ref:
                t["leavers_fte"] += r["FTE"]
                t["leavers"].add(person)
        elif in_post:
            t["agency_fte"] += r["FTE"]
            t["agency_headcount"] += 1
        if in_post and (r["Cases30"] or 0) > 0:
            t["case_holders_fte"] += r["FTE"]
        if in_post:
            t["cases"] += r["Cases30"] or 0
    for v in vacancies:
        t = totals[(v["LEA"], v["Year"])]
        t["vacancy_fte"] = v["vacancy_fte"]
        t["agency_cover_fte"] = v["cover"]

    def ratio(n: float, d: float, scale: float = 100.0) -> float | None:
        return None if d == 0 else scale * n / d

    out = {}
    for (lea, year), t in totals.items():
        days = 254 if calendar.isleap(year) else 253
        vac, cover = t.get("vacancy_fte", 0.0), t.get("agency_cover_fte", 0.0)
        out[(lea, year)] = {
            "inpost_fte": t["inpost_fte"],
            "inpost_headcount": len(t["people"]),
            "leavers_fte": t["leavers_fte"],
            "turnover_rate_fte": ratio(t["leavers_fte"], t["inpost_fte"]),
            "agency_rate_fte": ratio(t["agency_fte"], t["agency_fte"] + t["inpost_fte"]),
            "vacancy_rate_fte": ratio(vac, vac + t["inpost_fte"]),
            "agency_cover_rate_fte": ratio(cover, t["agency_fte"]),
            "cases": t["cases"],
            "caseload_fte": ratio(t["cases"], t["case_holders_fte"], 1.0),
            "absence_rate_fte": ratio(t["working_days_lost_fte"], t["inpost_fte"] * days),
        }
    return out
