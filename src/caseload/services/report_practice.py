"""The practice section of the board pack and the scrutiny report: statutory visits and their
recording, reviews, supervision and case file audits (:mod:`caseload.services.practice`), and the
same figures by the worker's caseload band, stated as an association. It appears only when the
council's practice records are in Caseload.

A public report shows the council's own figures only (no service or team rows), hides a count of
1 to 4 and the rates built on it, and keeps the audit grades' total so no hidden grade can be
worked out by subtraction (:func:`caseload.services.report_people.protect_counts`)."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from caseload.domain.disclosure import SUPPRESSED, is_small
from caseload.practice.linked import LINKED_METHOD
from caseload.reports.model import Audience, Cell, Column, ColumnKind, Section, Table
from caseload.services.practice import AUDIT_MONTHS, PERIOD_MONTHS, PracticeDay
from caseload.services.report_people import protect_counts

COUNT = ColumnKind.COUNT
NUMBER = ColumnKind.NUMBER
NO_TEAM_NOW = "Workers no longer in a team (left or moved)"
SMALL_GROUP = 10  # a band with fewer events is not shown in a public report


def _day(value: object) -> str:
    return value.strftime("%-d %B %Y") if hasattr(value, "strftime") else str(value)


def _rows(
    frame: pl.DataFrame, columns: Sequence[Column], rename: dict[str, str]
) -> tuple[dict[str, Cell], ...]:
    return tuple(
        {column.key: row.get(rename.get(column.key, column.key)) for column in columns}
        for row in frame.iter_rows(named=True)
    )


def _rate(part: Cell, whole: Cell, rate: Cell, public: bool) -> Cell:
    """A rate, hidden in public when either count it is built from is small."""
    if public and (
        (isinstance(part, int) and is_small(part))
        or (isinstance(whole, int) and isinstance(part, int) and is_small(whole - part))
    ):
        return SUPPRESSED
    return rate


def practice_section(day: PracticeDay | None, audience: Audience) -> Section | None:
    if day is None or not (day.has_visits or day.has_supervision or day.has_audits):
        return None
    public = audience is Audience.PUBLIC
    period = f"{_day(day.period_start)} to {_day(day.as_at)}"
    tables: list[Table] = []
    lines: list[str] = []
    if day.has_visits:
        tables.extend(_visit_tables(day, public, period))
        council = day.visits.row(0, named=True) if day.visits.height else {}
        if council.get("on_time_rate") is not None:
            judged = council["on_time"] + council["late"] + council["missed"]
            lines.append(
                f"{council['on_time_rate']:.1f}% of statutory visits due from {period} were made "
                f"on time ({council['on_time']:,} of {judged:,})."
            )
        band_line = _band_sentence(day.visits_by_band, public)
        if band_line:
            lines.append(band_line)
        recorded = day.recording.row(0, named=True) if day.recording.height else {}
        if recorded.get("on_time_rate") is not None:
            lines.append(
                f"{recorded['on_time_rate']:.1f}% of visits were written up within the standard."
            )
    if day.has_reviews and day.reviews.height:
        tables.append(_review_table(day, public, period))
    if day.has_supervision:
        tables.extend(_supervision_tables(day, public, period))
        compliance = day.supervision["compliance"][0] if day.supervision.height else None
        if compliance is not None:
            overdue = day.supervision_overdue
            line = f"Supervision was up to date on {compliance:.1f}% of worker-days"
            if not (public and is_small(overdue)):
                who = "worker is" if overdue == 1 else "workers are"
                line += f"; {overdue} {who} overdue a supervision on the reporting date"
            lines.append(line + ".")
    if day.has_audits:
        tables.extend(_audit_tables(day, public))
    notes = [
        f"Visits, recording, reviews and supervision are for the {PERIOD_MONTHS} months to the "
        f"reporting date, audits for the {AUDIT_MONTHS} months to it, against the council's "
        "practice standards (working days skip weekends and England's bank holidays).",
        LINKED_METHOD,
    ]
    return Section(
        "practice",
        "Quality of practice: visits, recording, supervision and audits",
        tuple(lines),
        tuple(tables),
        notes=tuple(notes),
    )


def _visit_tables(day: PracticeDay, public: bool, period: str) -> list[Table]:
    columns = (
        Column("name", "Service"),
        Column("due", "Visits due", COUNT),
        Column("on_time", "On time", COUNT),
        Column("late", "Late", COUNT),
        Column("missed", "Missed", COUNT),
        Column("on_time_rate", "On time (%)", NUMBER, 1),
    )
    tables: list[Table] = []
    if public:
        row = day.visits.row(0, named=True)
        done = int(row["on_time"] + row["late"] + row["missed"])
        tables.append(
            Table(
                f"Statutory visits due, {period}",
                (
                    Column("name", "Council"),
                    Column("due", "Visits due", COUNT),
                    Column("on_time_rate", "On time (%)", NUMBER, 1),
                ),
                (
                    {
                        "name": "The council",
                        "due": row["due"],
                        "on_time_rate": _rate(row["on_time"], done, row["on_time_rate"], True),
                    },
                ),
            )
        )
    else:
        rows = [
            {**row, "name": row["service"] or NO_TEAM_NOW}
            for row in day.visits_by_service.sort("service", nulls_last=True).iter_rows(named=True)
        ]
        total = day.visits.row(0, named=True)
        rows.append({**total, "name": "All services"})
        tables.append(
            Table(
                f"Statutory visits due, {period}, by service",
                columns,
                _rows(pl.DataFrame(rows), columns, {}),
                note="A visit due is each visit the standards required in the period; one made "
                "after its window is late, one not made by the end of the period is missed.",
            )
        )
    seen = day.seen.row(0, named=True) if day.seen.height else None
    if seen is not None:
        values = {
            "Children with a visit plan on the reporting date": seen["children"],
            "Of whom with a visit overdue": seen["overdue"],
            "Not seen at their last visit": seen["not_seen"],
            "Not seen alone at their last visit": seen["not_seen_alone"],
        }
        tables.append(
            Table(
                f"Children visited, {_day(day.as_at)}",
                (Column("name", "Children"), Column("value", "Number", COUNT)),
                tuple(
                    {"name": name, "value": SUPPRESSED if public and is_small(value) else value}
                    for name, value in values.items()
                ),
            )
        )
    if not public and day.recording_by_service.height:
        columns = (
            Column("name", "Service"),
            Column("visits", "Visits made", COUNT),
            Column("on_time", "Written up on time", COUNT),
            Column("late", "Late", COUNT),
            Column("not_due_yet", "Not due yet", COUNT),
            Column("on_time_rate", "On time (%)", NUMBER, 1),
        )
        rows = [
            {**row, "name": row["service"] or NO_TEAM_NOW}
            for row in day.recording_by_service.sort("service", nulls_last=True).iter_rows(
                named=True
            )
        ]
        tables.append(
            Table(
                f"Visits written up, {period}, by service",
                columns,
                _rows(pl.DataFrame(rows), columns, {}),
            )
        )
    if day.visits_by_band.height:
        tables.append(
            _band_table(
                day.visits_by_band,
                "visits",
                "share_on_time",
                "Visits on time by the worker's caseload that day",
                "Visits due",
                public,
            )
        )
    return tables


def _band_table(
    frame: pl.DataFrame, count: str, share: str, title: str, label: str, public: bool
) -> Table:
    rows = []
    for row in frame.iter_rows(named=True):
        small = public and row[count] < SMALL_GROUP
        rows.append(
            {
                "band": row["band_label"],
                "count": SUPPRESSED if small else row[count],
                "share": SUPPRESSED if small else row[share],
            }
        )
    return Table(
        title,
        (
            Column("band", "Caseload that day"),
            Column("count", label, COUNT),
            Column("share", "Share (%)", NUMBER, 1),
        ),
        tuple(rows),
        note="An association, not a cause: see the note at the end of this section.",
    )


def _band_sentence(frame: pl.DataFrame, public: bool) -> str | None:
    bands = {row["band"]: row for row in frame.iter_rows(named=True)}
    red, green = bands.get("red"), bands.get("green")
    if not red or not green or red["share_on_time"] is None or green["share_on_time"] is None:
        return None
    if public and (red["visits"] < SMALL_GROUP or green["visits"] < SMALL_GROUP):
        return None
    return (
        f"Children of workers {red['band_label']} were visited on time "
        f"{red['share_on_time']:.0f}% of the time, against {green['share_on_time']:.0f}% for "
        f"workers {green['band_label']} (an association, not a cause)."
    )


def _review_table(day: PracticeDay, public: bool, period: str) -> Table:
    names = {"cp": "Child protection reviews", "cla": "Looked-after child reviews"}
    rows = []
    for row in day.reviews.iter_rows(named=True):
        held = int(row["on_time"] + row["late"] + row["missed"])
        rows.append(
            {
                "name": names.get(row["case_type"], row["case_type"]),
                "due": SUPPRESSED if public and is_small(row["due"]) else row["due"],
                "rate": _rate(row["on_time"], held, row["on_time_rate"], public),
            }
        )
    return Table(
        f"Reviews due, {period}",
        (
            Column("name", "Review"),
            Column("due", "Reviews due", COUNT),
            Column("rate", "Held on time (%)", NUMBER, 1),
        ),
        tuple(rows),
    )


def _supervision_tables(day: PracticeDay, public: bool, period: str) -> list[Table]:
    columns = (
        Column("name", "Team"),
        Column("workers", "Workers", COUNT),
        Column("compliance", "Up to date (% of worker-days)", NUMBER, 1),
    )
    if public:
        rows = day.supervision.with_columns(pl.lit("The council").alias("name"))
    else:
        rows = pl.concat(
            [
                day.supervision_by_team.sort("team")
                .with_columns(pl.col("team").fill_null("No team").alias("name"))
                .select("name", "workers", "compliance"),
                day.supervision.with_columns(pl.lit("All teams").alias("name")).select(
                    "name", "workers", "compliance"
                ),
            ]
        )
    return [
        Table(
            f"Supervision, {period}" + ("" if public else ", by team"),
            columns,
            _rows(rows, columns, {}),
            note="A worker-day is up to date when the worker's last supervision is within the "
            "interval their role's schedule sets (ASYE: weekly, then fortnightly, then monthly).",
        )
    ]


def _audit_tables(day: PracticeDay, public: bool) -> list[Table]:
    period = f"{_day(day.audit_start)} to {_day(day.as_at)}"
    grades: list[dict[str, Cell]] = [
        {"name": row["label"], "y": int(row["audits"])} for row in day.grades.iter_rows(named=True)
    ]
    grades.append({"name": "All audits", "y": sum(int(row["y"] or 0) for row in grades)})
    shown = protect_counts(grades, ["y"], total_row=True) if public else grades
    total = int(grades[-1]["y"] or 0)
    tables = [
        Table(
            f"Case file audits, {period}: final grades",
            (
                Column("name", "Grade"),
                Column("y", "Audits", COUNT),
                Column("share", "Share (%)", NUMBER, 1),
            ),
            tuple(
                {
                    **row,
                    "share": SUPPRESSED
                    if row["y"] == SUPPRESSED
                    else (round(100.0 * int(row["y"] or 0) / total, 1) if total else None),
                }
                for row in shown
            ),
            note="The final grade is the moderated grade where the audit was moderated.",
        )
    ]
    moderation = day.moderation
    kappa = moderation.kappa.value if moderation.kappa is not None else None
    weighted = moderation.weighted_kappa.value if moderation.weighted_kappa is not None else None
    tables.append(
        Table(
            "Moderation",
            (Column("name", "Measure"), Column("value", "Value", NUMBER, 2)),
            (
                {"name": "Audits moderated", "value": moderation.moderated},
                {"name": "Grade kept (%)", "value": moderation.agreed_share},
                {"name": "Moved up (%)", "value": moderation.moved_up_share},
                {"name": "Moved down (%)", "value": moderation.moved_down_share},
                {"name": "Agreement beyond chance (Cohen's kappa)", "value": kappa},
                {"name": "Agreement allowing for near misses (weighted kappa)", "value": weighted},
            ),
            note=moderation.note
            or "Kappa is 1 when auditor and moderator always agree and 0 when they agree no more "
            "than chance would.",
        )
    )
    if day.themes.height:
        rows = [
            {"name": row["theme"].capitalize(), "audits": row["audits"]}
            for row in day.themes.head(10).iter_rows(named=True)
            if not (public and is_small(row["audits"]))
        ]
        if rows:
            tables.append(
                Table(
                    "Learning themes most often named",
                    (Column("name", "Theme"), Column("audits", "Audits naming it", COUNT)),
                    tuple(rows),
                )
            )
    if day.grades_by_band.height:
        tables.append(
            _band_table(
                day.grades_by_band,
                "audits",
                "share_good_or_better",
                "Audits graded good or better by the worker's caseload that day",
                "Audits",
                public,
            )
        )
    return tables
