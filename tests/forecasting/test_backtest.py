"""The backtest worked by hand: a straight line of referrals known up to the start, then three
months that miss the forecast by known amounts."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from caseload.forecasting.backtest import backtest, known_on
from caseload.forecasting.demand import REFERRALS


def _referrals(counts: dict[date, int]) -> pl.DataFrame:
    days = [day for day, count in counts.items() for _ in range(count)]
    return pl.DataFrame(
        {"child_id": list(range(len(days))), "referral_date": days},
        schema={"child_id": pl.Int64, "referral_date": pl.Date},
    )


NO_STATUSES = pl.DataFrame(
    schema={"child_id": pl.Int64, "status": pl.Utf8, "start_date": pl.Date, "end_date": pl.Date}
)


def test_errors_and_coverage_by_hand() -> None:
    history = {date(2024, month, 15): 9 + month for month in range(1, 13)}  # 10 .. 21
    # The line carries on to 22, 23, 24; what happened was 24, 19, 24.
    after = {date(2025, 1, 15): 24, date(2025, 2, 15): 19, date(2025, 3, 15): 24}
    result = backtest(
        _referrals(history | after), NO_STATUSES, origin=date(2024, 12, 31), as_at=date(2025, 3, 31)
    )
    rows = result.comparison.filter(pl.col("series") == REFERRALS)
    assert rows["p50"].to_list() == pytest.approx([22.0, 23.0, 24.0])
    assert rows["error"].to_list() == pytest.approx([-2.0, 4.0, 0.0])
    assert rows["inside"].to_list() == [False, False, True]  # the band has no width: no noise
    summary = result.summary.filter(pl.col("series") == REFERRALS).row(0, named=True)
    assert summary["months"] == 3
    assert summary["mae"] == pytest.approx(2.0)
    assert summary["bias"] == pytest.approx(2 / 3)
    assert summary["mape"] == pytest.approx(100 * (2 / 24 + 4 / 19) / 3)
    assert summary["coverage"] == pytest.approx(100 / 3)


def test_what_was_known_on_the_day() -> None:
    statuses = pl.DataFrame(
        {
            "child_id": [1, 2, 3],
            "status": ["cin", "cp", "cla"],
            "start_date": [date(2024, 1, 1), date(2024, 6, 1), date(2025, 1, 1)],
            "end_date": [date(2024, 3, 1), date(2025, 2, 1), None],
        }
    )
    _, known = known_on(_referrals({}), statuses, date(2024, 12, 31))
    assert known["child_id"].to_list() == [1, 2]
    assert known["end_date"].to_list() == [date(2024, 3, 1), None]  # the end was not known yet


def test_the_start_must_come_first() -> None:
    with pytest.raises(ValueError):
        backtest(_referrals({}), NO_STATUSES, origin=date(2025, 3, 31), as_at=date(2025, 3, 31))
