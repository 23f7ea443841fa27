"""The council's own workforce targets, which the reports' headline measures are rated against.

Built-in defaults live in ``reference/workforce_targets.yaml``; a council names its own file in
``CASELOAD_TARGETS``. Each target is rated by the benchmark rule (:class:`rag.Threshold`): green
at or better than the target, amber within ``amber_within`` of it, red beyond."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from caseload.errors import ConfigurationError
from caseload.services.rag import Rating, Threshold

TARGETS_FILE = "workforce_targets.yaml"
TARGETS_SETTING = "CASELOAD_TARGETS"
MEASURES: tuple[str, ...] = (
    "caseload_fte",
    "over_cap_share",
    "children_waiting",
    "cla_three_or_more_share",
    "turnover_rate_fte",
    "agency_rate_fte",
    "vacancy_rate_fte",
    "absence_rate_fte",
    "stability_index",
    "recording_on_time",
    "supervision_compliance",
    "visits_on_time",
    "audits_good_or_better",
)


class _Target(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target: float
    better: Literal["lower", "higher"]
    amber_within: float = Field(ge=0)


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1]
    targets: dict[str, _Target]


@dataclass(frozen=True)
class Target:
    """A measure's target and the rule that rates a value against it."""

    measure: str
    target: float
    better: Literal["lower", "higher"]
    amber_within: float

    def rate(self, value: float | None) -> Rating | None:
        return Threshold(self.measure, self.better, self.amber_within).rate(value, self.target)


def parse_targets(text: str, *, source: str) -> dict[str, Target]:
    """Check a targets document; a mistake raises ``ConfigurationError`` naming the file and the
    entry, and saying what to write instead."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{source}: not valid YAML ({exc})") from None
    try:
        document = _Document.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise ConfigurationError(
            f"{source}: {where}: {error['msg']}; see the built-in {TARGETS_FILE} for the layout"
        ) from None
    unknown = sorted(set(document.targets) - set(MEASURES))
    if unknown:
        raise ConfigurationError(
            f"{source}: targets.{unknown[0]}: not a headline measure; use one of "
            + ", ".join(MEASURES)
        )
    return {
        name: Target(name, entry.target, entry.better, entry.amber_within)
        for name, entry in document.targets.items()
    }


def workforce_targets(environ: Mapping[str, str] | None = None) -> dict[str, Target]:
    """The council's targets: the file ``CASELOAD_TARGETS`` names, else the built-in ones."""
    env = os.environ if environ is None else environ
    named = (env.get(TARGETS_SETTING) or "").strip()
    if not named:
        text = files("caseload.reference").joinpath(TARGETS_FILE).read_text(encoding="utf-8")
        return parse_targets(text, source=TARGETS_FILE)
    path = Path(named)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(
            f"{TARGETS_SETTING} names {named!r}, which cannot be read ({exc.strerror}); "
            "point it at a YAML file of targets or unset it"
        ) from None
    return parse_targets(text, source=str(path))
