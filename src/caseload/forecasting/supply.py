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

Instead of stepping every person every month, each person's leaving month is drawn once from the
cumulative hazard (an exponential draw against ``sum -log(1 - leave)``) and their role moves
from geometric draws: the same distribution as month-by-month coin flips (the SimPy twin in the
tests checks it), at the cost of a few array operations per batch of people."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

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


class _Ledger:
    """Changes to the stocks (+1 where a span begins, -1 where it ends), flattened as path x
    group x month; a cumulative sum over months gives the stocks. Own FTE is kept up to date for
    the recruitment rounds; the other measures are gathered and summed once at the end."""

    SMALL = 250_000

    def __init__(self, paths: int, roles: int, months: int, bands: int) -> None:
        self.paths, self.width = paths, months + 2
        self.sizes = {
            "heads": paths * roles * self.width,
            "bands": paths * bands * self.width,
            "starters": paths * self.width,
        }
        self.groups = {"heads": roles, "bands": bands, "starters": 1}
        self.base: dict[str, FloatArray] = {}
        """What every path holds on the first day (month 0), by group: added once."""
        self.fte = np.zeros(paths * roles * self.width)
        self.dense = {name: np.zeros(size) for name, size in self.sizes.items()}
        """Starts written directly (one place per path), for arrivals that all start together."""
        self.pending: dict[str, list[tuple[IntArray, float]]] = {name: [] for name in self.sizes}
        self.role_spans: list[IntArray] = []
        self._running: FloatArray | None = None
        self._counted = 0
        self.role_signs: list[float] = []  # -1: ends only; 0: begins then ends

    def mark(self, name: str, spot: IntArray, weight: float = 1.0) -> None:
        """Add ``weight`` at each of the flattened positions ``spot``."""
        self.pending[name].append((spot, weight))

    def span(self, name: str, cell: IntArray, begin: IntArray, end: IntArray) -> None:
        """Count one in ``cell`` (path x group) from month ``begin`` up to ``end`` (excluded)."""
        base = cell * self.width
        self.mark(name, base + begin)
        self.mark(name, base + end, -1.0)

    def roles(
        self, cell: IntArray, begin: IntArray, end: IntArray, fte: FloatArray, *, opened: bool
    ) -> None:
        """A role span (path x role): headcount and FTE from ``begin`` up to ``end``; when
        ``opened``, its beginning is already in :attr:`base` (the first day's staff)."""
        if opened:
            # Spans still open after the last month end in the overflow slot: leave them out.
            ending = np.flatnonzero(end < self.width - 1)
            spots, signed = cell[ending] * self.width + end[ending], -fte[ending]
            self.role_spans.append(spots)
            self.role_signs.append(-1.0)
        else:
            base = cell * self.width
            spots = np.concatenate([base + begin, base + end])
            signed = np.concatenate([fte, -fte])
            self.role_spans.append(spots)
            self.role_signs.append(0.0)
        if spots.size > self.SMALL:
            self.fte += np.bincount(spots, weights=signed, minlength=self.fte.size)
        else:
            np.add.at(self.fte, spots, signed)

    def own_fte_on(self, roles: int, month: int) -> FloatArray:
        """Own FTE by path and role at the end of ``month``: asked for months in order, and
        nothing is added on or before a month once it has been asked for."""
        shaped = self.fte.reshape(self.paths, roles, self.width)
        if self._running is None:
            self._running = np.zeros((self.paths, roles))
        self._running += shaped[:, :, self._counted : month + 1].sum(axis=2)
        self._counted = month + 1
        return self._running.copy()

    def total(self, name: str) -> FloatArray:
        if name == "fte":
            return self.fte
        total = self.dense[name].copy()
        found = self.pending[name]
        if name == "heads":
            found = []
            for spots, sign in zip(self.role_spans, self.role_signs, strict=True):
                half = 0 if sign < 0 else spots.size // 2
                found += [(spots[:half], 1.0), (spots[half:], -1.0)]
        for weight in {weight for _, weight in found}:
            chosen = [spot for spot, given in found if given == weight]
            large = [spot for spot in chosen if spot.size > self.SMALL]
            small = [spot for spot in chosen if spot.size <= self.SMALL]
            for spots in [*large, *([np.concatenate(small)] if small else [])]:
                counted = np.bincount(spots, minlength=total.size)
                if weight > 0:
                    total += counted
                else:
                    total -= counted
        if name in self.base:
            shaped = total.reshape(self.paths, self.groups[name], self.width)
            shaped[:, :, 0] += self.base[name]
        return total

    def stock(self, name: str, groups: int) -> FloatArray:
        shaped = self.total(name).reshape(self.paths, groups, self.width)
        return np.asarray(np.cumsum(shaped, axis=2)[:, :, : self.width - 1])

    def counts(self, name: str) -> IntArray:
        """Per path and month, not accumulated (leavers, starters)."""
        shaped = self.total(name).reshape(self.paths, self.width)[:, : self.width - 1]
        return np.rint(shaped).astype(np.int64)


class SupplyModel:
    """Runs :class:`SupplyInputs` for a number of paths with a seeded generator."""

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
        chances = np.clip(inputs.leave_by_month, 0.0, 1.0 - 1e-12)
        horizon = SERVICE_MONTH_CAP + inputs.months + 2
        full = np.concatenate([chances, np.full(horizon - chances.size, chances[-1])])
        self._cumulative = np.concatenate([[0.0], np.cumsum(-np.log1p(-full))])
        self._edges = np.array([low * 12 for low, _ in self.bands[1:]], dtype=np.int64)
        if eligible_months != 0 and eligible_months not in self._edges:
            raise ValueError(
                f"eligibility must start a band of service ({list(self._edges)} months), "
                f"not {eligible_months}"
            )
        top = int(self._edges[-1]) + 1 if self._edges.size else 1
        self._band_table = np.searchsorted(self._edges, np.arange(top), side="right")

    def run(self, paths: int, seed: int | np.random.Generator) -> SupplyPaths:
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        inputs = self.inputs
        roles, months = len(inputs.roles), inputs.months
        ledger = _Ledger(paths, roles, months, len(self.bands))
        count = inputs.staff_role.size
        ledger.base["heads"] = np.bincount(inputs.staff_role, minlength=roles).astype(np.float64)
        ledger.base["bands"] = np.bincount(
            self.band_of(inputs.staff_service_months), minlength=len(self.bands)
        ).astype(np.float64)
        staff_fte = np.bincount(inputs.staff_role, weights=inputs.staff_fte, minlength=roles)
        ledger.fte.reshape(paths, roles, ledger.width)[:, :, 0] += staff_fte
        self._place(
            ledger,
            rng,
            path=np.repeat(np.arange(paths), count),
            role=np.tile(inputs.staff_role, paths),
            fte=np.tile(inputs.staff_fte, paths),
            first=np.zeros(paths * count, dtype=np.int64),
            service=np.tile(inputs.staff_service_months, paths),
            in_role=np.tile(inputs.staff_role_months, paths),
        )
        groups = np.asarray(inputs.post_group)
        extra = inputs.target_extra if inputs.target_extra.size else np.zeros((roles, months + 1))
        pipeline = np.zeros((paths, roles, months + 2))
        rounds_by_month: dict[int, list[RecruitmentRound]] = {}
        for chosen in inputs.rounds:
            rounds_by_month.setdefault(chosen.month, []).append(chosen)
        intakes_by_month: dict[int, list[Intake]] = {}
        for intake in inputs.intakes:
            intakes_by_month.setdefault(intake.month, []).append(intake)
        for month in range(1, months + 1):
            for intake in intakes_by_month.get(month, []):
                arrived = rng.binomial(intake.people, intake.success_rate, size=paths)
                self._arrive(
                    ledger, rng, inputs.role_index(intake.role), arrived, month, intake.fte
                )
            wanted = rounds_by_month.get(month, [])
            if not wanted:
                continue
            own = ledger.own_fte_on(roles, month)
            own_group = np.zeros((paths, roles))
            np.add.at(own_group.T, groups, own.T)
            coming = pipeline[:, :, month + 1 :].sum(axis=2)
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
                    pipeline[:, group, landing] += found * fte
                    self._arrive(ledger, rng, group, found, landing, fte)
        return self._finish(ledger, paths)

    def _arrive(
        self,
        ledger: _Ledger,
        rng: np.random.Generator,
        role: int,
        people: IntArray,
        month: int,
        fte: float,
    ) -> None:
        total = int(people.sum())
        if total == 0:
            return
        # Everyone in the batch starts in ``month`` with no service: the starts are counted per
        # path directly, and only each person's leaving and moves are drawn.
        width, roles = ledger.width, len(self.inputs.roles)
        cells = np.flatnonzero(people)
        counts = people[cells].astype(np.float64)
        ledger.dense["starters"][cells * width + month] += counts
        first_band = int(self.band_of(np.zeros(1, dtype=np.int64))[0])
        ledger.dense["bands"][(cells * len(self.bands) + first_band) * width + month] += counts
        ledger.dense["heads"][(cells * roles + role) * width + month] += counts
        ledger.fte[(cells * roles + role) * width + month] += counts * fte
        path = np.repeat(np.arange(people.size), people)
        self._place(
            ledger,
            rng,
            path=path,
            role=np.full(total, role, dtype=np.int64),
            fte=np.full(total, fte),
            first=np.full(total, month, dtype=np.int64),
            service=np.zeros(total, dtype=np.int64),
            in_role=np.zeros(total, dtype=np.int64),
        )

    def _place(
        self,
        ledger: _Ledger,
        rng: np.random.Generator,
        *,
        path: IntArray,
        role: IntArray,
        fte: FloatArray,
        first: IntArray,
        service: IntArray,
        in_role: IntArray,
    ) -> None:
        """Draw each person's leaving month and role moves and write their spans to the
        ledger. ``first`` is the month they first count in, with ``service`` months done; their
        start is already counted (the ledger's base for the first day's staff, its dense starts
        for arrivals), so only what is drawn is written here."""
        inputs = self.inputs
        roles, width, last = len(inputs.roles), ledger.width, ledger.width - 1
        capped = np.minimum(service, SERVICE_MONTH_CAP)
        level = self._cumulative[capped] + rng.standard_exponential(path.size)
        stayed = np.searchsorted(self._cumulative, level, side="left") - 1 - capped
        gone = np.minimum(first + stayed + 1, last)  # the first month they no longer count in
        self._bands(ledger, path, first, service, gone)
        # Role spans, moving up the ladder; only people still here go on to the next step.
        begin, current, months_done = first, role, in_role
        asye = inputs.asye_role
        opened = True
        for _ in range(roles):
            months_in = np.full(path.size, width, dtype=np.int64)
            chance = inputs.progress[current]
            moving = np.flatnonzero((chance > 0) & (current < roles - 1))
            if moving.size:
                months_in[moving] = rng.geometric(chance[moving])
            if asye is not None:
                is_asye = np.flatnonzero(current == asye)
                months_in[is_asye] = np.maximum(inputs.asye_months - months_done[is_asye], 1)
            following = begin + months_in
            end = np.minimum(following, gone)
            ledger.roles(path * roles + current, begin, end, fte, opened=opened)
            opened = False
            going_on = np.flatnonzero(
                (following < gone) & (current < roles - 1) & (following < last)
            )
            if not going_on.size:
                break
            path, gone, fte = path[going_on], gone[going_on], fte[going_on]
            begin, current = following[going_on], current[going_on] + 1
            months_done = np.zeros(going_on.size, dtype=np.int64)

    def band_of(self, service: IntArray) -> IntArray:
        """The band of each number of completed months of service."""
        return np.asarray(self._band_table[np.minimum(service, self._band_table.size - 1)])

    def _bands(
        self,
        ledger: _Ledger,
        path: IntArray,
        first: IntArray,
        service: IntArray,
        gone: IntArray,
    ) -> None:
        """Headcount by band of service (the start, in the band of ``service`` at ``first``, is
        already counted): across each anniversary that starts a band while still here, and out
        of the last band at ``gone``."""
        width, count = ledger.width, len(self.bands)
        edges = self._edges
        cell = path * count
        for index, edge in enumerate(edges):
            near = np.flatnonzero(service < edge)
            crossing = first[near] + edge - service[near]
            crossed = np.flatnonzero(crossing < gone[near])
            near, crossing = near[crossed], crossing[crossed]
            ledger.mark("bands", (cell[near] + index) * width + crossing, -1.0)
            ledger.mark("bands", (cell[near] + index + 1) * width + crossing)
        left = np.flatnonzero(gone < width - 1)
        end_band = self.band_of(service[left] + gone[left] - 1 - first[left])
        ledger.mark("bands", (cell[left] + end_band) * width + gone[left], -1.0)

    def _finish(self, ledger: _Ledger, paths: int) -> SupplyPaths:
        inputs = self.inputs
        roles, months = len(inputs.roles), inputs.months
        own_fte = ledger.stock("fte", roles)
        heads = np.rint(ledger.stock("heads", roles)).astype(np.int64)
        bands = np.rint(ledger.stock("bands", len(self.bands))).astype(np.int64)
        eligible_from = int(np.searchsorted(self._edges, self.eligible_months, side="right"))
        eligible = bands[:, eligible_from:, :].sum(axis=1)
        starters = ledger.counts("starters")
        total = heads.sum(axis=1)
        leavers = np.zeros_like(starters)
        leavers[:, 1:] = total[:, :-1] + starters[:, 1:] - total[:, 1:]
        groups = np.asarray(inputs.post_group)
        own_group = np.zeros_like(own_fte)
        np.add.at(own_group.transpose(1, 0, 2), groups, own_fte.transpose(1, 0, 2))
        establishment_group = np.zeros((roles, months + 1))
        np.add.at(establishment_group, groups, inputs.establishment)
        share = inputs.agency_share if inputs.agency_share.size else np.ones(roles)
        cap = establishment_group * share[:, None]
        gap = np.maximum(establishment_group[None] - own_group, 0.0)
        agency = np.minimum(gap, cap[None])
        vacancy = gap - agency
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
