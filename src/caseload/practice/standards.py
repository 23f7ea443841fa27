"""The practice standards a council monitors, as data: how often children are visited under each
plan, how soon a visit is written up, when reviews fall due, how often each role is supervised and
the case file audit instruments. The defaults are the statutory and local standards in DOMAIN.md
(``reference/practice_standards.yaml``); a council versions its own beside its caseload policy.

Intervals count calendar days, weeks or months, or working days (weekdays that are not England's
bank holidays nor the council's extra closure days: :mod:`caseload.practice.calendar`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Unit = Literal["working_days", "days", "weeks", "months"]


@dataclass(frozen=True)
class Interval:
    count: int
    unit: Unit


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
