"""The board pack's and scrutiny report's "Agency rules" section: the share of agency engagements
meeting each DfE agency rule on the reporting date (figures from
:func:`caseload.services.agency.check_on`). The internal pack shows the counts; the public
report shows the shares only, hiding (``c``) a share whose engagements meeting or not meeting the
rule number 1 to 4, since with the total beside it a share gives the counts away. No names."""

from __future__ import annotations

from caseload.domain.disclosure import SUPPRESSED, is_small
from caseload.reports.model import Audience, Cell, Column, ColumnKind, Section, Table
from caseload.workforce.agency_rules import RuleCheck

TITLES = {
    "pqe": "Post-qualifying experience (at least 3 years)",
    "cooling_off": "Cooling-off (not agency within 3 months of leaving in the region)",
    "notice": "Notice period (at least 4 weeks)",
    "reference": "Practice-based reference",
    "price_cap": "Within the price cap, or signed off",
}


def agency_section(check: RuleCheck | None, audience: Audience) -> Section | None:
    """None when the council holds no agency engagement the rules apply to on the date."""
    if check is None or check.engagements.height == 0:
        return None
    public = audience is Audience.PUBLIC
    total = check.engagements.height
    rows: list[dict[str, Cell]] = []
    for row in check.compliance.to_dicts():
        hidden = public and (is_small(row["meeting"]) or is_small(row["breaches"]))
        cells: dict[str, Cell] = {
            "rule": TITLES[row["rule"]],
            "share": SUPPRESSED if hidden else row["share"],
        }
        if not public:
            cells.update(meeting=row["meeting"], breaches=row["breaches"])
        rows.append(cells)
    columns = [Column("rule", "Rule")]
    if not public:
        columns += [
            Column("meeting", "Meeting it", ColumnKind.COUNT),
            Column("breaches", "Not meeting it", ColumnKind.COUNT),
        ]
    columns.append(Column("share", "Share meeting it", ColumnKind.PERCENT, 1))
    shown_total: Cell = SUPPRESSED if public and is_small(total) else total
    lowest = min(check.compliance.to_dicts(), key=lambda r: r["share"])
    lines = [
        f"On {check.as_at:%-d %B %Y} the council had {shown_total} agency social work "
        "engagements that DfE's agency rules apply to."
    ]
    if not public or not (is_small(lowest["meeting"]) or is_small(lowest["breaches"])):
        lines.append(
            f"The rule met least often: {TITLES[lowest['rule']].lower()}, "
            f"{lowest['share']:.1f}% of engagements."
        )
    return Section(
        "agency",
        "Agency rules",
        tuple(lines),
        (
            Table(
                "Agency engagements meeting each rule",
                tuple(columns),
                tuple(rows),
                note=None
                if not public
                else "c: hidden, as fewer than 5 engagements are behind it.",
            ),
        ),
        notes=(
            "DfE's statutory guidance on agency child and family social workers (31 October "
            "2024; every assignment from 1 October 2025). The price caps are the region's, as "
            "set in the council's price cap file.",
        ),
    )
