"""Every worker's caseload as one table (/caseloads/workers), filtered by team, service area,
role, band and contract, a page at a time, and downloaded as Excel or CSV with the same rows.

The rows are the caseload report's, as the caseloads pages show them: named for the service
leader and team managers (their teams), pseudonymised (W-numbers) for the performance analyst;
roles that see only totals (the administrator, elected members) are refused. A named view is
recorded, and every download is recorded as an export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import Engine

from caseload.auth.principal import Principal
from caseload.auth.roles import Permission
from caseload.errors import InvalidInputError
from caseload.services import audit
from caseload.services.caseload_views import Scoped, ScopeFields, scope_dict, scoped_for
from caseload.services.paging import Page, PageFields
from caseload.services.table_download import TableFile, table_file
from caseload.services.view_rows import Choice, Detail, WorkerRow, detail_for, role_text, worker_row

PAGE_SIZE = 50
BANDS = {"red": "Red", "amber": "Amber", "green": "Green"}
CONTRACTS = {"own": "Own staff", "agency": "Agency"}


class WorkersContext(ScopeFields, PageFields):
    title: str
    detail: str
    filters: dict[str, str]
    teams: list[Choice]
    services: list[Choice]
    roles: list[Choice]
    band_choices: list[Choice]
    contracts: list[Choice]
    workers: list[WorkerRow]
    total: int
    matching: int


@dataclass(frozen=True)
class WorkerFilter:
    """Which workers: a team, a service area, a role, a band, a contract; empty means any."""

    team: str = ""
    service: str = ""
    role: str = ""
    band: str = ""
    contract: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "team": self.team,
            "service": self.service,
            "role": self.role,
            "band": self.band,
            "contract": self.contract,
        }

    def apply(self, frame: pl.DataFrame) -> pl.DataFrame:
        for column, value in self.as_dict().items():
            if value:
                frame = frame.filter(pl.col(column) == value)
        return frame


def _choices(frame: pl.DataFrame, column: str) -> list[str]:
    return sorted({value for value in frame[column].to_list() if value})


def _checked(frame: pl.DataFrame, wanted: WorkerFilter) -> WorkerFilter:
    known = {
        "team": _choices(frame, "team"),
        "service": _choices(frame, "service"),
        "role": _choices(frame, "role"),
        "band": list(BANDS),
        "contract": list(CONTRACTS),
    }
    for column, value in wanted.as_dict().items():
        if value and value not in known[column]:
            raise InvalidInputError(f"no worker in your scope has {column} {value!r}; choose one")
    return wanted


def _scoped(
    engine: Engine, principal: Principal, wanted: WorkerFilter, as_at: date | None
) -> tuple[Scoped, Detail, pl.DataFrame, pl.DataFrame]:
    audit.require(engine, principal, Permission.VIEW_PSEUDONYMISED, "workers' caseloads")
    scoped = scoped_for(engine, principal, as_at)
    everyone = scoped.report.workers.sort("team", "name", nulls_last=True)
    detail = detail_for(principal)
    return scoped, detail, everyone, _checked(everyone, wanted).apply(everyone)


def workers_view(
    engine: Engine,
    principal: Principal,
    wanted: WorkerFilter,
    *,
    page: int = 1,
    as_at: date | None = None,
) -> WorkersContext:
    scoped, detail, everyone, matching = _scoped(engine, principal, wanted, as_at)
    where = Page.of(matching.height, page, PAGE_SIZE, "workers")
    shown = matching.slice(where.start, PAGE_SIZE)
    if detail is Detail.NAMED:
        audit.record(
            engine,
            principal,
            "view",
            "workers",
            None,
            {"workers_shown": shown.height, **wanted.as_dict()},
        )
    return {
        "title": "Workers' caseloads",
        **scope_dict(scoped.scope, principal),
        "detail": detail.value,
        "filters": wanted.as_dict(),
        "teams": [{"value": t, "label": t} for t in _choices(everyone, "team")],
        "services": [{"value": s, "label": s} for s in _choices(everyone, "service")],
        "roles": [{"value": r, "label": role_text(r)} for r in _choices(everyone, "role")],
        "band_choices": [{"value": k, "label": v} for k, v in BANDS.items()],
        "contracts": [{"value": k, "label": v} for k, v in CONTRACTS.items()],
        "workers": [worker_row(row, detail, scoped.names) for row in shown.iter_rows(named=True)],
        "total": everyone.height,
        "matching": matching.height,
        **where.bounds(shown.height),
    }


COLUMNS = (
    "Worker",
    "Team",
    "Service area",
    "Role",
    "Contract",
    "FTE",
    "Cases",
    "Points",
    "Case cap",
    "Points cap",
    "Cases per FTE",
    "Capacity used (%)",
    "Band",
    "Notes",
    "Rules broken",
)


def workers_download(
    engine: Engine,
    principal: Principal,
    wanted: WorkerFilter,
    file_format: str,
    *,
    as_at: date | None = None,
) -> TableFile:
    """Every worker the filters match (all pages), as the page shows them, as a file."""
    scoped, detail, _, matching = _scoped(engine, principal, wanted, as_at)
    rows = []
    for row in matching.iter_rows(named=True):
        shown = worker_row(row, detail, scoped.names)
        utilisation = shown["utilisation"]
        rows.append(
            [
                shown["label"],
                shown["team"],
                shown["service"],
                shown["role"],
                CONTRACTS.get(shown["contract"] or "", shown["contract"]),
                shown["fte"],
                shown["cases"],
                shown["points"],
                shown["cap_cases"],
                shown["cap_points"],
                shown["caseload"],
                None if utilisation is None else round(100 * utilisation, 1),
                BANDS.get(shown["band"] or "", shown["band"]),
                ", ".join(shown["flags"]),
                ", ".join(rule.replace("_", " ") for rule in shown["rules"]),
            ]
        )
    return table_file(
        engine,
        principal,
        what="workers",
        title="Workers' caseloads",
        day=scoped.scope.day,
        columns=COLUMNS,
        rows=rows,
        file_format=file_format,
        detail={"detail": detail.value, **wanted.as_dict()},
    )
