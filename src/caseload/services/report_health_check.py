"""The board pack's and scrutiny report's section "What staff told us": the latest staff health
check closed by the reporting date, as the audience's reader sees it on the page (the public
report as an elected member: the council and its service areas; the internal one as the service
leader: teams too). Hidden groups stay hidden: the figures come from
:func:`caseload.services.health_check.health_check_view`."""

from __future__ import annotations

from typing import Any

from caseload.reports.model import Audience, Cell, Column, ColumnKind, Section, Table

SHOWN = {Audience.PUBLIC: ("service",), Audience.INTERNAL: ("service", "team")}


def _signed(change: float | None) -> str:
    if change is None:
        return "no comparison"
    if change == 0:
        return "no change"
    return f"{'up' if change > 0 else 'down'} {abs(change):.1f} points"


def health_check_section(context: dict[str, Any] | None, audience: Audience) -> Section | None:
    """The section, or None when no survey closed by the reporting date is loaded."""
    if context is None or context["survey"] is None:
        return None
    survey, council = context["survey"], context["council"]
    before = context["previous_year"]
    lines = [
        f"{survey['title']} closed on {survey['closed']}: {council['responses']} people answered "
        f"and {council['share']:.1f}% of answers were favourable (agree or strongly agree)"
        + (f", {_signed(council['change'])} since {before}." if before else ".")
    ]
    themes = [t for t in context["themes"] if t["share"] is not None]
    if themes:
        best = max(themes, key=lambda t: t["share"])
        worst = min(themes, key=lambda t: t["share"])
        lines.append(
            f"Most favourable theme: {best['theme']} ({best['share']:.1f}%); least favourable: "
            f"{worst['theme']} ({worst['share']:.1f}%)."
        )
    change = Column("change", f"Change since {before}", ColumnKind.POINTS, 1)
    theme_columns = [
        Column("theme", "Theme"),
        Column("share", f"Favourable {survey['year']} (%)", ColumnKind.PERCENT, 1),
    ]
    if before:
        theme_columns.append(change)
    tables = [
        Table(
            "Favourable answers by theme",
            tuple(theme_columns),
            tuple(
                {"theme": t["theme"], "share": t["share"], "change": t["change"]}
                for t in context["themes"]
            ),
        )
    ]
    minimum = context["minimum"]
    for dimension in SHOWN[audience]:
        block = context["groups"].get(dimension)
        if not block or not block["rows"]:
            continue
        columns = [
            Column("group", block["label"]),
            Column("responses", "Responses", ColumnKind.COUNT),
            Column("share", "Favourable (%)", ColumnKind.PERCENT, 1),
        ]
        if before:
            columns.append(change)
        rows: list[dict[str, Cell]] = [
            {
                "group": row["group"],
                "responses": row["responses"],
                "share": row["share"],
                "change": row["change"],
            }
            for row in block["rows"]
        ]
        tables.append(
            Table(
                f"Favourable answers by {block['label'].lower()}",
                tuple(columns),
                tuple(rows),
                note=f"Blank: not shown, because the group had fewer than {minimum} responses or "
                "would let a smaller group be worked out.",
            )
        )
    return Section(
        "health_check",
        "What staff told us",
        tuple(lines),
        tuple(tables),
        notes=(
            "Responses carry only team, role and experience band; comments are never stored. "
            f"Groups with fewer than {minimum} responses are never shown.",
        ),
    )
