"""Red / amber / green ratings of census indicators against England or the council's region.

The thresholds and the rule live in one place, ``reference/rag_thresholds.yaml``:

- ``worse_by`` is ``council - benchmark`` when lower is better (``benchmark - council`` when higher
  is better), on figures rounded as DfE publishes them;
- green when ``worse_by <= 0``, amber when ``0 < worse_by <= amber_within``, red above that;
- no rating when either figure is missing or the indicator is not listed.

Example: turnover (lower is better, amber within 2.0 points) of 14.2% against England's 11.8% is
worse by 2.4 points, so red; against a region at 13.0% it is worse by 1.2, so amber."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.resources import files
from typing import Any, Literal

import yaml

from caseload.census.definitions import INDICATOR_COLUMNS
from caseload.errors import ConfigurationError

THRESHOLDS_FILE = "rag_thresholds.yaml"
Rating = Literal["green", "amber", "red"]
GREEN: Rating = "green"
AMBER: Rating = "amber"
RED: Rating = "red"


@dataclass(frozen=True)
class Threshold:
    indicator: str
    better: Literal["lower", "higher"]
    amber_within: float

    def worse_by(self, council: float, benchmark: float) -> Decimal:
        """How much worse the council is (negative: better), exact to the published 1 dp."""
        difference = Decimal(repr(council)) - Decimal(repr(benchmark))
        return difference if self.better == "lower" else -difference

    def rate(self, council: float | None, benchmark: float | None) -> Rating | None:
        if council is None or benchmark is None:
            return None
        worse = self.worse_by(council, benchmark)
        if worse <= 0:
            return GREEN
        if worse <= Decimal(repr(self.amber_within)):
            return AMBER
        return RED

    def to_dict(self) -> dict[str, Any]:
        return {"better": self.better, "amber_within": self.amber_within}


def parse_thresholds(text: str, *, source: str) -> dict[str, Threshold]:
    """Check a thresholds document; a mistake raises ``ConfigurationError`` naming the entry."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{source}: not valid YAML ({exc})") from None
    if not isinstance(document, dict) or document.get("version") != 1:
        raise ConfigurationError(f"{source}: expected 'version: 1' and an 'indicators' mapping")
    entries = document.get("indicators")
    if not isinstance(entries, dict) or not entries:
        raise ConfigurationError(f"{source}: 'indicators' must map indicator names to thresholds")
    found: dict[str, Threshold] = {}
    for name, entry in entries.items():
        where = f"{source}: indicators.{name}"
        if name not in INDICATOR_COLUMNS:
            raise ConfigurationError(f"{where}: not one of DfE's indicators (docs/metrics/)")
        if not isinstance(entry, dict) or set(entry) != {"better", "amber_within"}:
            raise ConfigurationError(f"{where}: give exactly 'better' and 'amber_within'")
        better, within = entry["better"], entry["amber_within"]
        if better not in ("lower", "higher"):
            raise ConfigurationError(f"{where}.better: write lower or higher, not {better!r}")
        if isinstance(within, bool) or not isinstance(within, int | float) or within < 0:
            raise ConfigurationError(
                f"{where}.amber_within: give a number 0 or more, not {within!r}"
            )
        found[name] = Threshold(name, better, float(within))
    return found


@cache
def thresholds() -> dict[str, Threshold]:
    """The thresholds shipped with Caseload."""
    text = files("caseload.reference").joinpath(THRESHOLDS_FILE).read_text(encoding="utf-8")
    return parse_thresholds(text, source=THRESHOLDS_FILE)


def rate(indicator: str, council: float | None, benchmark: float | None) -> Rating | None:
    """The rating of ``council`` against ``benchmark`` (None when the indicator has no
    threshold or a figure is missing)."""
    threshold = thresholds().get(indicator)
    return None if threshold is None else threshold.rate(council, benchmark)


def rule_text() -> str:
    """The rule in one sentence, for pages."""
    return (
        "Green: as good as the benchmark or better. Amber: worse by no more than the margin shown. "
        "Red: worse by more than the margin."
    )
