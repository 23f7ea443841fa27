"""The staff health check summarised for every group with suppression: 1,000 responses x 60
questions across 60 teams in 8 service areas (some teams too small to show), against the same
favourable counts worked out row by row in Python. Target: under 1 s (issue 16).

Run: PYTHONPATH=src python benchmarks/health_check.py [--responses 1000] [--questions 60]"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

import numpy as np
import polars as pl

from caseload.practice.health_check import (
    COUNCIL,
    NOT_RECORDED,
    SurveyData,
    favourable_counts,
    summarise,
)

ROLES = ("Social worker", "Senior social worker", "Newly qualified (ASYE)", "Team manager")
BANDS = ("Less than 2 years", "2 to 5 years", "More than 5 years")


def survey(responses: int, questions: int, seed: int) -> SurveyData:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(4, 30, size=60)
    team = np.repeat(np.arange(60), sizes)[:responses]
    team = np.concatenate([team, rng.integers(0, 60, size=responses - team.size)])
    codes = [f"Q{q + 1:02d}" for q in range(questions)]
    frame = pl.DataFrame(
        {
            "response_id": np.arange(1, responses + 1),
            "team": [f"Team {t + 1}" for t in team],
            "service": [f"Service {t % 8 + 1}" for t in team],
            "role": rng.choice(ROLES, size=responses, p=[0.55, 0.25, 0.15, 0.05]),
            "experience_band": rng.choice(BANDS, size=responses),
        }
    )
    values = rng.integers(1, 6, size=(responses, questions))
    answers = pl.DataFrame(
        {
            "response_id": np.repeat(np.arange(1, responses + 1), questions),
            "code": np.tile(np.array(codes), responses),
            "value": values.ravel(),
        }
    )
    return SurveyData(
        year=2026,
        title="Benchmark",
        scale_min=1,
        scale_max=5,
        favourable_min=4,
        questions=pl.DataFrame(
            {
                "code": codes,
                "text": codes,
                "theme": [f"Theme {q // 10 + 1}" for q in range(questions)],
            }
        ),
        responses=frame,
        answers=answers,
    )


def row_by_row(data: SurveyData) -> dict[tuple[str, str, str], tuple[int, int]]:
    """Answers and favourable answers per (dimension, group, question), one answer at a time."""
    people = {row["response_id"]: row for row in data.responses.iter_rows(named=True)}
    totals: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for response_id, code, value in data.answers.iter_rows():
        person = people[response_id]
        groups = (
            ("council", COUNCIL),
            ("service", person["service"] or NOT_RECORDED),
            ("team", person["team"] or NOT_RECORDED),
            ("role", person["role"] or NOT_RECORDED),
            ("experience", person["experience_band"] or NOT_RECORDED),
        )
        for dimension, group in groups:
            cell = totals[(dimension, group, code)]
            cell[0] += 1
            cell[1] += int(value >= data.favourable_min)
    return {key: (a, f) for key, (a, f) in totals.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--responses", type=int, default=1000)
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    data = survey(args.responses, args.questions, args.seed)
    summarise(data)  # warm up Polars
    started = time.perf_counter()
    result = summarise(data)
    took = time.perf_counter() - started
    started = time.perf_counter()
    baseline = row_by_row(data)
    baseline_took = time.perf_counter() - started
    counts = favourable_counts(data)
    same = (
        all(
            baseline[(d, g, c)] == (a, f)
            for d, g, c, a, f in counts.select(
                "dimension", "group", "code", "answers", "favourable"
            ).rows()
        )
        and len(baseline) == counts.height
    )
    teams = result.groups.filter(pl.col("dimension") == "team")
    print(
        f"{args.responses:,} responses x {args.questions} questions, {teams.height} teams: "
        f"summarised with suppression in {took:.3f} s "
        f"({teams.filter(pl.col('hidden')).height} teams hidden); "
        f"row-by-row favourable counts alone (no suppression) {baseline_took:.3f} s; "
        f"counts agree: {same}; target under 1 s: {'met' if took < 1 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
