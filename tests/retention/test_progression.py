"""Progression: the framework file, eligibility at its boundaries, applications and yearly
counts, on hand-built spells with answers worked by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from caseload.errors import ConfigurationError
from caseload.retention.ladder import default_framework, load_framework, parse_framework
from caseload.retention.progression import (
    APPLICATION_SCHEMA,
    application_status,
    eligibility,
    eligible_with_applications,
    role_runs,
    worker_history,
    yearly_counts,
)

SPELLS = {
    "worker_id": pl.Int64,
    "contract": pl.Utf8,
    "role": pl.Utf8,
    "team": pl.Utf8,
    "start_date": pl.Date,
    "end_date": pl.Date,
    "end_reason": pl.Utf8,
}


def spells(*rows: tuple[Any, ...]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SPELLS, orient="row")


def applications(*rows: tuple[Any, ...]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=APPLICATION_SCHEMA, orient="row")


FRAMEWORK = default_framework()


def test_the_built_in_framework_is_the_ladder() -> None:
    steps = [
        (s.from_role, s.to_role, s.min_months_in_role, s.min_pqe_months) for s in FRAMEWORK.steps
    ]
    assert steps == [
        ("social_worker", "senior_social_worker", 24, 36),
        ("senior_social_worker", "advanced_practitioner", 24, 60),
        ("advanced_practitioner", "team_manager", 12, 72),
    ]


def test_a_wrong_framework_names_the_file_and_the_step(tmp_path: Path) -> None:
    path = tmp_path / "ladder.yaml"
    path.write_text(
        "version: '1'\nsteps:\n"
        "  - {from_role: social_worker, to_role: senior_social_worker, min_months_in_role: 24,"
        " min_pqe_months: 36, criteria: ok}\n"
        "  - {from_role: senior_social_worker, to_role: social_worker, min_months_in_role: -1,"
        " min_pqe_months: 0, criteria: x}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigurationError) as caught:
        load_framework(path)
    message = str(caught.value)
    assert str(path) in message
    assert "step 2 (senior_social_worker to social_worker), min_months_in_role" in message
    with pytest.raises(ConfigurationError, match="must lead to a higher role"):
        parse_framework(
            "version: '1'\nsteps:\n  - {from_role: senior_social_worker, to_role: social_worker,"
            " min_months_in_role: 1, min_pqe_months: 0, criteria: x}\n",
            source="f.yaml",
        )
    with pytest.raises(ConfigurationError, match="'asye' is not a role on the ladder"):
        parse_framework(
            "version: '1'\nsteps:\n  - {from_role: asye, to_role: social_worker,"
            " min_months_in_role: 1, min_pqe_months: 0, criteria: x}\n",
            source="f.yaml",
        )


def test_an_unbroken_run_in_the_role_counts_from_its_first_spell() -> None:
    frame = spells(
        # A team move the next day keeps the run; a gap of two days breaks it.
        (1, "own", "social_worker", "A", date(2022, 9, 2), date(2023, 3, 31), "team_change"),
        (1, "own", "social_worker", "B", date(2023, 4, 1), None, None),
        (2, "own", "social_worker", "A", date(2022, 9, 2), date(2023, 3, 31), "resigned"),
        (2, "own", "social_worker", "A", date(2023, 4, 3), None, None),
        (3, "own", "asye", "A", date(2021, 9, 1), date(2022, 8, 31), "role_change"),
        (3, "own", "social_worker", "A", date(2022, 9, 1), None, None),
    )
    assert role_runs(frame, date(2024, 9, 2)).rows() == [
        (1, "social_worker", "B", date(2022, 9, 2)),
        (2, "social_worker", "A", date(2023, 4, 3)),
        (3, "social_worker", "A", date(2022, 9, 1)),
    ]


def test_eligibility_at_the_boundary() -> None:
    """Social worker to senior: 24 months in role and 36 months PQE. Worker 1: in role since 2
    September 2022, qualified 1 July 2021: eligible from 2 September 2024 (the role is the later
    condition). Worker 2: in role since 31 January 2023, qualified 31 January 2020: 24 months
    on is 31 January 2025. Worker 3: in role since 1 September 2022 but qualified 15 December
    2021: eligible from 15 December 2024 (PQE is the later). Worker 4: no qualification date."""
    frame = spells(
        (1, "own", "social_worker", "A", date(2022, 9, 2), None, None),
        (2, "own", "social_worker", "A", date(2023, 1, 31), None, None),
        (3, "own", "social_worker", "A", date(2022, 9, 1), None, None),
        (4, "own", "social_worker", "A", date(2020, 1, 6), None, None),
    )
    workers = pl.DataFrame(
        {
            "worker_id": [1, 2, 3, 4],
            "qualification_date": [date(2021, 7, 1), date(2020, 1, 31), date(2021, 12, 15), None],
        }
    )

    def eligible_on(day: date) -> list[bool]:
        return eligibility(frame, workers, FRAMEWORK, day)["eligible"].to_list()

    found = eligibility(frame, workers, FRAMEWORK, date(2024, 9, 1))
    assert found["eligible_from"].to_list() == [
        date(2024, 9, 2),
        date(2025, 1, 31),
        date(2024, 12, 15),
        None,
    ]
    assert found["months_in_role"].to_list() == [23, 19, 24, 55]
    assert found["pqe_months"].to_list() == [38, 55, 32, None]
    assert eligible_on(date(2024, 9, 1)) == [False, False, False, False]
    assert eligible_on(date(2024, 9, 2)) == [True, False, False, False]
    assert eligible_on(date(2024, 12, 14)) == [True, False, False, False]
    assert eligible_on(date(2024, 12, 15)) == [True, False, True, False]
    assert eligible_on(date(2025, 1, 30)) == [True, False, True, False]
    assert eligible_on(date(2025, 1, 31)) == [True, True, True, False]


def test_applications_and_yearly_counts() -> None:
    frame = spells(
        (1, "own", "social_worker", "A", date(2021, 9, 1), date(2024, 10, 31), "role_change"),
        (1, "own", "senior_social_worker", "A", date(2024, 11, 1), None, None),
        (2, "own", "social_worker", "A", date(2021, 9, 1), None, None),
    )
    made = applications(
        (
            1,
            1,
            "social_worker",
            "senior_social_worker",
            date(2024, 9, 10),
            date(2024, 10, 7),
            "approved",
            None,
        ),
        (
            2,
            2,
            "social_worker",
            "senior_social_worker",
            date(2024, 9, 20),
            date(2024, 10, 14),
            "refused",
            None,
        ),
        (3, 2, "social_worker", "senior_social_worker", date(2025, 6, 2), None, None, None),
    )
    status = application_status(made, date(2024, 10, 10))
    assert status["status"].to_list() == ["approved", "pending"]
    counts = yearly_counts(frame, made, [2024, 2025], date(2025, 9, 30))
    assert counts.rows() == [(2024, 0, 2, 0, 0), (2025, 1, 1, 1, 1)]
    workers = pl.DataFrame({"worker_id": [1, 2], "qualification_date": [date(2021, 7, 1)] * 2})
    eligible = eligibility(frame, workers, FRAMEWORK, date(2025, 9, 30))
    joined = eligible_with_applications(eligible, made, date(2025, 9, 30))
    assert joined.select("worker_id", "next_role", "eligible", "application").rows() == [
        (1, "advanced_practitioner", False, None),
        (2, "senior_social_worker", True, "pending"),
    ]
    history = worker_history(frame, made, 1, date(2025, 9, 30))
    assert history.select("date", "event", "role", "detail").rows() == [
        (date(2021, 9, 1), "role", "social_worker", ""),
        (date(2024, 9, 10), "applied", "senior_social_worker", ""),
        (date(2024, 10, 7), "decided", "senior_social_worker", "approved"),
        (date(2024, 11, 1), "role", "senior_social_worker", ""),
    ]
