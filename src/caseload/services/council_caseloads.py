"""The DfE average caseload and the children waiting of many councils on one date, in one pass.

``caseload caseloads --authority all`` (or a list, or ``--region``): every council's cases, case
holders (FTE) and average caseload on the day, by the census definition
(:func:`caseload.caseloads.dfe.dfe_caseload`), and its unallocated queue (children waiting for a
worker, those past its policy's escalation age, the longest wait:
:func:`caseload.caseloads.queue.waiting_by_council`), from one read of all the councils' tables
and one derivation grouped by council. Each council's figures are exactly those its own caseload
report gives on that day. One date for all: by default the earliest of the councils' data dates,
so that no council is measured past the end of its data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Engine

from caseload.caseloads.dfe import dfe_caseload, dfe_window
from caseload.caseloads.queue import waiting_by_council
from caseload.errors import InvalidInputError, NotFoundError
from caseload.services.census import authority_codes, day_to_day
from caseload.services.policy import policies_in_force
from caseload.storage import caseload_queries, queries
from caseload.storage.columnar import columnar_reader
from caseload.storage.engine import session_scope
from caseload.storage.models import Authority
from caseload.storage.schema import require_current

COLUMNS = (
    "cases",
    "case_holders_fte",
    "caseload_fte",
    "children_waiting",
    "escalate",
    "longest_wait",
)


@dataclass(frozen=True)
class CouncilCaseloads:
    as_at: date
    # LEA, name, cases, case_holders_fte, caseload_fte; the children waiting for a worker, those
    # past the escalation age and the longest wait in days
    frame: pl.DataFrame = field(repr=False)

    def rows(self) -> list[dict[str, Any]]:
        return self.frame.to_dicts()

    def to_dict(self) -> dict[str, Any]:
        return {"as_at": self.as_at.isoformat(), "councils": self.rows()}


def councils_on_one_date(
    engine: Engine,
    *,
    as_at: date | None = None,
    authority_code: str | None = None,
    region: str | None = None,
) -> tuple[list[Authority], date]:
    """The chosen councils (``--authority all``, a list or ``--region``) and the one date they
    are all measured on: ``as_at``, by default the earliest of their data dates; a date past
    any council's data date is an error naming that council."""
    require_current(engine)
    with session_scope(engine) as session:
        authorities = queries.authorities_in(session, authority_codes(authority_code), region)
        if not authorities:
            raise NotFoundError("the database holds no councils yet")
        spans = queries.data_spans(session, [authority.id for authority in authorities])
    dated = {authority.code: spans[authority.id][1] for authority in authorities}
    undated = sorted(code for code, last in dated.items() if last is None)
    if undated:
        raise NotFoundError(f"authority {undated[0]} holds no dated records yet")
    earliest = min(last for last in dated.values() if last is not None)
    day = as_at or earliest
    if day > earliest:
        code = min(code for code, last in dated.items() if last is not None and last < day)
        raise InvalidInputError(
            f"--as-at {day.isoformat()} is after the data date of authority {code} "
            f"({dated[code]}); choose {earliest.isoformat()} or earlier for these councils"
        )
    return authorities, day


def council_caseloads(
    engine: Engine,
    *,
    as_at: date | None = None,
    authority_code: str | None = None,
    region: str | None = None,
) -> CouncilCaseloads:
    """Every chosen council's DfE caseload figures on ``as_at``."""
    authorities, day = councils_on_one_date(
        engine, as_at=as_at, authority_code=authority_code, region=region
    )
    ids = [authority.id for authority in authorities]
    with columnar_reader(engine) as reader:
        data = day_to_day(reader, ids, [dfe_window(day)])
        waiting, statuses, allocations = caseload_queries.waiting_frames(reader, ids, day)
    figures = dfe_caseload(data, day)
    names = pl.DataFrame(
        {
            "authority_id": ids,
            "LEA": [authority.code for authority in authorities],
            "name": [authority.name for authority in authorities],
        }
    )
    queues = waiting_by_council(
        waiting.join(names, on="authority_id").select("LEA", "child_id"),
        statuses,
        allocations,
        day,
        _escalation_ages(engine, authorities),
    )
    frame = (
        names.join(figures, on="LEA", how="left")
        .join(queues, on="LEA", how="left")
        .with_columns(pl.col("cases", "children_waiting", "escalate").fill_null(0))
        .select("LEA", "name", *COLUMNS)
        .sort("LEA")
    )
    return CouncilCaseloads(day, frame)


def _escalation_ages(engine: Engine, authorities: Sequence[Authority]) -> pl.DataFrame:
    """LEA, review_days, escalate_days: the ages in each council's caseload policy in force."""
    with session_scope(engine) as session:
        policies = policies_in_force(session, authorities)
    return pl.DataFrame(
        {
            "LEA": list(policies),
            "review_days": [policy.review_days for policy in policies.values()],
            "escalate_days": [policy.escalate_days for policy in policies.values()],
        },
        schema={"LEA": pl.Utf8, "review_days": pl.Int64, "escalate_days": pl.Int64},
    )
