"""The "Agency rules" section of the reports on a hand-built check: counts in the internal pack,
shares only in the public report with a share hidden when 1 to 4 engagements meet or miss the
rule (the total beside it would give the counts away)."""

from __future__ import annotations

from datetime import date

import polars as pl

from caseload.reports.model import Audience
from caseload.services.report_agency import agency_section
from caseload.workforce.agency_rules import BREACH_SCHEMA, RuleCheck, compliance


def check(engagements: int, breaches: dict[str, int]) -> RuleCheck:
    rows = [
        (number, number, rule, "evidence")
        for rule, count in breaches.items()
        for number in range(1, count + 1)
    ]
    frame = pl.DataFrame(rows, schema=BREACH_SCHEMA, orient="row")
    scoped = pl.DataFrame({"engagement_id": list(range(1, engagements + 1))})
    return RuleCheck(date(2026, 9, 30), scoped, frame, compliance(engagements, frame))


def test_internal_counts_and_public_shares_with_small_numbers_hidden() -> None:
    # 20 engagements: notice missed by 2 (hidden in public), reference by 6 (shown), the others
    # met by all 20 (0 missing is not small: shown).
    found = check(20, {"notice": 2, "reference": 6})
    internal = agency_section(found, Audience.INTERNAL)
    assert internal is not None
    table = internal.tables[0]
    assert [(r["rule"][:6], r["meeting"], r["breaches"], r["share"]) for r in table.rows] == [
        ("Post-q", 20, 0, 100.0),
        ("Coolin", 20, 0, 100.0),
        ("Notice", 18, 2, 90.0),
        ("Practi", 14, 6, 70.0),
        ("Within", 20, 0, 100.0),
    ]
    assert internal.commentary[1] == (
        "The rule met least often: practice-based reference, 70.0% of engagements."
    )
    public = agency_section(found, Audience.PUBLIC)
    assert public is not None
    assert [c.key for c in public.tables[0].columns] == ["rule", "share"]
    assert [r["share"] for r in public.tables[0].rows] == [100.0, 100.0, "c", 70.0, 100.0]


def test_a_small_total_hides_every_share_in_public() -> None:
    public = agency_section(check(3, {"notice": 1}), Audience.PUBLIC)
    assert public is not None
    assert {r["share"] for r in public.tables[0].rows} == {"c"}
    assert "c agency social work engagements" in public.commentary[0]
    assert len(public.commentary) == 1


def test_no_engagement_no_section() -> None:
    assert agency_section(check(0, {}), Audience.INTERNAL) is None
    assert agency_section(None, Audience.PUBLIC) is None
