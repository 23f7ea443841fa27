"""The supply of own staff month by month: a vectorised Monte Carlo of leavers, progression and
arrivals, with agency staff filling the gap to the establishment.

The model (every path follows the same rules, drawn independently):

- *People.* The starting stock is the council's own staff in post on the forecast's first day,
  each with a role, an FTE, months of continuous service and months in their role. Everyone who
  arrives later (recruits, newly qualified intakes, students and apprentices converting) starts
  with no service.
- *Leaving.* In each month someone with ``s`` completed months of service leaves with the
  monthly chance ``leave[s]`` (:attr:`SupplyInputs.leave_by_month`, from the leaving hazard of
  their service band). Months of service are counted exactly (no band shares): someone moves
  from the 1-2 year band to the 2-3 year band in the month of their second anniversary.
- *Progression.* An ASYE becomes a social worker after :attr:`SupplyInputs.asye_months` months
  in the role; anyone else moves up to the next role of :attr:`SupplyInputs.roles` with the
  monthly chance ``progress[role]``. A move happens only if the person has not left that month.
- *Recruitment.* In a round's month, a post group seeks people for its gap (target FTE minus own
  FTE minus hires already on their way, in people of the group's usual FTE); each is found with
  the round's success rate and arrives after the lead time. The target is the establishment plus
  any over-recruitment.
- *Agency.* Agency FTE fills the gap between the establishment and own FTE of each post group,
  up to the agency cap (a share of the establishment); what is left is vacant.

Months are numbered 1 to ``months`` after the first day (month 0 is the first day). A person
counts at the end of a month when they arrived in or before it and have not left in or before it.

Instead of stepping every person every month, each person's leaving month is drawn once, by
inverting the chance of staying beyond each month (the product of ``1 - leave`` over the months
of service ahead), and each role move the same way from the chance of not moving up by then: the
same distributions as month-by-month coin flips (the SimPy twin in the tests checks it). The
inversion looks the month up in a table by the uniform's slice (see :class:`_Inversion`), and
each draw only marks where a span begins and ends in a ledger summed once at the end, so the cost
is a few array operations per person. The first day's staff are drawn a block of paths at a
time; arrivals are counted at once and drawn together before the next recruitment round (their
leaving and moves change only later months)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import polars as pl

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
MonthArray = npt.NDArray[np.int32]
"""Months (numbered as the model's), one for each person being drawn."""

SERVICE_MONTH_CAP = 60
"""Months of service from which the leaving chance no longer changes (the 5 years or more band)."""

QUANTILES = (0.1, 0.5, 0.9)
ALL = "all"


@dataclass(frozen=True)
class RecruitmentRound:
    """Recruitment for a post group (named by its role, e.g. ``social_worker``) in ``month``."""

    month: int
    role: str
    success_rate: float
    lead_months: int


@dataclass(frozen=True)
class Intake:
    """People offered a start in ``role`` in ``month`` (a newly qualified cohort, students or
    apprentices finishing, an over-recruitment); each starts with chance ``success_rate``."""

    month: int
    role: str
    people: int
    success_rate: float = 1.0
    fte: float = 1.0


@dataclass(frozen=True)
class SupplyInputs:
    """Everything the supply model needs, in arrays indexed by role (the order of ``roles``,
    lowest on the career ladder first) and month (0 = the first day)."""

    first_day: date
    months: int
    roles: tuple[str, ...]
    post_group: tuple[int, ...]
    """For each role, the role whose posts it fills (an ASYE fills a social worker post)."""
    staff_role: IntArray
    staff_fte: FloatArray
    staff_service_months: IntArray
    staff_role_months: IntArray
    leave_by_month: FloatArray
    """Monthly chance of leaving by completed months of service, 0 to SERVICE_MONTH_CAP."""
    progress: FloatArray
    """Monthly chance of moving up from each role (the ASYE entry is not used)."""
    recruit_fte: FloatArray
    """The FTE of a person recruited into each role."""
    establishment: FloatArray
    """Funded FTE by role and month, shape (roles, months + 1); counted in the post group."""
    target_extra: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    """FTE sought above the establishment by role and month (over-recruitment); empty: none."""
    agency_share: FloatArray = field(default_factory=lambda: np.zeros(0))
    """Most agency FTE allowed in each role's post group, as a share of its establishment."""
    rounds: tuple[RecruitmentRound, ...] = ()
    intakes: tuple[Intake, ...] = ()
    asye_role: int | None = 0
    asye_months: int = 12

    def role_index(self, role: str) -> int:
        return self.roles.index(role)


@dataclass(frozen=True)
class SupplyPaths:
    """The simulated paths: arrays of shape (paths, roles, months + 1) unless noted."""

    inputs: SupplyInputs
    own_fte: FloatArray
    own_headcount: IntArray
    agency_fte: FloatArray
    vacancy_fte: FloatArray
    leavers: IntArray
    """(paths, months + 1): people leaving in each month (month 0 is 0)."""
    starters: IntArray
    """(paths, months + 1): people arriving in each month."""
    band_headcount: IntArray
    """(paths, bands, months + 1): own staff by band of service (``bands``)."""
    bands: tuple[tuple[int, int | None], ...]
    eligible_headcount: IntArray
    """(paths, months + 1): own staff with at least ``eligible_months`` of service."""
    eligible_months: int


def monthly_chance(annual_rate: float) -> float:
    """The chance of leaving within a month for a constant annual (central) rate."""
    return float(1.0 - np.exp(-annual_rate / 12.0))


def leave_by_month_from_bands(
    band_rates: Sequence[float], bands: Sequence[tuple[int, int | None]]
) -> FloatArray:
    """The monthly leaving chance by completed months of service (0 to SERVICE_MONTH_CAP) from
    annual rates by band of whole years."""
    chances = np.zeros(SERVICE_MONTH_CAP + 1)
    for rate, (low, high) in zip(band_rates, bands, strict=True):
        top = SERVICE_MONTH_CAP + 1 if high is None else min(high * 12, SERVICE_MONTH_CAP + 1)
        chances[low * 12 : top] = monthly_chance(rate)
    return chances


class _Inversion:
    """Exact draws of whole months by inversion. Row ``r`` of ``survival`` holds the chance of
    lasting beyond ``k`` months (k = 1 to K, not increasing); a draw for a uniform ``U`` is the
    number of months ``k`` whose chance is above ``U`` (the months lasted, capped at K), plus
    ``shift``. A guide table holds the answer for each of :attr:`BUCKETS` equal slices of ``U``,
    so nearly every draw is one look-up; a slice that holds one of the row's chances is marked
    (as ``-1 - the lowest count``) and its draws are finished by comparing ``U`` with the
    chances."""

    BUCKETS = 2048

    def __init__(self, survival: FloatArray, shift: int = 0) -> None:
        self.survival = np.ascontiguousarray(survival, dtype=np.float64)
        self.shift = shift
        rows, self.most = self.survival.shape
        levels = np.arange(self.BUCKETS + 1) / self.BUCKETS
        table = np.empty((rows, self.BUCKETS), dtype=np.int32)
        for row, falling in enumerate(-self.survival):
            low = np.searchsorted(falling, -levels[1:], side="right")
            high = np.searchsorted(falling, -levels[:-1], side="left")
            table[row] = np.where(low == high, low + shift, -1 - low)
        self.table = table.ravel()
        certain = ((self.survival == 0) | (self.survival == 1)).all(axis=1)
        self.certain = np.where(certain, (self.survival == 1).sum(axis=1) + shift, -1)
        """For each row, its draw when it is certain (every chance 0 or 1), else -1."""

    def offset(self, rows: npt.ArrayLike) -> IntArray:
        """Where ``rows`` start in the guide table (what :meth:`draw` takes)."""
        return np.asarray(rows, dtype=np.int64) * self.BUCKETS

    def draw(
        self, rng: np.random.Generator, offset: IntArray | int, shape: int | tuple[int, ...]
    ) -> MonthArray:
        """Months lasted (plus the shift) for people in an array of ``shape``, each by the row
        at ``offset`` (one row for all, or offsets that broadcast to ``shape``). The uniform is
        the generator's own double, ``(bits >> 11) / 2**53``, so its slice is ``bits >> 53``."""
        bits: npt.NDArray[np.uint64] = rng.bit_generator.random_raw(shape)
        spot = (bits >> np.uint64(53)).view(np.int64)
        if np.ndim(offset) or offset:
            spot += offset
        found: MonthArray = self.table[spot]
        unsure = np.flatnonzero(found < 0)
        if unsure.size:
            flat = found.reshape(-1)
            start = spot.reshape(-1)[unsure] // self.BUCKETS * self.most
            level = (bits.reshape(-1)[unsure] >> np.uint64(11)) * (1.0 / 2.0**53)
            count = -1 - flat[unsure]
            chances, most = self.survival.ravel(), self.most
            while True:
                going = (count < most) & (chances[start + np.minimum(count, most - 1)] > level)
                if not going.any():
                    break
                count += going
            flat[unsure] = count + self.shift
        return found


_Changes = TypeVar("_Changes", IntArray, FloatArray)


@dataclass
class _Batch:
    """People starting in ``role`` in ``month`` with no service: ``counts`` on the paths
    ``cells``."""

    role: int
    month: int
    fte: float
    cells: IntArray
    counts: IntArray


class _Ledger:
    """Changes to the stocks (+1 where a span begins, -1 where it ends), flattened as path x
    group x month, with an overflow month after the last for spans still open at the end; a
    cumulative sum over months gives the stocks. Own FTE is kept up to date for the recruitment
    rounds: arrivals are counted at once, and their leaving and moves (which change only later
    months) are drawn together before the next round."""

    def __init__(self, paths: int, roles: int, months: int, bands: int) -> None:
        self.paths, self.roles, self.bands, self.width = paths, roles, bands, months + 2
        self.heads = np.zeros(paths * roles * self.width, dtype=np.int64)
        self.fte = np.zeros(paths * roles * self.width)
        self.band_heads = np.zeros(paths * bands * self.width, dtype=np.int64)
        self.starters = np.zeros(paths * self.width, dtype=np.int64)
        self.pending: list[_Batch] = []
        self._running: FloatArray | None = None
        self._counted = 0

    def own_fte_on(self, month: int) -> FloatArray:
        """Own FTE by path and role at the end of ``month``: asked for months in order, and
        nothing is added on or before a month once it has been asked for."""
        shaped = self.fte.reshape(self.paths, self.roles, self.width)
        if self._running is None:
            self._running = np.zeros((self.paths, self.roles))
        self._running += shaped[:, :, self._counted : month + 1].sum(axis=2)
        self._counted = month + 1
        return self._running.copy()

    def stock(self, changes: _Changes, groups: int) -> _Changes:
        """The stocks, summed in place over the changes (the ledger is spent)."""
        shaped = changes.reshape(self.paths, groups, self.width)
        np.cumsum(shaped, axis=2, out=shaped)
        return shaped[:, :, : self.width - 1]

    def cross(self, edge: int, month: MonthArray | int, people: IntArray, paths: slice) -> None:
        """``people`` (by path of ``paths``, and by ``month`` when months are given) reach band
        edge ``edge`` in ``month``: out of the band below it, into the one above."""
        shaped = self.band_heads.reshape(self.paths, self.bands, self.width)
        shaped[paths, edge, month] -= people
        shaped[paths, edge + 1, month] += people


class SupplyModel:
    """Runs :class:`SupplyInputs` for a number of paths with a seeded generator."""

    CHUNK = 1 << 16
    """About how many of the first day's staff (people x paths) are drawn at a time."""

    def __init__(
        self,
        inputs: SupplyInputs,
        *,
        bands: Sequence[tuple[int, int | None]] = ((0, 1), (1, 2), (2, 3), (3, 5), (5, None)),
        eligible_months: int = 24,
    ) -> None:
        self.inputs = inputs
        self.bands = tuple(bands)
        self.eligible_months = eligible_months
        self._edges = np.array([low * 12 for low, _ in self.bands[1:]], dtype=np.int64)
        if eligible_months != 0 and eligible_months not in self._edges:
            raise ValueError(
                f"eligibility must start a band of service ({list(self._edges)} months), "
                f"not {eligible_months}"
            )
        top = int(self._edges[-1]) + 1 if self._edges.size else 1
        self._band_table = np.searchsorted(self._edges, np.arange(top), side="right")
        most = inputs.months + 1
        # Drawn as the month after the last one counted: leaving (the first month no longer
        # counted, from the start) and moving (the first month in the next role).
        self._leaving = _Inversion(self._staying(most), shift=1)
        self._moving = _Inversion(self._moves(most), shift=1)
        start_row = self._move_row(np.arange(len(inputs.roles)), 0)
        self._start_offset = self._moving.offset(start_row)
        """The move row's offset for someone starting each role."""
        self._start_certain = self._moving.certain[start_row].astype(np.int32)
        """The month of the move for someone starting each role when it is certain, else -1."""

    def _staying(self, most: int) -> FloatArray:
        """Row ``s``: the chance of staying beyond each of 1 to ``most`` months for someone with
        ``s`` completed months of service (0 to SERVICE_MONTH_CAP)."""
        chances = np.clip(self.inputs.leave_by_month, 0.0, 1.0)
        horizon = SERVICE_MONTH_CAP + most + 1
        full = np.concatenate([chances, np.full(horizon - chances.size, chances[-1])])
        staying = 1.0 - full
        return np.array(
            [np.cumprod(staying[start : start + most]) for start in range(SERVICE_MONTH_CAP + 1)]
        )

    def _moves(self, most: int) -> FloatArray:
        """The chance of staying in a role beyond each of 1 to ``most`` months: one row for each
        role (the monthly chance of moving up, never for the top role), then for an ASYE with 0
        to ``asye_months`` months done (certain to move when the months are complete)."""
        inputs = self.inputs
        roles, months = len(inputs.roles), np.arange(1, most + 1)
        rows = []
        for role in range(roles):
            chance = float(inputs.progress[role]) if role < roles - 1 else 0.0
            rows.append((1.0 - min(max(chance, 0.0), 1.0)) ** months)
        for done in range(inputs.asye_months + 1):
            rows.append((months < max(inputs.asye_months - done, 1)).astype(np.float64))
        return np.array(rows)

    def _move_row(self, role: IntArray, done: IntArray | int) -> IntArray:
        """The row of :meth:`_moves` for people in ``role`` with ``done`` months in it."""
        asye, roles = self.inputs.asye_role, len(self.inputs.roles)
        if asye is None or asye >= roles - 1:
            return role
        in_asye = roles + np.minimum(done, self.inputs.asye_months)
        return np.where(role == asye, in_asye, role).astype(np.int64)

    def run(self, paths: int, seed: int | np.random.Generator) -> SupplyPaths:
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        inputs = self.inputs
        roles, months = len(inputs.roles), inputs.months
        ledger = _Ledger(paths, roles, months, len(self.bands))
        self._first_day(ledger, rng)
        groups = np.asarray(inputs.post_group)
        extra = inputs.target_extra if inputs.target_extra.size else np.zeros((roles, months + 1))
        landing_fte: dict[int, FloatArray] = {}  # hires' FTE by month of landing, path, group
        booked = np.zeros((paths, roles))  # FTE of hires on their way, by path and group
        rounds_by_month: dict[int, list[RecruitmentRound]] = {}
        for chosen in inputs.rounds:
            rounds_by_month.setdefault(chosen.month, []).append(chosen)
        intakes_by_month: dict[int, list[Intake]] = {}
        for intake in inputs.intakes:
            intakes_by_month.setdefault(intake.month, []).append(intake)
        for month in range(1, months + 1):
            for intake in intakes_by_month.get(month, []):
                arrived = rng.binomial(intake.people, intake.success_rate, size=paths)
                self._arrive(ledger, inputs.role_index(intake.role), arrived, month, intake.fte)
            wanted = rounds_by_month.get(month, [])
            if not wanted:
                continue
            self._settle(ledger, rng)
            own = ledger.own_fte_on(month)
            own_group = np.zeros((paths, roles))
            for role, group in enumerate(inputs.post_group):
                own_group[:, group] += own[:, role]
            for landing in [landing for landing in landing_fte if landing <= month]:
                booked -= landing_fte.pop(landing)
            coming = booked.copy()
            for chosen in wanted:
                group = inputs.role_index(chosen.role)
                target = (
                    inputs.establishment[groups == group, month].sum()
                    + extra[groups == group, month].sum()
                )
                fte = inputs.recruit_fte[group]
                gap = target - own_group[:, group] - coming[:, group]
                sought = np.ceil(np.maximum(gap, 0.0) / fte - 1e-9).astype(np.int64)
                found = rng.binomial(sought, chosen.success_rate)
                landing = month + max(chosen.lead_months, 1)
                if landing <= months:
                    landed = landing_fte.setdefault(landing, np.zeros((paths, roles)))
                    landed[:, group] += found * fte
                    booked[:, group] += found * fte
                    self._arrive(ledger, group, found, landing, fte)
        self._settle(ledger, rng)
        return self._finish(ledger, paths)

    def _first_day(self, ledger: _Ledger, rng: np.random.Generator) -> None:
        """The first day's staff: counted in month 0 on every path, then each person's leaving
        and moves drawn, a block of paths at a time (staff in order of service, so those short
        of a band edge come first)."""
        inputs = self.inputs
        paths, width, roles, bands = ledger.paths, ledger.width, ledger.roles, ledger.bands
        last = width - 1
        ledger.heads.reshape(paths, roles, width)[:, :, 0] += np.bincount(
            inputs.staff_role, minlength=roles
        )
        ledger.band_heads.reshape(paths, bands, width)[:, :, 0] += np.bincount(
            self.band_of(inputs.staff_service_months), minlength=bands
        )
        ledger.fte.reshape(paths, roles, width)[:, :, 0] += np.bincount(
            inputs.staff_role, weights=inputs.staff_fte, minlength=roles
        )
        count = inputs.staff_role.size
        if not count:
            return
        order = np.argsort(inputs.staff_service_months, kind="stable")
        service = inputs.staff_service_months[order]
        role, fte = inputs.staff_role[order], inputs.staff_fte[order]
        leave_offset = self._leaving.offset(np.minimum(service, SERVICE_MONTH_CAP))
        move_offset = self._moving.offset(self._move_row(role, inputs.staff_role_months[order]))
        # Leaving in month g (1 to the overflow month): out of the band of service then held.
        months_on = np.arange(width)
        end_band = self.band_of(np.maximum(service[:, None] + months_on[None, :] - 1, 0))
        end_spot = (end_band * width + months_on[None, :]).ravel()
        column_at = np.arange(count) * width
        # Crossing band edges: for each edge, the staff short of it who would reach it within
        # the months (a run of columns) and the month they reach it, grouped by that month.
        crossing = []
        for edge in self._edges:
            near = int(np.searchsorted(service, edge - last, side="right"))
            short = int(np.searchsorted(service, edge, side="left"))
            reach = (edge - service[near:short]).astype(np.int32)
            starts = np.flatnonzero(np.r_[True, reach[1:] != reach[:-1]])
            crossing.append((near, short, reach, starts))
        block = max(1, self.CHUNK // count)
        block_fte = np.tile(fte, min(block, paths))
        role_at = role * width
        for begin in range(0, paths, block):
            end = min(begin + block, paths)
            size = end - begin
            heads = ledger.heads[begin * roles * width : end * roles * width]
            fte_changes = ledger.fte[begin * roles * width : end * roles * width]
            band_view = ledger.band_heads[begin * bands * width : end * bands * width]
            gone = self._leaving.draw(rng, leave_offset, (size, count))
            np.minimum(gone, last, out=gone)
            local = np.arange(size)[:, None]
            spot = local * (bands * width) + end_spot[column_at + gone]
            band_view -= np.bincount(spot.ravel(), minlength=band_view.size)
            for edge, (near, short, reach, starts) in enumerate(crossing):
                if near == short:
                    continue
                reached = gone[:, near:short] > reach
                stayed = np.add.reduceat(reached, starts, axis=1, dtype=np.int64)
                ledger.cross(edge, reach[starts], stayed, slice(begin, end))
            following = self._moving.draw(rng, move_offset, (size, count))
            at = local * (roles * width) + role_at
            spot = (at + np.minimum(following, gone)).ravel()
            heads -= np.bincount(spot, minlength=heads.size)
            fte_changes -= np.bincount(spot, weights=block_fte[: spot.size], minlength=heads.size)
            going_on = np.flatnonzero(following < gone)
            if going_on.size:
                person = going_on % count
                self._climb(
                    heads,
                    fte_changes,
                    rng,
                    at=at.reshape(-1)[going_on] + width,
                    role=role[person] + 1,
                    fte=fte[person],
                    begin=following.reshape(-1)[going_on],
                    gone=gone.reshape(-1)[going_on],
                    started=False,
                )

    def _arrive(self, ledger: _Ledger, role: int, people: IntArray, month: int, fte: float) -> None:
        """``people`` on each path starting in ``role`` in ``month`` with no service: counted
        at once, their leaving and moves drawn later (:meth:`_settle`)."""
        cells = np.flatnonzero(people)
        if not cells.size:
            return
        width, roles, bands = ledger.width, ledger.roles, ledger.bands
        counts = people[cells]
        ledger.starters[cells * width + month] += counts
        first_band = int(self._band_table[0])
        ledger.band_heads[(cells * bands + first_band) * width + month] += counts
        ledger.heads[(cells * roles + role) * width + month] += counts
        ledger.fte[(cells * roles + role) * width + month] += counts * fte
        ledger.pending.append(_Batch(role, month, fte, cells, counts))

    def _settle(self, ledger: _Ledger, rng: np.random.Generator) -> None:
        """Draw the leaving and moves of everyone who has arrived and not yet been drawn."""
        batches, ledger.pending = ledger.pending, []
        if not batches:
            return
        # Those whose first move is certain (ASYEs, the top role) first: no draw for it.
        batches.sort(key=lambda batch: self._start_certain[batch.role] < 0)
        known = sum(int(b.counts.sum()) for b in batches if self._start_certain[b.role] >= 0)
        width, roles, bands, paths = ledger.width, ledger.roles, ledger.bands, ledger.paths
        last = width - 1
        sizes = [int(batch.counts.sum()) for batch in batches]
        months = sorted({batch.month for batch in batches})
        path = np.concatenate([np.repeat(batch.cells, batch.counts) for batch in batches])
        first: MonthArray = np.repeat(np.array([b.month for b in batches], np.int32), sizes)
        role: IntArray = np.repeat(np.array([b.role for b in batches], np.int64), sizes)
        fte: FloatArray = np.repeat(np.array([b.fte for b in batches], np.float64), sizes)
        gone = self._leaving.draw(rng, 0, path.size)
        gone += first
        np.minimum(gone, last, out=gone)
        # Bands: out of the band held in the month before leaving (the overflow month for
        # those still here), which also tells the edges crossed, counted by month of arrival;
        # both looked up by month of arrival and month of leaving.
        months_on = np.arange(width)
        held = np.array([self.band_of(np.maximum(months_on - month - 1, 0)) for month in months])
        out_of = (held * width + months_on).ravel()
        by_arrival = (np.arange(len(months))[:, None] * (paths * bands) + held).ravel()
        code = np.repeat(np.array([months.index(b.month) * width for b in batches]), sizes)
        code += gone
        np.subtract.at(ledger.band_heads, path * (bands * width) + out_of[code], 1)
        reached = np.bincount(
            path * bands + by_arrival[code], minlength=held.shape[0] * paths * bands
        )
        beyond = np.cumsum(reached.reshape(len(months), paths, bands)[:, :, ::-1], axis=2)
        first_band = int(self._band_table[0])
        for index, month in enumerate(months):
            for edge, reach in enumerate(self._edges + month):
                if edge >= first_band and reach < last:
                    ledger.cross(edge, int(reach), beyond[index, :, bands - edge - 2], slice(None))
        self._climb(
            ledger.heads,
            ledger.fte,
            rng,
            at=path * (roles * width) + role * width,
            role=role,
            fte=fte,
            begin=first,
            gone=gone,
            started=True,
            known=known,
        )

    def _climb(
        self,
        heads: IntArray,
        fte_changes: FloatArray,
        rng: np.random.Generator,
        *,
        at: IntArray,
        role: IntArray,
        fte: FloatArray,
        begin: MonthArray,
        gone: MonthArray,
        started: bool,
        known: int = 0,
    ) -> None:
        """Role spans up the ladder for people who start ``role`` (with no months in it) in
        ``begin``, each span held at ``at`` (where path x role begins in ``heads``): each step's
        end is drawn, and people still here go on to the next role. When ``started``, the start
        is already counted; the first ``known`` people's first move is certain."""
        roles, width = len(self.inputs.roles), self.inputs.months + 2
        if not started:
            spot = at + begin
            np.add.at(heads, spot, 1)
            np.add.at(fte_changes, spot, fte)
        for _ in range(roles):
            following = np.empty(at.size, dtype=np.int32)
            following[:known] = self._start_certain[role[:known]]
            if known < at.size:
                drawn = self._moving.draw(rng, self._start_offset[role[known:]], at.size - known)
                following[known:] = drawn
            following += begin
            known = 0
            spot = at + np.minimum(following, gone)
            np.subtract.at(heads, spot, 1)
            np.subtract.at(fte_changes, spot, fte)
            # The top role's row never moves: a move after the last month is never before
            # leaving (``gone`` is at most the overflow month).
            going_on = np.flatnonzero(following < gone)
            if not going_on.size:
                break
            at, gone, fte = at[going_on] + width, gone[going_on], fte[going_on]
            begin, role = following[going_on], role[going_on] + 1
            spot = at + begin
            np.add.at(heads, spot, 1)
            np.add.at(fte_changes, spot, fte)

    def band_of(self, service: IntArray) -> IntArray:
        """The band of each number of completed months of service."""
        return np.asarray(self._band_table[np.minimum(service, self._band_table.size - 1)])

    def _finish(self, ledger: _Ledger, paths: int) -> SupplyPaths:
        inputs = self.inputs
        roles, months = len(inputs.roles), inputs.months
        own_fte = ledger.stock(ledger.fte, roles)
        heads = ledger.stock(ledger.heads, roles)
        bands = ledger.stock(ledger.band_heads, len(self.bands))
        eligible_from = int(np.searchsorted(self._edges, self.eligible_months, side="right"))
        eligible = bands[:, eligible_from:, :].sum(axis=1)
        starters = ledger.starters.reshape(paths, ledger.width)[:, : ledger.width - 1]
        total = heads.sum(axis=1)
        leavers = np.zeros_like(starters)
        leavers[:, 1:] = total[:, :-1] + starters[:, 1:] - total[:, 1:]
        establishment = np.zeros((roles, months + 1))
        np.add.at(establishment, np.asarray(inputs.post_group), inputs.establishment)
        share = inputs.agency_share if inputs.agency_share.size else np.ones(roles)
        # The gap by post group, worked out in place: the establishment less own FTE, then
        # what agency covers (up to its cap) and what is left vacant.
        gap = np.zeros((paths, roles, months + 1))
        gap += establishment
        for role, group in enumerate(inputs.post_group):
            gap[:, group] -= own_fte[:, role]
        np.maximum(gap, 0.0, out=gap)
        agency = np.minimum(gap, establishment * share[:, None])
        vacancy = np.subtract(gap, agency, out=gap)
        return SupplyPaths(
            inputs=inputs,
            own_fte=own_fte,
            own_headcount=heads,
            agency_fte=agency,
            vacancy_fte=vacancy,
            leavers=leavers,
            starters=starters,
            band_headcount=bands,
            bands=self.bands,
            eligible_headcount=eligible,
            eligible_months=self.eligible_months,
        )


def simulate(
    inputs: SupplyInputs, *, paths: int, seed: int | np.random.Generator, **options: object
) -> SupplyPaths:
    """Run the supply model for ``paths`` paths (see :class:`SupplyModel`)."""
    model = SupplyModel(inputs, **options)  # type: ignore[arg-type]
    return model.run(paths, seed)


def quantile_rows(
    measure: str, role: str, values: npt.NDArray[np.generic], *, band: str = ALL
) -> pl.DataFrame:
    """P10, P50 and P90 over paths of ``values`` (paths, months + 1), one row per month."""
    levels = np.quantile(values.astype(np.float64), QUANTILES, axis=0)
    months = values.shape[1]
    return pl.DataFrame(
        {
            "month": np.arange(months),
            "measure": [measure] * months,
            "role": [role] * months,
            "band": [band] * months,
            "p10": levels[0],
            "p50": levels[1],
            "p90": levels[2],
        },
        schema={
            "month": pl.Int64,
            "measure": pl.Utf8,
            "role": pl.Utf8,
            "band": pl.Utf8,
            "p10": pl.Float64,
            "p50": pl.Float64,
            "p90": pl.Float64,
        },
    )


def quantile_frame(series: Sequence[tuple[str, str, str, npt.NDArray[np.generic]]]) -> pl.DataFrame:
    """P10, P50 and P90 over paths of each (measure, role, band, values (paths, months + 1)),
    worked out in one pass over all of them: month, measure, role, band, p10, p50, p90."""
    if not series:
        return quantile_rows("none", ALL, np.zeros((1, 1))).clear()
    stacked = np.stack([values.astype(np.float64) for *_, values in series])
    levels = np.quantile(stacked, QUANTILES, axis=1)  # (3, series, months)
    months = stacked.shape[2]
    count = len(series)
    return pl.DataFrame(
        {
            "month": np.tile(np.arange(months), count),
            "measure": np.repeat([measure for measure, *_ in series], months),
            "role": np.repeat([role for _, role, *_ in series], months),
            "band": np.repeat([band for _, _, band, _ in series], months),
            "p10": levels[0].ravel(),
            "p50": levels[1].ravel(),
            "p90": levels[2].ravel(),
        },
        schema={
            "month": pl.Int64,
            "measure": pl.Utf8,
            "role": pl.Utf8,
            "band": pl.Utf8,
            "p10": pl.Float64,
            "p50": pl.Float64,
            "p90": pl.Float64,
        },
    )


def supply_series(
    result: SupplyPaths, band_labels: Sequence[str] | None = None, *, by_role: bool = True
) -> list[tuple[str, str, str, npt.NDArray[np.generic]]]:
    """The series :func:`supply_quantiles` summarises: own_fte, own_headcount, agency_fte and
    vacancy_fte in total (and by role when ``by_role``), leavers and starters in total, and own
    headcount by band (when ``by_role``)."""
    roles = result.inputs.roles
    series: list[tuple[str, str, str, npt.NDArray[np.generic]]] = []
    by_measure = {
        "own_fte": result.own_fte,
        "own_headcount": result.own_headcount,
        "agency_fte": result.agency_fte,
        "vacancy_fte": result.vacancy_fte,
    }
    for measure, values in by_measure.items():
        series.append((measure, ALL, ALL, values.sum(axis=1)))
        if by_role:
            for index, role in enumerate(roles):
                if values[:, index, :].any():
                    series.append((measure, role, ALL, values[:, index, :]))
    series.append(("leavers", ALL, ALL, result.leavers))
    series.append(("starters", ALL, ALL, result.starters))
    if by_role:
        labels = band_labels or [f"{low}+" for low, _ in result.bands]
        for index, label in enumerate(labels):
            series.append(("own_headcount", ALL, label, result.band_headcount[:, index, :]))
    return series


def supply_quantiles(result: SupplyPaths, band_labels: Sequence[str] | None = None) -> pl.DataFrame:
    """The quantile frame: month, measure, role (``all`` for the total), band (``all`` unless
    the measure is by band), p10, p50, p90. Measures: own_fte, own_headcount, agency_fte,
    vacancy_fte by role and in total; leavers and starters in total; own_headcount by band."""
    return quantile_frame(supply_series(result, band_labels))
