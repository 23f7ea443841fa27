"""The five-area scorecard of many councils on one date.

``caseload scorecard --authority all`` (or a list, or ``--region``): each chosen council's
scorecard exactly as its own ``caseload scorecard --as-at`` gives it, side by side, on one date
for all (by default the earliest of the councils' data dates, as for many councils' caseloads).

Unlike the census, the caseloads and the benchmarks for many councils, which read every council's
tables once and derive them in one pass grouped by council, this goes council by council through
each one's snapshot: the scorecard's practice, learning and health check measures are built from
each council's own records (statutory visit windows, supervision worker-days, audits, surveys)
with its own policy, and the one-council code is what every page, report and command already
uses. Each council's snapshot is read once and at most a few are kept in memory at a time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine

from caseload.services.council_caseloads import councils_on_one_date
from caseload.services.scorecard import ScorecardContext, leader_principal, scorecard_view


@dataclass(frozen=True)
class CouncilScorecards:
    as_at: date
    councils: list[ScorecardContext]

    def rows(self) -> list[dict[str, Any]]:
        """One row per council and measure (an area with no measure yet gives none): the
        council's code (``LEA``) and name, the area, and the measure as its scorecard has it."""
        return [
            {
                "LEA": council["authority"]["code"],
                "name": council["authority"]["name"],
                "area": area["area"],
                **measure,
            }
            for council in self.councils
            for area in council["areas"]
            for measure in area["measures"]
        ]

    def to_dict(self) -> dict[str, Any]:
        return {"as_at": self.as_at.isoformat(), "councils": self.councils}


def council_scorecards(
    engine: Engine,
    *,
    as_at: date | None = None,
    authority_code: str | None = None,
    region: str | None = None,
    on_council: Callable[[int, int], None] | None = None,
) -> CouncilScorecards:
    """Every chosen council's scorecard on ``as_at`` (see the module), in code order;
    ``on_council`` hears (councils done, councils in all) as each scorecard is done."""
    authorities, day = councils_on_one_date(
        engine, as_at=as_at, authority_code=authority_code, region=region
    )
    councils = []
    for authority in authorities:
        councils.append(
            scorecard_view(engine, leader_principal(authority.id), as_at=day, people=False)
        )
        if on_council is not None:
            on_council(len(councils), len(authorities))
    return CouncilScorecards(day, councils)
