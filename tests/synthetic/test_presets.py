"""Presets and how a recovering council's parameters move over the period."""

from __future__ import annotations

from datetime import date

from caseload.synthetic import PRESETS
from caseload.synthetic.days import day_of
from caseload.synthetic.presets import PresetPath

START = day_of(date(2023, 10, 1))


def test_presets_are_ordered_sensibly() -> None:
    typical, struggling = PRESETS["typical"], PRESETS["struggling"]
    assert typical.target_caseload == 16.0
    assert struggling.target_caseload == 25.0
    assert struggling.turnover_multiplier > typical.turnover_multiplier
    assert struggling.vacancy_rate > typical.vacancy_rate
    assert struggling.sickness_multiplier > typical.sickness_multiplier
    assert PRESETS["recovering"].recover_to is not None


def test_steady_presets_do_not_move() -> None:
    path = PresetPath(PRESETS["typical"], START, 3)
    assert path.at(START) == path.at(START + 1000) == PRESETS["typical"]


def test_recovering_moves_from_struggling_to_recovered() -> None:
    recovering = PRESETS["recovering"]
    assert recovering.recover_to is not None
    path = PresetPath(recovering, START, 3)
    first_year = path.at(START + 200)
    last_year = path.at(day_of(date(2026, 6, 1)))
    struggling = PRESETS["struggling"]
    assert first_year.turnover_multiplier == struggling.turnover_multiplier
    assert last_year.turnover_multiplier == recovering.recover_to.turnover_multiplier
    assert first_year.target_caseload > 22.0
    assert path.demand(day_of(date(2026, 9, 30)))[0] == 16.0
    middle = path.at(day_of(date(2025, 4, 1)))
    assert last_year.vacancy_rate < middle.vacancy_rate < first_year.vacancy_rate


def test_one_year_of_recovering_stays_struggling() -> None:
    path = PresetPath(PRESETS["recovering"], START, 1)
    assert path.at(START + 360).target_caseload == PRESETS["struggling"].target_caseload
