"""The supply model's newly qualified intakes: from the council's pipeline when it has one (the
learners qualifying each year at the conversion rate, in the usual month of a conversion, plus
the starters who did not come through it), else from the last three years' ASYE starts, worked
by hand on hand-built frames."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from caseload.domain.training_records import PLACEMENT_SCHEMA
from caseload.forecasting.supply import Intake
from caseload.forecasting.supply_inputs import (
    build_supply_inputs,
    newly_qualified_intakes,
    usual_start_month,
)

AS_AT = date(2025, 3, 31)
ASYE = "asye"


def intakes_frame() -> pl.DataFrame:
    """Four ASYE starts a year in September (two of them converted from placements) and one in
    January (not)."""
    return pl.DataFrame(
        {"calendar_month": [1, 9], "asye_per_year": [1.0, 4.0], "other_per_year": [1.0, 2.0]},
        schema={
            "calendar_month": pl.Int8,
            "asye_per_year": pl.Float64,
            "other_per_year": pl.Float64,
        },
    )


def pipeline_frame(rate: float | None = 2 / 3) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "year": [2025, 2026, 2027],
            "learners": [2, 1, 1],
            "conversion_rate": [rate] * 3,
            "expected_intake": [None if rate is None else round(n * rate, 1) for n in (2, 1, 1)],
        },
        schema={
            "year": pl.Int64,
            "learners": pl.Int64,
            "conversion_rate": pl.Float64,
            "expected_intake": pl.Float64,
        },
    )


def test_the_pipeline_gives_its_years_and_history_the_rest() -> None:
    planned, source = newly_qualified_intakes(
        intakes_frame(), pipeline_frame(), start_month=9, as_at=AS_AT, months=36
    )
    # Forecast month 6 is September 2025, 10 January 2026, 18 September 2026, 22 January 2027,
    # 30 September 2027 and 34 January 2028. Up to 2027 (the pipeline's last year) each month
    # has the starters who did not come through the pipeline (2 in September, 1 in January) and
    # each September the year's learners, each converting with chance 2/3; January 2028 is past
    # the pipeline, so it has the January starters of the last three years (1).
    third = 2 / 3
    assert planned == (
        Intake(6, ASYE, 2),
        Intake(6, ASYE, 2, third),
        Intake(10, ASYE, 1),
        Intake(18, ASYE, 2),
        Intake(18, ASYE, 1, third),
        Intake(22, ASYE, 1),
        Intake(30, ASYE, 2),
        Intake(30, ASYE, 1, third),
        Intake(34, ASYE, 1),
    )
    assert (source.source, source.reason, source.through_year, source.start_month) == (
        "pipeline",
        "",
        2027,
        9,
    )
    assert source.pipeline.select("year", "learners", "expected_intake", "month").rows() == [
        (2025, 2, 1.3, 6),
        (2026, 1, 0.7, 18),
        (2027, 1, 0.7, 30),
    ]
    # Expected newly qualified starters in the forecast's first year (to March 2026): 2 + 2 x
    # 2/3 in September and 1 in January.
    first_year = sum(i.people * i.success_rate for i in planned if i.month <= 12)
    assert first_year == pytest.approx(2 + 4 / 3 + 1)


def test_without_a_pipeline_the_last_three_years_carry_on() -> None:
    planned, source = newly_qualified_intakes(
        intakes_frame(), None, start_month=9, as_at=AS_AT, months=24
    )
    assert planned == (
        Intake(6, ASYE, 4),
        Intake(10, ASYE, 1),
        Intake(18, ASYE, 4),
        Intake(22, ASYE, 1),
    )
    assert (source.source, source.reason, source.through_year) == (
        "history",
        "no placement of a student or apprentice is recorded",
        None,
    )
    assert source.pipeline.height == 0


@pytest.mark.parametrize(
    ("pipeline", "reason"),
    [
        (
            pipeline_frame(None),
            "no learner has passed a final placement yet, so there is no conversion rate",
        ),
        (pipeline_frame().head(0), "no learner's placement runs on or after the day"),
    ],
)
def test_a_pipeline_that_cannot_say_leaves_the_assumption(
    pipeline: pl.DataFrame, reason: str
) -> None:
    planned, source = newly_qualified_intakes(
        intakes_frame(), pipeline, start_month=9, as_at=AS_AT, months=12
    )
    assert planned == (Intake(6, ASYE, 4), Intake(10, ASYE, 1))
    assert (source.source, source.reason) == ("history", reason)


def test_learners_whose_month_has_passed_arrive_first_and_beyond_the_horizon_never() -> None:
    # On 31 October 2025 September 2025 has passed: the 2025 learners arrive in month 1
    # (November); the 2027 learners would arrive in month 23 (September 2027), past 12 months.
    planned, source = newly_qualified_intakes(
        intakes_frame(), pipeline_frame(0.5), start_month=9, as_at=date(2025, 10, 31), months=12
    )
    assert source.pipeline["month"].to_list() == [1, 11, None]
    assert [i for i in planned if i.success_rate < 1] == [
        Intake(1, ASYE, 2, 0.5),
        Intake(11, ASYE, 1, 0.5),
    ]
    # The other starters: January 2026 (month 3) and September 2026 (month 11).
    assert [i for i in planned if i.success_rate == 1] == [Intake(3, ASYE, 1), Intake(11, ASYE, 2)]


def placements(*rows: tuple[object, ...]) -> pl.DataFrame:
    """(learner, kind, year of study, start, end, outcome, converted worker, converted day)."""
    return pl.DataFrame(
        [
            (n, r[0], r[1], "BA Social Work", r[2], 1, None, r[3], r[4], r[5], r[6], r[7])
            for n, r in enumerate(rows, start=1)
        ],
        schema=list(PLACEMENT_SCHEMA),
        orient="row",
    ).cast(PLACEMENT_SCHEMA)


def test_the_usual_start_month() -> None:
    converted = placements(
        ("L1", "student", 3, date(2023, 1, 9), date(2023, 4, 28), "passed", 1, date(2023, 9, 4)),
        ("L2", "student", 3, date(2024, 1, 8), date(2024, 4, 26), "passed", 2, date(2024, 9, 2)),
        ("L3", "student", 3, date(2024, 1, 8), date(2024, 4, 26), "passed", 3, date(2024, 10, 1)),
    )
    assert usual_start_month(converted, intakes_frame()) == 9
    none = converted.head(0)
    assert usual_start_month(none, intakes_frame()) == 9  # most ASYE starts: September
    even = intakes_frame().with_columns(pl.lit(2.0).alias("asye_per_year"))
    assert usual_start_month(none, even) == 1  # the earlier of equals
    assert usual_start_month(none, intakes_frame().head(0)) == 9  # nothing to go by


SPELL_SCHEMA = {
    "worker_id": pl.Int64,
    "contract": pl.Utf8,
    "role": pl.Utf8,
    "fte": pl.Float64,
    "team": pl.Utf8,
    "post_id": pl.Int64,
    "start_date": pl.Date,
    "end_date": pl.Date,
    "end_reason": pl.Utf8,
    "start_origin": pl.Int64,
    "reason_leave": pl.Int64,
    "leaver_destination": pl.Int64,
    "agency_contract_weeks": pl.Float64,
}


def council() -> dict[str, pl.DataFrame]:
    """Six newly qualified starters in September over the three years to 31 March 2025 (workers
    1 to 6; 1, 2 and 3 converted from the council's placements) and an experienced worker."""
    starts = [date(2022, 9, 5), date(2022, 9, 5), date(2023, 9, 4), date(2023, 9, 4)]
    starts += [date(2024, 9, 2), date(2024, 9, 2)]
    spells = [
        (worker, "own", "asye", 1.0, "A", None, start, None, None, None, None, None, None)
        for worker, start in enumerate(starts, start=1)
    ]
    experienced = (7, "own", "social_worker", 1.0, "A", None, date(2015, 1, 5))
    spells.append((*experienced, None, None, None, None, None, None))
    workers = pl.DataFrame(
        {
            "worker_id": list(range(1, 8)),
            "qualification_date": [None] * 7,
            "step_up": [False] * 7,
            "frontline": [False] * 7,
        },
        schema={
            "worker_id": pl.Int64,
            "qualification_date": pl.Date,
            "step_up": pl.Boolean,
            "frontline": pl.Boolean,
        },
    )
    posts = pl.DataFrame(
        {
            "role": ["social_worker"],
            "funded_fte": [8.0],
            "start_date": [date(2015, 1, 1)],
            "end_date": [None],
        },
        schema={
            "role": pl.Utf8,
            "funded_fte": pl.Float64,
            "start_date": pl.Date,
            "end_date": pl.Date,
        },
    )
    return {
        "spells": pl.DataFrame(spells, schema=SPELL_SCHEMA, orient="row"),
        "workers": workers,
        "posts": posts,
        "services": pl.DataFrame({"team": ["A"], "service": ["Assessment"]}),
    }


def test_the_supply_inputs_take_the_pipeline_when_placements_are_recorded() -> None:
    pipeline = placements(
        # Qualified and converted to the ASYE starts of workers 1, 2 and 3; L4 did not convert.
        ("L1", "student", 3, date(2022, 1, 10), date(2022, 4, 29), "passed", 1, date(2022, 9, 5)),
        ("L2", "student", 3, date(2023, 1, 9), date(2023, 4, 28), "passed", 2, date(2023, 9, 4)),
        ("L3", "apprentice", 3, date(2024, 1, 8), date(2024, 4, 26), "passed", 3, date(2024, 9, 2)),
        ("L4", "student", 3, date(2024, 1, 8), date(2024, 4, 26), "passed", None, None),
        # On the pipeline: L5 and L6 qualify in 2025, L7 (year 2 of 3) in 2026.
        ("L5", "student", 3, date(2025, 1, 6), date(2025, 4, 25), None, None, None),
        ("L6", "apprentice", 3, date(2025, 1, 6), date(2025, 6, 27), None, None, None),
        ("L7", "student", 2, date(2025, 2, 3), date(2025, 5, 30), None, None, None),
    )
    frames = council()
    inputs, evidence = build_supply_inputs(**frames, as_at=AS_AT, months=36, placements=pipeline)
    # The window's September starts: 6 in 3 years (2 a year), 3 of them not converted (1 a
    # year). Conversion rate 3 of 4. 2025: 2 learners, 2026: 1; 2027 is past the pipeline.
    assert evidence.intakes.rows() == [(9, 2.0, 1.0)]
    source = evidence.intake_source
    assert (source.source, source.start_month, source.through_year) == ("pipeline", 9, 2026)
    assert source.pipeline.rows() == [(2025, 2, 0.75, 1.5, 6), (2026, 1, 0.75, 0.8, 18)]
    assert inputs.intakes == (
        Intake(6, ASYE, 1),
        Intake(6, ASYE, 2, 0.75),
        Intake(18, ASYE, 1),
        Intake(18, ASYE, 1, 0.75),
        Intake(30, ASYE, 2),
    )
    # Without placements: the last three years' two a year each September.
    plain, evidence = build_supply_inputs(**frames, as_at=AS_AT, months=36)
    assert plain.intakes == (Intake(6, ASYE, 2), Intake(18, ASYE, 2), Intake(30, ASYE, 2))
    assert evidence.intake_source.source == "history"
    assert evidence.intakes.rows() == [(9, 2.0, 2.0)]
