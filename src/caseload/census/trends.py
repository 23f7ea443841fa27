"""Trends of census indicators: a year's figure with its change on the previous year and on a
chosen baseline year, each change in the unit that suits the figure and called better or worse
from the figure's direction (:func:`caseload.census.definitions.change_between`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from caseload.census.definitions import Change, change_between, definition_of


@dataclass(frozen=True)
class IndicatorTrend:
    name: str
    label: str
    unit: str
    direction: str
    year: int
    value: float | int | None
    previous: float | int | None
    on_previous: Change
    baseline_year: int | None
    baseline: float | int | None
    on_baseline: Change | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "unit": self.unit,
            "direction": self.direction,
            "year": self.year,
            "value": self.value,
            "previous_year": self.year - 1,
            "previous": self.previous,
            "change_on_previous": self.on_previous.to_dict(),
            "baseline_year": self.baseline_year,
            "baseline": self.baseline,
            "change_on_baseline": None if self.on_baseline is None else self.on_baseline.to_dict(),
        }


def _number(value: object) -> float | int | None:
    """A count stays whole; anything that is not a number is missing."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def indicator_trend(
    name: str,
    values: Mapping[int, object],
    year: int,
    baseline_year: int | None = None,
) -> IndicatorTrend:
    """``values``: the indicator's published (rounded) value by census year; anything that is not
    a number (missing, suppressed) counts as missing."""
    definition = definition_of(name)
    latest = _number(values.get(year))
    previous = _number(values.get(year - 1))
    baseline = _number(values.get(baseline_year)) if baseline_year is not None else None
    return IndicatorTrend(
        name=name,
        label=definition.label,
        unit=definition.unit,
        direction=definition.direction.value,
        year=year,
        value=latest,
        previous=previous,
        on_previous=change_between(name, latest, previous),
        baseline_year=baseline_year,
        baseline=baseline,
        on_baseline=None if baseline_year is None else change_between(name, latest, baseline),
    )
