"""Disclosure control for the caseload figures that elected members see, through the one set of
rules in :mod:`caseload.domain.disclosure`.

The overview, the caseloads pages (council and service area), the team pages, the unallocated
queue, the workforce page's breakdowns and their API endpoints (``/api/v1/overview``,
``/api/v1/caseloads``, ``/api/v1/teams``, ``/api/v1/teams/ID``, ``/api/v1/caseloads/queue``,
``/api/v1/census/indicators?by=team``) show overlapping figures, and anyone can put the pages
side by side. So the figures go into one :class:`~caseload.domain.disclosure.Grid` with every
way they add up, it is protected once per state of the data, and every page shows its cells
through the same :class:`Shield`. A cell hidden on one page is hidden on all of them.

The cells and how they add up:

- per team and per service area: case holders, cases, red / amber / green workers, absent
  workers, FTE and points (service = the sum of its teams; council = the sum of the service
  areas; case holders = red + amber + green where that holds), ASYEs, advanced practitioners,
  managers and rules broken (council = the sum of the teams where that holds);
- figures built from a group (its FTE, points, utilisation, DfE caseload, span of control) are
  hidden with the group's case holders or cases (or managers);
- case holders by number of cases held (the bands add up to the council's case holders; each
  share is built from its band);
- rules broken by rule and alerts by kind and severity (they add up to the totals shown);
- the unallocated queue: children, escalate / review / new, and children and escalations by home
  team (with the longest wait built from them), by service area for the service pages;
- the team pages (a team, or a service area with its teams): cases at each month end and the
  children waiting (a service area's = the sum of its teams' where that holds; the latest month
  end is the team's, or the service area's, cases on the day when that is a month end; a service
  area page's children waiting are its service area's);
- the census breakdowns by team and by role of the census years whose 30 September is on the
  team pages (:func:`caseload.services.census_view.census_cells`), linked to them: a team's
  census cases are its cases at that month end, and, on the report's own day, its case holders'
  FTE is the team's FTE.

Every caseload figure a member sees is a cell of this grid."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from caseload.auth.principal import Principal
from caseload.caseloads.queue import waiting_by_home_team
from caseload.caseloads.report import CaseloadReport
from caseload.domain.disclosure import Grid, Protection, Shown
from caseload.services.census_view import Row, census_cells

Cell = tuple[Hashable, ...]

# Per team: counts of people or cases, and figures built from them.
TEAM_COUNTS = (
    "case_holders",
    "cases",
    "red",
    "amber",
    "green",
    "absent",
    "asye",
    "advanced",
    "managers",
    "rules_broken",
)
SERVICE_COUNTS = ("case_holders", "cases", "red", "amber", "green", "absent", "rules_broken")
GROUP_FIGURES: dict[str, tuple[str, ...]] = {
    "fte": ("case_holders",),
    "points": ("case_holders", "cases"),
    "utilisation": ("case_holders", "cases"),
    "dfe_caseload": ("case_holders", "cases"),
    "span": ("managers",),
}
# Columns that add up from teams to service areas to the council.
ADDITIVE = ("case_holders", "cases", "red", "amber", "green", "absent", "fte", "points")
COUNCIL_SHOWN = ("case_holders", "cases", "fte", "rules_broken", "unallocated", "escalate")
QUEUE_STATUSES = ("escalate", "review", "new")


@dataclass(frozen=True)
class Shield:
    """How one audience sees caseload figures: as they are (``protection`` None) or through the
    protection of the council's grid, which holds the ``census`` breakdowns (by year) too."""

    protection: Protection[Cell] | None
    census: Mapping[int, Mapping[str, list[Row]]] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.protection is not None

    def show(self, cell: Cell, value: Shown) -> Shown:
        """A figure of the grid as shown: ``c`` when hidden for this audience."""
        if self.protection is None:
            return value
        return self.protection.show(cell, value)

    def hides(self, cell: Cell) -> bool:
        return self.protection is not None and cell in self.protection.hidden


OPEN = Shield(None)


@dataclass(frozen=True)
class TeamPage:
    """The figures of one team's page: its month-end cases (month end as ISO text, cases) and the
    children waiting for it (with its sub-teams)."""

    team_id: int
    parent_id: int | None
    name: str
    history: tuple[tuple[str, int], ...]
    waiting: int


@dataclass(frozen=True)
class CensusYear:
    """A census year's breakdowns (``tables``: ``team`` and ``role`` rows as the workforce page
    shows them) with the council's totals, and its reference date (30 September, ISO)."""

    year: int
    reference: str
    tables: dict[str, list[Row]]
    totals: Row | None


def census_prefix(year: int) -> Cell:
    """The cells of a census year's breakdowns are ``(*census_prefix(year), table, index, col)``."""
    return ("census", year)


def history_cell(team_id: int, month_end: str) -> Cell:
    return ("history", team_id, month_end)


def waiting_cell(team_id: int) -> Cell:
    return ("waiting", team_id)


def team_cell(team_id: int | None, column: str) -> Cell:
    return ("team", team_id, column)


def service_cell(service: str | None, column: str) -> Cell:
    return ("service", service, column)


def council_cell(column: str) -> Cell:
    return ("council", column)


def rule_cell(rule: str, service: str | None = None) -> Cell:
    """A rule's count of breaches: the council's, or in a service area's teams."""
    return ("rule", rule) if service is None else ("service_rule", service, rule)


def home_cell(home_team: str, column: str) -> Cell:
    return ("home", home_team, column)


def shield_for(
    principal: Principal,
    report: CaseloadReport,
    pages: Sequence[TeamPage] = (),
    census: Sequence[CensusYear] = (),
) -> Shield:
    """The shield for the principal: protected for roles whose figures are suppressed. The
    caller caches it with the report (see :func:`caseload.services.caseload_views.shield_of`)."""
    if not principal.suppress_small_numbers:
        return OPEN
    grid = caseload_grid(report, pages, census)
    return Shield(grid.protect(), census={year.year: year.tables for year in census})


def _int(value: Any) -> int:
    return 0 if value is None else int(value)


def caseload_grid(
    report: CaseloadReport, pages: Sequence[TeamPage] = (), census: Sequence[CensusYear] = ()
) -> Grid[Cell]:
    """Every caseload figure a page can show from ``report`` (with the team ``pages`` and the
    ``census`` breakdowns), and how they add up."""
    grid: Grid[Cell] = Grid()
    teams = report.teams
    per_team = dict(
        report.breaches.filter(pl.col("team_id").is_not_null())
        .group_by("team_id")
        .len()
        .iter_rows()
    )
    by_service: dict[str | None, list[int | None]] = {}
    for row in teams.iter_rows(named=True):
        team_id = row["team_id"]
        by_service.setdefault(row["service"], []).append(team_id)
        values = {**row, "rules_broken": per_team.get(team_id, 0)}
        _group(grid, ("team", team_id), values, TEAM_COUNTS)
    queue = report.queue
    for row in report.services.iter_rows(named=True):
        service = row["service"]
        members = by_service.get(service, [])
        ids = [team_id for team_id in members if team_id is not None]
        values = {**row, "rules_broken": sum(per_team.get(t, 0) for t in ids)}
        _group(grid, ("service", service), values, SERVICE_COUNTS)
        for column in (*ADDITIVE, "rules_broken"):
            grid.add_sum_if_exact(
                service_cell(service, column), [team_cell(t, column) for t in members]
            )
        in_service = report.breaches.filter(pl.col("team_id").is_in(ids))
        rules = dict(in_service.group_by("rule").len().iter_rows())
        for rule in sorted(rules):
            grid.count(rule_cell(rule, service), int(rules[rule]))
        grid.add_sum_if_exact(
            service_cell(service, "rules_broken"), [rule_cell(r, service) for r in sorted(rules)]
        )
        waiting = queue.filter(pl.col("home_team_ids").list.set_intersection(ids).list.len() > 0)
        grid.count(service_cell(service, "unallocated"), waiting.height)
        grid.count(
            service_cell(service, "escalate"),
            waiting.filter(pl.col("escalation") == "escalate").height,
        )
    services = [row["service"] for row in report.services.iter_rows(named=True)]
    _council(grid, report, services)
    _distribution(grid, report)
    _rules_and_alerts(grid, report)
    _queue(grid, report)
    # The service pages' queue counts add up to the council's where no child waits for teams
    # in two service areas.
    for column in ("unallocated", "escalate"):
        grid.add_sum_if_exact(council_cell(column), [service_cell(s, column) for s in services])
    _team_pages(grid, pages)
    _census(grid, report, pages, census)
    return grid


def _census(
    grid: Grid[Cell],
    report: CaseloadReport,
    pages: Sequence[TeamPage],
    census: Sequence[CensusYear],
) -> None:
    by_name = {page.name: page.team_id for page in pages}
    day = report.as_at.isoformat()
    for year in census:
        prefix = census_prefix(year.year)
        census_cells(grid, prefix, year.tables, year.totals)
        for index, row in enumerate(year.tables.get("team", [])):
            team_id = by_name.get(str(row.get("label")))
            if team_id is None:
                continue
            history = history_cell(team_id, year.reference)
            if history in grid.values:
                grid.add_sum_if_exact((*prefix, "team", index, "cases"), [history])
            fte = team_cell(team_id, "fte")
            if year.reference == day and fte in grid.values:
                grid.add_sum_if_exact(
                    (*prefix, "team", index, "case_holders_fte"), [fte], within=0.05
                )


def _team_pages(grid: Grid[Cell], pages: Sequence[TeamPage]) -> None:
    for page in pages:
        for month_end, cases in page.history:
            grid.count(history_cell(page.team_id, month_end), cases)
        grid.count(waiting_cell(page.team_id), page.waiting)
    for page in pages:
        kids = [kid for kid in pages if kid.parent_id == page.team_id]
        if kids:
            for month_end, _ in page.history:
                grid.add_sum_if_exact(
                    history_cell(page.team_id, month_end),
                    [history_cell(kid.team_id, month_end) for kid in kids],
                )
            grid.add_sum_if_exact(
                waiting_cell(page.team_id), [waiting_cell(kid.team_id) for kid in kids]
            )
        if page.history:
            latest = history_cell(page.team_id, page.history[-1][0])
            for same in (team_cell(page.team_id, "cases"), service_cell(page.name, "cases")):
                if same in grid.values:
                    grid.add_sum_if_exact(same, [latest])
        waiting = service_cell(page.name, "unallocated")
        if waiting in grid.values:
            grid.add_sum_if_exact(waiting, [waiting_cell(page.team_id)])


def _group(grid: Grid[Cell], prefix: Cell, values: dict[str, Any], counts: Iterable[str]) -> None:
    """One team's or service area's counts and the figures built from them."""

    def cell(column: str) -> Cell:
        return (*prefix, column)

    shown = tuple(counts)
    for column in shown:
        grid.count(cell(column), _int(values.get(column)))
    for figure, sources in GROUP_FIGURES.items():
        if figure not in values or not set(sources) <= set(shown):
            continue
        value = values[figure]
        grid.figure(
            cell(figure), None if value is None else float(value), of=[cell(s) for s in sources]
        )
    grid.add_sum_if_exact(cell("case_holders"), [cell(band) for band in ("red", "amber", "green")])


def _council(grid: Grid[Cell], report: CaseloadReport, services: list[str | None]) -> None:
    teams = report.teams
    grid.count(council_cell("case_holders"), int(teams["case_holders"].sum()))
    grid.count(council_cell("cases"), int(teams["cases"].sum()))
    grid.figure(council_cell("fte"), float(teams["fte"].sum()), of=[council_cell("case_holders")])
    grid.count(council_cell("rules_broken"), report.breaches.height)
    for column in ("case_holders", "cases", "fte"):
        grid.add_sum_if_exact(council_cell(column), [service_cell(s, column) for s in services])
    grid.add_sum_if_exact(
        council_cell("rules_broken"),
        [team_cell(t, "rules_broken") for t in teams["team_id"].to_list()],
    )
    cases = report.dfe_average.get("cases")
    grid.count(("dfe", "cases"), _int(cases))
    grid.figure(
        ("dfe", "case_holders_fte"),
        report.dfe_average.get("case_holders_fte"),
        of=[council_cell("case_holders")],
    )
    grid.figure(
        ("dfe", "average"),
        report.dfe_average.get("caseload_fte"),
        of=[("dfe", "cases"), ("dfe", "case_holders_fte")],
    )


def _distribution(grid: Grid[Cell], report: CaseloadReport) -> None:
    labels = []
    for row in report.distribution:
        label = str(row["band"])
        labels.append(label)
        grid.count(("band", label, "workers"), _int(row["workers"]))
        share = row["share"]
        grid.figure(
            ("band", label, "share"),
            None if share is None else float(str(share)),
            of=[("band", label, "workers")],
        )
    grid.add_sum_if_exact(
        council_cell("case_holders"), [("band", label, "workers") for label in labels]
    )


def _rules_and_alerts(grid: Grid[Cell], report: CaseloadReport) -> None:
    by_rule: dict[str, int] = {}
    for rule in report.breaches["rule"].to_list():
        by_rule[rule] = by_rule.get(rule, 0) + 1
    for rule, n in by_rule.items():
        grid.count(rule_cell(rule), n)
    grid.add_sum_if_exact(council_cell("rules_broken"), [rule_cell(rule) for rule in by_rule])
    for rule in by_rule:
        parts = [cell for cell in grid.values if cell[0] == "service_rule" and cell[2] == rule]
        grid.add_sum_if_exact(rule_cell(rule), parts)
    alerts: dict[tuple[str, str], int] = {}
    for kind, severity in report.alerts.select("kind", "severity").iter_rows():
        alerts[(kind, severity)] = alerts.get((kind, severity), 0) + 1
    for (kind, severity), n in alerts.items():
        grid.count(("alert", kind, severity), n)
    grid.count(("alerts", "total"), report.alerts.height)
    grid.add_sum(("alerts", "total"), [("alert", *key) for key in alerts])
    for severity in ("red", "amber"):
        chosen = [("alert", *key) for key in alerts if key[1] == severity]
        grid.count(("alerts", severity), sum(alerts[key] for key in alerts if key[1] == severity))
        grid.add_sum(("alerts", severity), chosen)
    # An alert of a rule counts the same breaches as the rule: they are one figure.
    for (kind, severity), n in alerts.items():
        if by_rule.get(kind) == n:
            grid.add_sum(("alert", kind, severity), [rule_cell(kind)])


def _queue(grid: Grid[Cell], report: CaseloadReport) -> None:
    queue = report.queue
    grid.count(council_cell("unallocated"), queue.height)
    for status in QUEUE_STATUSES:
        grid.count(("queue", status), queue.filter(pl.col("escalation") == status).height)
    grid.add_sum(council_cell("unallocated"), [("queue", status) for status in QUEUE_STATUSES])
    grid.count(council_cell("escalate"), queue.filter(pl.col("escalation") == "escalate").height)
    grid.add_sum(council_cell("escalate"), [("queue", "escalate")])
    grid.figure(("queue", "longest_wait"), _longest(queue), of=[council_cell("unallocated")])
    home = waiting_by_home_team(queue).sort("home_team")
    names = home["home_team"].to_list()
    for row in home.iter_rows(named=True):
        name = row["home_team"]
        grid.count(home_cell(name, "children"), int(row["children"]))
        grid.count(home_cell(name, "escalate"), int(row["escalate"]))
        grid.figure(
            home_cell(name, "longest_wait"), row["longest"], of=[home_cell(name, "children")]
        )
    grid.add_sum(council_cell("unallocated"), [home_cell(n, "children") for n in names])
    grid.add_sum(council_cell("escalate"), [home_cell(n, "escalate") for n in names])


def _longest(queue: pl.DataFrame) -> float | None:
    if queue.is_empty():
        return None
    return float(queue["days_waiting"].max())  # type: ignore[arg-type]
