"""The caseload policy: points per case, caps per role, protections, bands and escalation ages.

A policy is a small YAML document (the default ships in ``reference/caseload_policy.yaml``).
Loading checks every field and reports problems by file, line and field with what to do."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from caseload.domain import CaseType, Role
from caseload.errors import InvalidInputError

DEFAULT_POLICY_NAME = "caseload_policy.yaml"
CASE_HOLDING_ROLES = [role.value for role in Role if role.holds_cases]
CASE_TYPES = [case.value for case in CaseType]

# Settings added after the first version: optional, so policies stored before them still load.
DEFAULT_PHASED_RETURN_DAYS = 28
DEFAULT_LONG_ABSENCE_DAYS = 28
DEFAULT_PRIORITY: tuple[str, ...] = ("cp", "cla", "assessment", "cin", "care_leaver")


@dataclass(frozen=True)
class RoleCap:
    cases: int
    points: float
    target_cases: int | None = None


@dataclass(frozen=True)
class CaseloadPolicy:
    points: dict[str, float]  # per CaseType value
    proceedings_points: float
    caps: dict[str, RoleCap]  # per case-holding Role value
    asye_sole_case_types: frozenset[str]
    asye_sole_proceedings: bool
    co_worker_roles: frozenset[str]
    phased_return: float
    span_of_control: int
    asye_per_advanced_practitioner: int
    band_green: int
    band_amber: int
    review_days: int
    escalate_days: int
    exclude_leaving_within_days: int
    allow_cross_team: bool
    phased_return_days: int = DEFAULT_PHASED_RETURN_DAYS
    long_absence_days: int = DEFAULT_LONG_ABSENCE_DAYS
    priority: tuple[str, ...] = DEFAULT_PRIORITY

    def band(self, cases: float) -> str:
        """Red, amber or green for a caseload (cases per FTE; a full-time worker's case count)."""
        if cases <= self.band_green + 1e-9:
            return "green"
        if cases <= self.band_amber + 1e-9:
            return "amber"
        return "red"

    def case_points(self, case_type: str | None, proceedings: bool) -> float:
        """Weighted points of one case: its type's points, plus the proceedings points while the
        child is in pre-proceedings or care proceedings. A child with no open status scores 0."""
        base = self.points.get(case_type, 0.0) if case_type is not None else 0.0
        return base + (self.proceedings_points if proceedings else 0.0)

    def protected(self, case_type: str | None, proceedings: bool) -> bool:
        """Whether an ASYE may hold this case only with a co-worker (DOMAIN.md section 3)."""
        return case_type in self.asye_sole_case_types or (
            proceedings and self.asye_sole_proceedings
        )

    def priority_rank(self, case_type: str | None, proceedings: bool) -> int:
        """0 for the most urgent. A child in proceedings ranks with the first type listed."""
        if proceedings:
            return 0
        if case_type in self.priority:
            return self.priority.index(case_type)
        return len(self.priority)


class _Reader:
    """Walks the parsed YAML, collecting every problem with its line and field."""

    def __init__(self, source: str, lines: dict[str, int]) -> None:
        self.source = source
        self.lines = lines
        self.problems: list[str] = []

    def problem(self, field: str, message: str) -> None:
        line = self.lines.get(field) or self.lines.get(field.rsplit(".", 1)[0])
        where = f"{self.source}, line {line}" if line else self.source
        self.problems.append(f"{where}, field '{field}': {message}")

    def section(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key)
        if not isinstance(value, dict):
            self.problem(key, "is missing or is not a mapping; copy it from the default policy")
            return {}
        return value

    def number(
        self, data: dict[str, Any], key: str, field: str, *, low: float, high: float
    ) -> float:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(field, f"must be a number between {low:g} and {high:g}, not {value!r}")
            return low
        if not low <= value <= high:
            self.problem(field, f"must be between {low:g} and {high:g}, not {value:g}")
        return float(value)

    def whole(self, data: dict[str, Any], key: str, field: str, *, low: int, high: int) -> int:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(field, f"must be a whole number between {low} and {high}, not {value!r}")
            return low
        if not low <= value <= high:
            self.problem(field, f"must be between {low} and {high}, not {value}")
        return value

    def flag(self, data: dict[str, Any], key: str, field: str) -> bool:
        value = data.get(key)
        if not isinstance(value, bool):
            self.problem(field, f"must be true or false, not {value!r}")
            return False
        return value

    def names(self, data: dict[str, Any], key: str, field: str, allowed: list[str]) -> list[str]:
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(field, f"must be a list chosen from {', '.join(allowed)}")
            return []
        for item in value:
            if item not in allowed:
                self.problem(field, f"{item!r} is not one of {', '.join(allowed)}")
        return [item for item in value if item in allowed]


FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""PyYAML's safe loader on libyaml when it is there (a tenth of the time: every council's data
read parses its policy), else PyYAML's own."""


def _line_numbers(text: str) -> dict[str, int]:
    """Dotted key path -> 1-based line, for error messages."""
    lines: dict[str, int] = {}

    def walk(node: yaml.Node, path: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = f"{path}.{key.value}" if path else str(key.value)
                lines[name] = key.start_mark.line + 1
                walk(value, name)

    try:
        root = yaml.compose(text, Loader=FAST_LOADER)
    except yaml.YAMLError:
        return lines
    if root is not None:
        walk(root, "")
    return lines


def parse_policy(text: str, *, source: str) -> CaseloadPolicy:
    """Parse and check a policy document; every problem is reported at once."""
    try:
        data = yaml.load(text, Loader=FAST_LOADER)
    except yaml.YAMLError:
        data = None
    try:
        # A document libyaml refuses is read again by PyYAML's own parser, whose messages (and
        # line numbers) are the ones we report.
        data = yaml.safe_load(text) if data is None else data
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}, line {mark.line + 1}" if mark is not None else source
        raise InvalidInputError(
            f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})"
        ) from None
    if not isinstance(data, dict):
        raise InvalidInputError(f"{source}: a policy must be a YAML mapping of sections")
    r = _Reader(source, _line_numbers(text))
    unknown = set(data) - {
        "version", "points", "caps", "asye_protection", "phased_return", "phased_return_days",
        "long_absence_days", "span_of_control", "asye_per_advanced_practitioner", "bands",
        "unallocated", "allocation",
    }  # fmt: skip
    for key in sorted(unknown):
        r.problem(key, "is not a policy setting; remove it or check its spelling")
    if data.get("version") != 1:
        r.problem("version", f"must be 1, not {data.get('version')!r}")

    points_section = r.section(data, "points")
    points = {
        case.value: r.number(points_section, case.value, f"points.{case.value}", low=0, high=10)
        for case in CaseType
    }
    proceedings = r.number(points_section, "proceedings", "points.proceedings", low=0, high=10)

    caps_section = r.section(data, "caps")
    caps: dict[str, RoleCap] = {}
    for role in CASE_HOLDING_ROLES:
        entry = caps_section.get(role)
        field = f"caps.{role}"
        if not isinstance(entry, dict):
            r.problem(field, "is missing; give cases and points for every case-holding role")
            continue
        target = entry.get("target_cases")
        caps[role] = RoleCap(
            cases=r.whole(entry, "cases", f"{field}.cases", low=0, high=100),
            points=r.number(entry, "points", f"{field}.points", low=0, high=150),
            target_cases=None
            if target is None
            else r.whole(entry, "target_cases", f"{field}.target_cases", low=0, high=100),
        )
        chosen_target = caps[role].target_cases
        if chosen_target is not None and chosen_target > caps[role].cases:
            r.problem(f"{field}.target_cases", "must not be above the cap (cases)")
    for role in set(caps_section) - set(CASE_HOLDING_ROLES):
        r.problem(f"caps.{role}", f"is not a case-holding role ({', '.join(CASE_HOLDING_ROLES)})")

    protection = r.section(data, "asye_protection")
    sole_types = r.names(
        protection,
        "sole_case_types",
        "asye_protection.sole_case_types",
        [c.value for c in CaseType],
    )
    sole_proceedings = r.flag(protection, "sole_proceedings", "asye_protection.sole_proceedings")
    co_roles = r.names(
        protection, "co_worker_roles", "asye_protection.co_worker_roles", CASE_HOLDING_ROLES
    )
    if "asye" in co_roles:
        r.problem("asye_protection.co_worker_roles", "an ASYE cannot be the protecting co-worker")

    bands = r.section(data, "bands")
    green = r.whole(bands, "green", "bands.green", low=0, high=100)
    amber = r.whole(bands, "amber", "bands.amber", low=0, high=100)
    if amber < green:
        r.problem("bands.amber", f"must be at least bands.green ({green})")

    unallocated = r.section(data, "unallocated")
    review = r.whole(unallocated, "review_days", "unallocated.review_days", low=1, high=365)
    escalate = r.whole(unallocated, "escalate_days", "unallocated.escalate_days", low=1, high=365)
    if escalate < review:
        r.problem("unallocated.escalate_days", f"must be at least review_days ({review})")

    allocation = r.section(data, "allocation")
    known = {"exclude_leaving_within_days", "allow_cross_team", "priority"}
    for key in sorted(set(allocation) - known):
        r.problem(f"allocation.{key}", "is not an allocation setting; check its spelling")
    priority = DEFAULT_PRIORITY
    if "priority" in allocation:
        chosen = r.names(allocation, "priority", "allocation.priority", CASE_TYPES)
        if sorted(chosen) != sorted(CASE_TYPES):
            r.problem(
                "allocation.priority",
                f"must list every case type once, most urgent first ({', '.join(CASE_TYPES)})",
            )
        priority = tuple(chosen)
    lengths = {
        key: r.whole(data, key, key, low=1, high=365) if key in data else default
        for key, default in (
            ("phased_return_days", DEFAULT_PHASED_RETURN_DAYS),
            ("long_absence_days", DEFAULT_LONG_ABSENCE_DAYS),
        )
    }
    policy = CaseloadPolicy(
        points=points,
        proceedings_points=proceedings,
        caps=caps,
        asye_sole_case_types=frozenset(sole_types),
        asye_sole_proceedings=sole_proceedings,
        co_worker_roles=frozenset(co_roles),
        phased_return=r.number(data, "phased_return", "phased_return", low=0, high=1),
        span_of_control=r.whole(data, "span_of_control", "span_of_control", low=1, high=50),
        asye_per_advanced_practitioner=r.whole(
            data, "asye_per_advanced_practitioner", "asye_per_advanced_practitioner", low=1, high=50
        ),
        band_green=green,
        band_amber=amber,
        review_days=review,
        escalate_days=escalate,
        exclude_leaving_within_days=r.whole(
            allocation,
            "exclude_leaving_within_days",
            "allocation.exclude_leaving_within_days",
            low=0,
            high=365,
        ),
        allow_cross_team=r.flag(allocation, "allow_cross_team", "allocation.allow_cross_team"),
        phased_return_days=lengths["phased_return_days"],
        long_absence_days=lengths["long_absence_days"],
        priority=priority,
    )
    if r.problems:
        shown = r.problems[:30]
        more = f"\n... and {len(r.problems) - 30} more" if len(r.problems) > 30 else ""
        raise InvalidInputError(
            f"the caseload policy has {len(r.problems)} problem(s):\n" + "\n".join(shown) + more
        )
    return policy


def default_policy_text() -> str:
    return files("caseload.reference").joinpath(DEFAULT_POLICY_NAME).read_text(encoding="utf-8")


def default_policy() -> CaseloadPolicy:
    return parse_policy(default_policy_text(), source="the default policy")


def load_policy(path: Path) -> CaseloadPolicy:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError(f"cannot read the policy file {path}: {exc.strerror}") from None
    return parse_policy(text, source=str(path))
