"""The progression framework: the steps up the practice ladder (social worker to senior social
worker to advanced practitioner to team manager), each with its criteria, the least time in the
current role and the least post-qualifying experience it asks, and the evidence to bring. The
built-in framework is ``reference/progression_framework.yaml``; a council versions its own and
names it in ``CASELOAD_PROGRESSION_FRAMEWORK``. A mistake raises ConfigurationError naming the
file and the entry."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from caseload.domain import Role
from caseload.errors import ConfigurationError

FRAMEWORK_FILE = "progression_framework.yaml"
LADDER_ROLES = (
    Role.SOCIAL_WORKER.value,
    Role.SENIOR_SOCIAL_WORKER.value,
    Role.ADVANCED_PRACTITIONER.value,
    Role.TEAM_MANAGER.value,
)


@dataclass(frozen=True)
class Step:
    """One step up: from ``from_role`` to ``to_role`` after at least ``min_months_in_role`` whole
    months in the role and ``min_pqe_months`` since qualifying."""

    from_role: str
    to_role: str
    min_months_in_role: int
    min_pqe_months: int
    criteria: str
    evidence: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "from_role": self.from_role,
            "to_role": self.to_role,
            "min_months_in_role": self.min_months_in_role,
            "min_pqe_months": self.min_pqe_months,
            "criteria": self.criteria,
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True)
class Framework:
    version: str
    steps: tuple[Step, ...]
    source: str

    def step_from(self, role: str) -> Step | None:
        return next((step for step in self.steps if step.from_role == role), None)


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid")
    from_role: StrictStr
    to_role: StrictStr
    min_months_in_role: StrictInt = Field(ge=0, le=240)
    min_pqe_months: StrictInt = Field(ge=0, le=480)
    criteria: StrictStr = Field(min_length=1)
    evidence: list[StrictStr] = Field(default_factory=list)


class _Framework(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: StrictStr
    steps: list[_Step] = Field(min_length=1)


def _where(location: tuple[int | str, ...], raw: Any) -> str:
    if len(location) >= 2 and location[0] == "steps" and isinstance(location[1], int):
        index = location[1]
        name = ""
        if isinstance(raw, dict):
            steps = raw.get("steps")
            if isinstance(steps, list) and index < len(steps) and isinstance(steps[index], dict):
                name = f" ({steps[index].get('from_role')} to {steps[index].get('to_role')})"
        rest = ".".join(str(part) for part in location[2:])
        return f"step {index + 1}{name}" + (f", {rest}" if rest else "")
    return ".".join(str(part) for part in location) or "the file"


def parse_framework(text: str, *, source: str) -> Framework:
    """The framework in ``text``; ConfigurationError naming ``source`` and the entry."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{source}: not valid YAML ({exc})") from None
    try:
        parsed = _Framework.model_validate(raw)
    except ValidationError as exc:
        problems = [f"{_where(error['loc'], raw)}: {error['msg']}" for error in exc.errors()]
        raise ConfigurationError(
            f"{source}: the progression framework is wrong: " + "; ".join(problems)
        ) from None
    problems = []
    seen: set[str] = set()
    for index, step in enumerate(parsed.steps, start=1):
        where = f"step {index} ({step.from_role} to {step.to_role})"
        for field, role in (("from_role", step.from_role), ("to_role", step.to_role)):
            if role not in LADDER_ROLES:
                problems.append(
                    f"{where}, {field}: {role!r} is not a role on the ladder "
                    f"({', '.join(LADDER_ROLES)})"
                )
        on_ladder = step.from_role in LADDER_ROLES and step.to_role in LADDER_ROLES
        if on_ladder and LADDER_ROLES.index(step.to_role) <= LADDER_ROLES.index(step.from_role):
            problems.append(f"{where}: the step must lead to a higher role")
        if step.from_role in seen:
            problems.append(f"{where}: a second step from {step.from_role}; keep one")
        seen.add(step.from_role)
    if problems:
        raise ConfigurationError(
            f"{source}: the progression framework is wrong: " + "; ".join(problems)
        )
    return Framework(
        version=parsed.version,
        steps=tuple(
            Step(
                step.from_role,
                step.to_role,
                step.min_months_in_role,
                step.min_pqe_months,
                " ".join(step.criteria.split()),
                tuple(step.evidence),
            )
            for step in parsed.steps
        ),
        source=source,
    )


def default_framework() -> Framework:
    text = files("caseload.reference").joinpath(FRAMEWORK_FILE).read_text(encoding="utf-8")
    return parse_framework(text, source="the built-in progression framework")


def load_framework(path: Path) -> Framework:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ConfigurationError(
            f"cannot read the progression framework file {path}: {reason}"
        ) from None
    return parse_framework(text, source=str(path))
