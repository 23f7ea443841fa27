"""Practice standards built by hand for the practice tests (the YAML file is not needed)."""

from __future__ import annotations

from caseload.practice.standards import (
    AuditInstrument,
    Interval,
    PracticeStandards,
    SupervisionRule,
    SupervisionStep,
)

# ASYE: weekly to 6 weeks (day 42), fortnightly to 6 months (day 182), then every 28 days;
# everyone else every 28 days.
STANDARDS = PracticeStandards(
    version=1,
    visits=(),
    recording_within=Interval(5, "working_days"),
    reviews=(),
    supervision=(
        SupervisionRule(
            "asye",
            (SupervisionStep(42, 7), SupervisionStep(182, 14), SupervisionStep(None, 28)),
        ),
        SupervisionRule("default", (SupervisionStep(None, 28),)),
    ),
    audit_instruments=(AuditInstrument("standard", ("voice of the child", "planning")),),
)
