"""The practice standards a council monitors, as data: how often children are visited under each
plan, how soon a visit is written up, when reviews fall due, how often each role is supervised and
the case file audit instruments. The defaults are the statutory and local standards in DOMAIN.md
(``reference/practice_standards.yaml``); a council versions its own beside its caseload policy.

Intervals count calendar days, weeks or months, or working days (weekdays that are not England's
bank holidays nor the council's extra closure days: :mod:`caseload.practice.calendar`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, StrictInt, StrictStr, ValidationError

from caseload.domain import Role
from caseload.errors import ConfigurationError

Unit = Literal["working_days", "days", "weeks", "months"]
STANDARDS_FILE = "practice_standards.yaml"
UNIT_WORDS: dict[str, Unit] = {
    "working day": "working_days",
    "working days": "working_days",
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
}
# The longest interval a standard may set, per unit (about two years).
UNIT_LIMITS: dict[Unit, int] = {"working_days": 520, "days": 731, "weeks": 104, "months": 24}
SUPERVISION_ROLES = (*(role.value for role in Role), "default")


@dataclass(frozen=True)
class Interval:
    """A length of time a standard allows: ``count`` working days, calendar days, weeks or
    calendar months (a month on from 31 January is the last day of February)."""

    count: int
    unit: Unit

    def __str__(self) -> str:
        word = self.unit.replace("_", " ")
        return f"{self.count} {word[:-1] if self.count == 1 else word}"


@dataclass(frozen=True)
class VisitRule:
    """Visits under one kind of plan (``case_type`` cin, cp or cla): the first within
    ``first_within`` of the plan's (or placement's) start, then each within ``every`` of the one
    before, and, when ``every_after_first_year`` is given, within that once the plan is a year
    old (looked-after children: six-weekly in the first year, three-monthly after)."""

    case_type: str
    first_within: Interval
    every: Interval
    every_after_first_year: Interval | None = None


@dataclass(frozen=True)
class ReviewRule:
    """Reviews under one kind of plan (cp or cla): the first within ``first_within`` of the
    start, the second within ``second_within`` of the first, then each within ``every``."""

    case_type: str
    first_within: Interval
    second_within: Interval
    every: Interval


@dataclass(frozen=True)
class SupervisionStep:
    """Supervision at least every ``every_days`` calendar days until ``until_days`` days after
    the worker started in the role (None: from then on)."""

    until_days: int | None
    every_days: int


@dataclass(frozen=True)
class SupervisionRule:
    """The supervision schedule of one role (a :class:`caseload.domain.codes.Role` value, or
    ``default`` for every role without its own), as steps in order."""

    role: str
    steps: tuple[SupervisionStep, ...]


@dataclass(frozen=True)
class AuditInstrument:
    """A case file audit instrument: its name and the domains each audit grades."""

    name: str
    domains: tuple[str, ...]


@dataclass(frozen=True)
class PracticeStandards:
    version: int
    visits: tuple[VisitRule, ...]
    recording_within: Interval
    reviews: tuple[ReviewRule, ...]
    supervision: tuple[SupervisionRule, ...]
    audit_instruments: tuple[AuditInstrument, ...]
    extra_closure_days: tuple[date, ...] = field(default=())
    source: str = "the built-in standards"

    def visit_rule(self, case_type: str) -> VisitRule | None:
        return next((rule for rule in self.visits if rule.case_type == case_type), None)

    def review_rule(self, case_type: str) -> ReviewRule | None:
        return next((rule for rule in self.reviews if rule.case_type == case_type), None)

    def supervision_for(self, role: str) -> SupervisionRule | None:
        """The role's own schedule, else the default one (None when neither is set)."""
        own = next((rule for rule in self.supervision if rule.role == role), None)
        return own or next((rule for rule in self.supervision if rule.role == "default"), None)


# ---- parsing -------------------------------------------------------------------------------------


def _checked_interval(text: str) -> str:
    parse_interval(text)
    return text


IntervalText = Annotated[StrictStr, AfterValidator(_checked_interval)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Visit(_Model):
    first_within: IntervalText
    every: IntervalText
    every_after_first_year: IntervalText | None = None


class _Visits(_Model):
    cp: _Visit
    cla: _Visit
    cin: _Visit


class _Recording(_Model):
    within: IntervalText


class _Review(_Model):
    first_within: IntervalText
    second_within: IntervalText
    every: IntervalText


class _Reviews(_Model):
    cp: _Review
    cla: _Review


class _Step(_Model):
    until_days: StrictInt | None = None
    every_days: StrictInt


class _Instrument(_Model):
    name: StrictStr
    domains: list[StrictStr]


class _Document(_Model):
    version: Literal[1]
    visits: _Visits
    recording: _Recording
    reviews: _Reviews
    supervision: dict[StrictStr, list[_Step]]
    audit_instruments: list[_Instrument]
    extra_closure_days: list[date] = []


# What to write, by the last part of a field's path.
_HINTS = {
    "version": "write 'version: 1'",
    "first_within": "write a number and a unit, e.g. '10 working days', '7 days', '3 months'",
    "second_within": "write a number and a unit, e.g. '3 months'",
    "every": "write a number and a unit, e.g. '10 working days', '6 weeks', '3 months'",
    "every_after_first_year": "write a number and a unit, e.g. '3 months', or leave it out",
    "within": "write a number and a unit, e.g. '5 working days'",
    "until_days": "write a whole number of days, or leave it out on the last step",
    "every_days": "write a whole number of days, e.g. 31 for monthly",
    "name": "write the instrument's name, e.g. 'Case file audit'",
    "domains": "write a list of the domains it grades, e.g. [Voice of the child, Planning]",
    "extra_closure_days": "write a list of dates as YYYY-MM-DD, e.g. [2025-12-29]",
    "supervision": "write each role's steps as a list, e.g. default: [{every_days: 31}]",
    "audit_instruments": "write a list of instruments, each with a name and domains",
}


class _Problems:
    """Every problem found, with the line of its field where the YAML tells it."""

    def __init__(self, source: str, lines: dict[str, int]) -> None:
        self.source = source
        self.lines = lines
        self.found: list[str] = []

    def add(self, path: str, message: str) -> None:
        line = None
        parts = path.split(".")
        while parts and line is None:
            line = self.lines.get(".".join(parts))
            parts.pop()
        where = f"{self.source}, line {line}" if line else self.source
        self.found.append(f"{where}, field '{path}': {message}")

    def raise_any(self) -> None:
        if self.found:
            shown = self.found[:30]
            more = f"\n... and {len(self.found) - 30} more" if len(self.found) > 30 else ""
            raise ConfigurationError(
                f"the practice standards have {len(self.found)} problem(s):\n"
                + "\n".join(shown)
                + more
            )


def _line_numbers(text: str) -> dict[str, int]:
    """Dotted path (list items by index) -> 1-based line, for error messages."""
    lines: dict[str, int] = {}

    def walk(node: yaml.Node, path: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = f"{path}.{key.value}" if path else str(key.value)
                lines.setdefault(name, key.start_mark.line + 1)
                walk(value, name)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                name = f"{path}.{index}" if path else str(index)
                lines.setdefault(name, item.start_mark.line + 1)
                walk(item, name)

    try:
        root = yaml.compose(text)
    except (yaml.YAMLError, ValueError, RecursionError):
        return lines
    if root is not None:
        walk(root, "")
    return lines


def _describe_error(error: Any) -> tuple[str, str]:
    path = ".".join(str(part) for part in error["loc"])
    leaf = next((str(p) for p in reversed(error["loc"]) if not isinstance(p, int)), "")
    kind = error["type"]
    if kind == "extra_forbidden":
        return path, "is not a standard; remove it or check its spelling"
    if kind == "missing":
        return path, "is missing; copy it from the built-in practice_standards.yaml"
    if kind == "value_error":
        return path, str(error["ctx"]["error"])
    hint = _HINTS.get(leaf, "see the built-in practice_standards.yaml for the layout")
    return path, f"{error['msg'][:1].lower()}{error['msg'][1:]}; {hint}"


def parse_interval(text: str) -> Interval:
    """``"10 working days"`` -> ``Interval(10, "working_days")``; ValueError when it is not a
    whole number of at least 1 and a unit within :data:`UNIT_LIMITS`."""
    match = re.fullmatch(r"\s*(\d{1,4})\s+([a-z ]+?)\s*", text.lower())
    unit = UNIT_WORDS.get(" ".join(match.group(2).split())) if match else None
    if match is None or unit is None:
        raise ValueError(
            f"{text!r} is not an interval; write a number and a unit, e.g. '10 working days', "
            "'7 days', '6 weeks' or '3 months'"
        )
    count = int(match.group(1))
    if not 1 <= count <= UNIT_LIMITS[unit]:
        word = unit.replace("_", " ")
        raise ValueError(f"must be between 1 and {UNIT_LIMITS[unit]} {word}, not {count}")
    return Interval(count, unit)


def _supervision(problems: _Problems, roles: dict[str, list[_Step]]) -> tuple[SupervisionRule, ...]:
    rules = []
    for role, steps in roles.items():
        path = f"supervision.{role}"
        if role not in SUPERVISION_ROLES:
            problems.add(path, f"is not a role; use one of {', '.join(SUPERVISION_ROLES)}")
        if not steps:
            problems.add(path, "has no steps; write at least one, e.g. [{every_days: 31}]")
        previous = 0
        for index, step in enumerate(steps):
            last = index == len(steps) - 1
            if not 1 <= step.every_days <= 366:
                problems.add(f"{path}.{index}.every_days", "must be between 1 and 366 days")
            if step.until_days is None and not last:
                problems.add(f"{path}.{index}.until_days", "is needed on every step but the last")
            elif step.until_days is not None and last:
                problems.add(
                    f"{path}.{index}.until_days",
                    "must be left out on the last step (it applies from then on)",
                )
            elif step.until_days is not None and step.until_days <= previous:
                problems.add(
                    f"{path}.{index}.until_days",
                    f"must be more than the step before ({previous} days)",
                )
            previous = step.until_days or previous
        rules.append(
            SupervisionRule(
                role, tuple(SupervisionStep(step.until_days, step.every_days) for step in steps)
            )
        )
    if "default" not in roles:
        problems.add("supervision.default", "is missing; give the schedule of every other role")
    return tuple(rules)


def _instruments(
    problems: _Problems, instruments: list[_Instrument]
) -> tuple[AuditInstrument, ...]:
    if not instruments:
        problems.add("audit_instruments", "is empty; " + _HINTS["audit_instruments"])
    names: set[str] = set()
    for index, instrument in enumerate(instruments):
        path = f"audit_instruments.{index}"
        if not instrument.name.strip():
            problems.add(f"{path}.name", "is empty; " + _HINTS["name"])
        if instrument.name in names:
            problems.add(f"{path}.name", f"{instrument.name!r} is listed twice; rename one")
        names.add(instrument.name)
        domains = [domain.strip() for domain in instrument.domains]
        if not domains or not all(domains):
            problems.add(f"{path}.domains", "needs at least one domain and no empty names")
        elif len(set(domains)) < len(domains):
            problems.add(f"{path}.domains", "lists a domain twice; list each once")
    return tuple(
        AuditInstrument(instrument.name.strip(), tuple(d.strip() for d in instrument.domains))
        for instrument in instruments
    )


def parse_standards(text: str, *, source: str) -> PracticeStandards:
    """Parse and check a practice standards document; every problem is reported at once, as a
    :class:`ConfigurationError` naming the file, the line, the field and what to write."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}, line {mark.line + 1}" if mark is not None else source
        raise ConfigurationError(
            f"{where}: not valid YAML ({getattr(exc, 'problem', None) or exc})"
        ) from None
    except (ValueError, RecursionError) as exc:  # e.g. a date that does not exist: 2025-02-30
        raise ConfigurationError(f"{source}: a value cannot be read ({exc})") from None
    if not isinstance(raw, dict):
        raise ConfigurationError(
            f"{source}: the practice standards must be a YAML mapping of sections "
            f"(version, visits, recording, reviews, supervision, audit_instruments); "
            f"copy the built-in {STANDARDS_FILE}"
        )
    problems = _Problems(source, _line_numbers(text))
    try:
        document = _Document.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            problems.add(*_describe_error(error))
        problems.raise_any()
        raise  # pragma: no cover (raise_any raised)

    visits = tuple(
        VisitRule(
            case_type,
            parse_interval(rule.first_within),
            parse_interval(rule.every),
            None
            if rule.every_after_first_year is None
            else parse_interval(rule.every_after_first_year),
        )
        for case_type, rule in (
            ("cp", document.visits.cp),
            ("cla", document.visits.cla),
            ("cin", document.visits.cin),
        )
    )
    reviews = tuple(
        ReviewRule(
            case_type,
            parse_interval(rule.first_within),
            parse_interval(rule.second_within),
            parse_interval(rule.every),
        )
        for case_type, rule in (("cp", document.reviews.cp), ("cla", document.reviews.cla))
    )
    standards = PracticeStandards(
        version=document.version,
        visits=visits,
        recording_within=parse_interval(document.recording.within),
        reviews=reviews,
        supervision=_supervision(problems, document.supervision),
        audit_instruments=_instruments(problems, document.audit_instruments),
        extra_closure_days=tuple(sorted(set(document.extra_closure_days))),
        source=source,
    )
    problems.raise_any()
    return standards


def default_standards_text() -> str:
    return files("caseload.reference").joinpath(STANDARDS_FILE).read_text(encoding="utf-8")


@cache
def default_standards() -> PracticeStandards:
    """The built-in standards (``reference/practice_standards.yaml``), parsed once."""
    return parse_standards(default_standards_text(), source="the built-in practice standards")


def load_standards(path: Path) -> PracticeStandards:
    """A council's standards file; ConfigurationError when it cannot be read or is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ConfigurationError(
            f"cannot read the practice standards file {path}: {reason}"
        ) from None
    return parse_standards(text, source=str(path))
