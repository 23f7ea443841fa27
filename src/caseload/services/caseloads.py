"""Caseloads and alerts on any date, for a council or some of its teams.

The frames are read once per data fingerprint (:mod:`caseload.services.report_cache`) and each
report (a day and a set of teams) is built once from them, so pages can ask again freely."""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from caseload.auth.principal import Principal
from caseload.caseloads.dfe import dfe_caseload
from caseload.caseloads.position import ALLOCATED, CaseloadData
from caseload.caseloads.report import CaseloadReport as CaseloadReport
from caseload.caseloads.report import Position, build_report, position_on
from caseload.census.derive import DayToDay
from caseload.domain.dates import check_day, reporting_date
from caseload.domain.disclosure import check_publication_day
from caseload.errors import InvalidInputError, NotFoundError
from caseload.practice.asye import with_asye_years
from caseload.services import report_cache
from caseload.services.policy import PolicyInForce, policy_for
from caseload.services.snapshot import Snapshots, snapshots
from caseload.storage import caseload_queries, learning_frames, queries, workforce_frames
from caseload.storage.columnar import columnar_reader
from caseload.storage.engine import session_scope
from caseload.storage.frames import FrameSource
from caseload.storage.models import Authority
from caseload.storage.schema import require_current

# How a service names the reporting date in a refusal: the web calls it as_at, the command line
# --as-at, so the message names neither.
REPORTING_DATE_FIELD = "the date"


def check_audience_date(principal: Principal, as_at: date, data_date: date) -> None:
    """Refuse an earlier day for an audience whose figures are suppressed (elected members):
    :func:`caseload.domain.disclosure.check_publication_day`."""
    check_publication_day(as_at, data_date, suppressed=principal.suppress_small_numbers)


@dataclass(frozen=True)
class Scope:
    """The authority, day, policy and teams a view covers."""

    authority: Authority
    day: date
    policy: PolicyInForce
    team_ids: list[int] | None
    team_names: list[str]
    data_date: date

    def to_dict(self) -> dict[str, Any]:
        return {
            "authority": {"code": self.authority.code, "name": self.authority.name},
            "as_at": self.day.isoformat(),
            "data_date": self.data_date.isoformat(),
            "teams": self.team_names or "all",
            "policy": self.policy.source,
        }


def one_authority(session: Session, code: str | None) -> Authority:
    """The authority named, or the only one in the database."""
    if code is not None:
        return queries.authorities(session, code)[0]
    found = queries.first_authorities(session)
    if not found:
        raise NotFoundError(
            "the database holds no authorities yet; run 'caseload demo' or 'caseload generate'"
        )
    if len(found) > 1:
        raise InvalidInputError(
            "the database holds more than one authority; name one with --authority CODE"
        )
    return found[0]


def teams_in_scope(teams: pl.DataFrame, names: Sequence[str]) -> list[int]:
    """Team ids for names (or source ids), case-insensitive; a service area brings its teams."""
    chosen: set[int] = set()
    for name in names:
        wanted = name.strip().casefold()
        match = teams.filter(
            (pl.col("team").str.to_lowercase() == wanted)
            | (pl.col("external_id").str.to_lowercase() == wanted)
        )
        if match.is_empty():
            known = ", ".join(sorted(teams["team"].to_list())[:12])
            raise NotFoundError(f"no team called {name!r}; teams include {known}")
        ids = match["team_id"].to_list()
        chosen.update(ids)
        chosen.update(teams.filter(pl.col("parent_id").is_in(ids))["team_id"].to_list())
    return sorted(chosen)


def load_data(source: FrameSource, authority_id: int) -> CaseloadData:
    """The caseload frames; the workers carry their recorded ASYE year, when a programme is
    recorded (:func:`caseload.practice.asye.with_asye_years`), which the caseload rules prefer."""
    programmes = learning_frames.asye_programmes_frame(source, [authority_id])
    return CaseloadData(
        teams=caseload_queries.teams_frame(source, authority_id),
        workers=with_asye_years(
            caseload_queries.worker_details_frame(source, authority_id), programmes
        ),
        spells=workforce_frames.spells_frame(source, [authority_id]),
        managers=caseload_queries.team_managers_frame(source, authority_id),
        absences=workforce_frames.absences_frame(source, [authority_id]),
        children=caseload_queries.children_frame(source, authority_id),
        statuses=caseload_queries.statuses_frame(source, authority_id),
        proceedings=caseload_queries.proceedings_frame(source, authority_id),
        allocations=caseload_queries.allocations_frame(source, authority_id),
        rejections=caseload_queries.rejections_frame(source, authority_id),
    )


def census_inputs(source: FrameSource, authority_id: int, data: CaseloadData) -> DayToDay:
    """The census engine's inputs, reusing the frames already read."""
    allocated = data.allocations.filter(pl.col("role") == ALLOCATED).select(
        "worker_id", "child_id", "start_date", "end_date"
    )
    return DayToDay(
        spells=data.spells,
        workers=with_asye_years(
            workforce_frames.workers_frame(source, [authority_id]),
            learning_frames.asye_programmes_frame(source, [authority_id]),
        ),
        allocations=allocated,
        absences=data.absences,
        posts=workforce_frames.posts_frame(source, [authority_id]),
    )


@dataclass(frozen=True)
class CouncilData:
    """Everything read from the database for one authority's caseloads: the authority, its latest
    data date, the policy in force, the frames and the census engine's inputs. Built once per
    data fingerprint and shared (read only) by every report and plan on any day."""

    authority: Authority
    latest: date | None
    policy: PolicyInForce
    data: CaseloadData
    census: DayToDay
    key: tuple[Hashable, ...]
    snapshots: Snapshots = field(compare=False, repr=False)


def cached_policy(
    engine: Engine, authority: Authority, key: tuple[Hashable, ...] | None = None
) -> PolicyInForce:
    """The policy in force, parsed once per data fingerprint (a new policy changes it);
    ``key`` is the authority's data key when the caller has just read it."""
    key = key or report_cache.data_key(engine, authority.id)

    def build() -> PolicyInForce:
        with session_scope(engine) as session:
            return policy_for(session, authority.id, authority.code)

    found: PolicyInForce = snapshots(engine).policies.get_or_build(key, build)
    return found


def _authority(session: Session, authority_code: str | None, authority_id: int | None) -> Authority:
    if authority_id is None:
        return one_authority(session, authority_code)
    authority = session.get(Authority, authority_id)
    if authority is None:
        raise NotFoundError(f"no authority with id {authority_id}")
    return authority


def council_data(
    engine: Engine, *, authority_code: str | None = None, authority_id: int | None = None
) -> CouncilData:
    """The authority's caseload data, from the cache when the data has not changed since it was
    read (one fingerprint query), else read afresh."""
    try:
        found = None
        if authority_id is None:
            with session_scope(engine) as session:
                found = one_authority(session, authority_code)
        # With an id (a signed-in account's council) the authority is read only on a miss.
        wanted = authority_id if found is None else found.id
        assert wanted is not None
        stamp = report_cache.current_fingerprint(engine, wanted)
    except DBAPIError:
        require_current(engine)  # says what is wrong with the database, when that is the cause
        raise
    key = report_cache.key_of(engine, wanted, stamp)

    def build() -> CouncilData:
        require_current(engine)
        with session_scope(engine) as session:
            authority = found or _authority(session, None, wanted)
            latest = queries.latest_data_date(session, [authority.id])
            policy = policy_for(session, authority.id, authority.code)
        # The frames in one read transaction, column by column (storage.columnar).
        with columnar_reader(engine) as reader:
            data = load_data(reader, authority.id)
            census = census_inputs(reader, authority.id, data)
        return CouncilData(
            authority=authority,
            latest=latest,
            policy=policy,
            data=data,
            census=census,
            key=key,
            snapshots=kept,
        )

    kept = snapshots(engine)
    council: CouncilData = kept.council_data.get_or_build(key, build)
    return council


def make_scope(
    council: CouncilData,
    *,
    as_at: date | None,
    teams: Sequence[str] = (),
    team_ids: Collection[int] | None = None,
    planning: bool = False,
) -> Scope:
    """The scope of a view: the day (default the data date; never after it, unless
    ``planning`` a change from a later day) and the teams named (with their service areas'
    teams), or the team ids given (an account's teams), or all."""
    if council.latest is None:
        raise NotFoundError(f"authority {council.authority.code} holds no dated records yet")
    if planning and as_at is not None:
        day = check_day(as_at, REPORTING_DATE_FIELD)
    else:
        day = reporting_date(as_at, council.latest, REPORTING_DATE_FIELD).as_at
    chosen: list[int] | None = None
    if teams:
        chosen = teams_in_scope(council.data.teams, teams)
    if team_ids is not None:
        wanted = set(team_ids)
        chosen = sorted(wanted if chosen is None else wanted.intersection(chosen))
    names = (
        council.data.teams.filter(pl.col("team_id").is_in(chosen))["team"].sort().to_list()
        if chosen is not None
        else []
    )
    return Scope(council.authority, day, council.policy, chosen, names, council.latest)


def _build(council: CouncilData, scope: Scope) -> CaseloadReport:
    overall = dfe_caseload(council.census, scope.day)
    by_team = dfe_caseload(council.census, scope.day, by_team=True).select(
        "team", pl.col("caseload_fte").alias("dfe_caseload")
    )
    average: dict[str, Any] = {}
    if overall.height:
        row = overall.row(0, named=True)
        average = {key: row[key] for key in ("cases", "case_holders_fte", "caseload_fte")}
    report = build_report(
        council.data,
        scope.day,
        scope.policy.policy,
        team_ids=scope.team_ids,
        dfe_average=average,
        position=council_position(council, scope.day),
    )
    teams_frame = report.teams.join(by_team, on="team", how="left")
    return replace(report, teams=teams_frame)


def council_position(council: CouncilData, day: date) -> Position:
    """The whole council's position on ``day`` (workers, cases, the queue), worked out once per
    state of its data and shared by every scope's report and the ASYE programmes."""
    found: Position = council.snapshots.reports.get_or_build(
        (*council.key, "position", day),
        lambda: position_on(council.data, day, council.policy.policy),
    )
    return found


def scoped_report(council: CouncilData, scope: Scope) -> CaseloadReport:
    """The report for a scope of the council's data, built once per data fingerprint."""
    team_key = None if scope.team_ids is None else tuple(scope.team_ids)
    key = (*council.key, "report", scope.day, team_key)
    report: CaseloadReport = council.snapshots.reports.get_or_build(
        key, lambda: _build(council, scope)
    )
    return report


def caseload_report(
    engine: Engine,
    *,
    as_at: date | None = None,
    authority_code: str | None = None,
    teams: Sequence[str] = (),
    team_ids: Collection[int] | None = None,
    authority_id: int | None = None,
) -> tuple[Scope, CaseloadReport]:
    """Caseloads on ``as_at`` (default: the latest data date) with the DfE average from the
    census engine, for the council or the named teams (or the team ids of an account's scope).
    Reports are cached by data fingerprint: a repeat costs one small query."""
    council = council_data(engine, authority_code=authority_code, authority_id=authority_id)
    scope = make_scope(council, as_at=as_at, teams=teams, team_ids=team_ids)
    return scope, scoped_report(council, scope)


def caseload_alerts(
    engine: Engine,
    *,
    as_at: date | None = None,
    authority_code: str | None = None,
    teams: Sequence[str] = (),
) -> tuple[Scope, pl.DataFrame]:
    """The alerts on ``as_at`` for the council or the named teams, red first."""
    scope, report = caseload_report(engine, as_at=as_at, authority_code=authority_code, teams=teams)
    return scope, report.alerts


def only_council(engine: Engine) -> str:
    """The code of the database's one council (a command given no ``--authority``)."""
    with session_scope(engine) as session:
        codes = [authority.code for authority in queries.authorities(session)]
    if len(codes) != 1:
        listed = ", ".join(codes[:10]) or "none"
        raise InvalidInputError(
            f"say which council with --authority (the database holds {len(codes)}: {listed})"
        )
    return codes[0]
