"""Who held what on each day, as arrays the practice records are drawn from: each worker's
allocated cases, FTE and cap in case-holding roles; the child's allocated worker; the team's
manager; whether a team is short. Built once from a council's frames (day numbers throughout, as
in :mod:`caseload.synthetic.days`), looked up many times, vectorised."""

from __future__ import annotations

import numpy as np
import polars as pl

from caseload.synthetic.casebook import CAPS
from caseload.synthetic.days import BoolArray, FloatArray, IntArray

HOLDING = [role.value for role in CAPS]
FAR = 2**40  # the end day of an open record
KEY = 2**21  # day numbers stay below this until the year 7700
SHORT_STAFFED = 0.8  # a team is short below this share of its funded case-holding FTE


def days(column: str) -> pl.Expr:
    """A date column as day numbers (open ends far in the future)."""
    return pl.col(column).cast(pl.Int64).fill_null(FAR)


def _spread(
    rows: int, first: int, last: int, owner: IntArray, start: IntArray, end: IntArray, w: FloatArray
) -> FloatArray:
    """Sum of ``w`` over the records open on each day of [first, last], per owner."""
    width = last - first + 1
    lo = np.clip(start - first, 0, width)
    hi = np.clip(end - first + 1, 0, width)
    keep = lo < hi
    diff = np.zeros((rows, width + 1), dtype=np.float64)
    np.add.at(diff, (owner[keep], lo[keep]), w[keep])
    np.add.at(diff, (owner[keep], hi[keep]), -w[keep])
    result: FloatArray = np.cumsum(diff[:, :width], axis=1)
    return result


class Spans:
    """Non-overlapping dated spans per owner (allocated workers per child, managers per team):
    the value held on a day, or 0."""

    def __init__(self, owner: IntArray, start: IntArray, end: IntArray, value: IntArray) -> None:
        order = np.lexsort((start, owner))
        self.keys = owner[order] * KEY + start[order]
        self.owner = owner[order]
        self.end = end[order]
        self.value = value[order]

    def on(self, owner: IntArray, day: IntArray) -> IntArray:
        at = np.searchsorted(self.keys, owner * KEY + day, side="right") - 1
        safe = np.clip(at, 0, max(len(self.keys) - 1, 0))
        if len(self.keys) == 0:
            return np.zeros(len(owner), dtype=np.int64)
        hit = (at >= 0) & (self.owner[safe] == owner) & (self.end[safe] >= day)
        found: IntArray = np.where(hit, self.value[safe], 0)
        return found


class Workload:
    """Caseloads, FTE, caps and team staffing on each day of [first, last]."""

    def __init__(
        self,
        *,
        first: int,
        last: int,
        allocations: pl.DataFrame,
        spells: pl.DataFrame,
        posts: pl.DataFrame,
        team_management: pl.DataFrame,
        teams: pl.DataFrame,
        absences: pl.DataFrame,
    ) -> None:
        self.first, self.last = first, last
        allocated = allocations.filter(pl.col("role") == "allocated").select(
            "child_id", "worker_id", days("start_date"), days("end_date")
        )
        a = {c: allocated[c].to_numpy() for c in allocated.columns}
        workers = int(spells["worker_id"].to_numpy().max(initial=0)) + 1
        self.cases = _spread(
            workers,
            first,
            last,
            a["worker_id"],
            a["start_date"],
            a["end_date"],
            np.ones(allocated.height),
        )
        self.allocated = Spans(a["child_id"], a["start_date"], a["end_date"], a["worker_id"])
        caps = pl.DataFrame({"role": HOLDING, "cap": list(CAPS.values())})
        holding = (
            spells.filter(pl.col("role").is_in(HOLDING))
            .join(caps, on="role")
            .select("worker_id", "team_id", "fte", "cap", days("start_date"), days("end_date"))
        )
        h = {c: holding[c].to_numpy() for c in holding.columns}
        self.fte = _spread(
            workers, first, last, h["worker_id"], h["start_date"], h["end_date"], h["fte"]
        )
        self.cap = _spread(
            workers,
            first,
            last,
            h["worker_id"],
            h["start_date"],
            h["end_date"],
            h["fte"] * h["cap"],
        )
        team_count = int(teams["id"].to_numpy().max(initial=0)) + 1
        filled = _spread(
            team_count, first, last, h["team_id"], h["start_date"], h["end_date"], h["fte"]
        )
        funded_posts = posts.filter(pl.col("role").is_in(HOLDING)).select(
            "team_id", "funded_fte", days("start_date"), days("end_date")
        )
        p = {c: funded_posts[c].to_numpy() for c in funded_posts.columns}
        funded = _spread(
            team_count, first, last, p["team_id"], p["start_date"], p["end_date"], p["funded_fte"]
        )
        managed = team_management.select(
            "team_id", "worker_id", days("start_date"), days("end_date")
        )
        m = {c: managed[c].to_numpy() for c in managed.columns}
        self.managers = Spans(m["team_id"], m["start_date"], m["end_date"], m["worker_id"])
        led = _spread(
            team_count, first, last, m["team_id"], m["start_date"], m["end_date"],
            np.ones(managed.height),
        )  # fmt: skip
        self.short: BoolArray = (led < 0.5) | (filled < SHORT_STAFFED * funded - 1e-9)
        parents = teams.select("id", "parent_id").drop_nulls()
        self.parent = np.zeros(team_count, dtype=np.int64)
        self.parent[parents["id"].to_numpy()] = parents["parent_id"].to_numpy()
        away = absences.select("worker_id", days("start_date"), days("end_date"))
        b = {c: away[c].to_numpy() for c in away.columns}
        self.absent = (
            _spread(workers, first, last, b["worker_id"], b["start_date"], b["end_date"],
                    np.ones(away.height)) > 0.5
        )  # fmt: skip

    def _column(self, day: IntArray) -> IntArray:
        index: IntArray = np.clip(day - self.first, 0, self.last - self.first)
        return index

    def per_fte(self, worker: IntArray, day: IntArray) -> FloatArray:
        """Allocated cases per case-holding FTE (NaN for no worker or no FTE)."""
        column = self._column(day)
        fte = self.fte[worker, column]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio: FloatArray = np.where(
                (worker > 0) & (fte > 1e-9), self.cases[worker, column] / fte, np.nan
            )
        return ratio

    def over_cap(self, worker: IntArray, day: IntArray) -> BoolArray:
        column = self._column(day)
        over: BoolArray = (worker > 0) & (
            self.cases[worker, column] > self.cap[worker, column] + 1e-9
        )
        return over

    def team_short(self, team: IntArray, day: IntArray) -> BoolArray:
        short: BoolArray = self.short[team, self._column(day)]
        return short

    def is_absent(self, worker: IntArray, day: IntArray) -> BoolArray:
        absent: BoolArray = self.absent[worker, self._column(day)]
        return absent
