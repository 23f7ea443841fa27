"""A synthetic council's practice records: statutory visits and reviews
(:mod:`caseload.synthetic.visits`), supervision and case file audits
(:mod:`caseload.synthetic.oversight`), drawn from the council's other frames with their own
random stream, so the HR, case and allocation figures are the same with or without them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from caseload.synthetic.oversight import audits_frames, supervisions_frame
from caseload.synthetic.visits import reviews_frame, visits_frame
from caseload.synthetic.workload import Workload


@dataclass(frozen=True)
class PracticeRecords:
    visits: pl.DataFrame
    reviews: pl.DataFrame
    supervisions: pl.DataFrame
    audits: pl.DataFrame
    audit_grades: pl.DataFrame


def generate_practice(
    rng: np.random.Generator, *, first: int, last: int, frames: dict[str, pl.DataFrame]
) -> PracticeRecords:
    """Practice records for [first, last] (day numbers) from the council's frames (table name ->
    frame, as :meth:`caseload.synthetic.SyntheticCouncil.frames`)."""
    load = Workload(
        first=first,
        last=last,
        allocations=frames["allocation"],
        spells=frames["employment_spell"],
        posts=frames["post"],
        team_management=frames["team_management"],
        teams=frames["team"],
        absences=frames["absence"],
    )
    visit_rng, review_rng, supervision_rng, audit_rng = rng.spawn(4)
    audits, grades = audits_frames(
        audit_rng, frames["allocation"], frames["worker"], frames["employment_spell"], load
    )
    return PracticeRecords(
        visits=visits_frame(visit_rng, frames["child_status"], frames["child"], load),
        reviews=reviews_frame(review_rng, frames["child_status"], load),
        supervisions=supervisions_frame(supervision_rng, frames["employment_spell"], load),
        audits=audits,
        audit_grades=grades,
    )
