"""A discrete-event twin of :mod:`caseload.forecasting.supply`, written with SimPy: each worker is
a process stepping month by month (leave with the chance for their months of service, else move
up a role), recruitment rounds seek the gap and their recruits arrive after the lead time. It
shares no code with the fast model beyond the inputs, so the two can check each other."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import simpy

from caseload.forecasting.supply import SERVICE_MONTH_CAP, SupplyInputs


@dataclass
class _Council:
    inputs: SupplyInputs
    rng: np.random.Generator
    fte_by_role: np.ndarray
    heads_by_role: np.ndarray
    coming: list[tuple[int, int, float]] = field(default_factory=list)  # (landing, group, fte)


def _worker(
    env: simpy.Environment,
    council: _Council,
    role: int,
    fte: float,
    service: int,
    in_role: int,
):  # type: ignore[no-untyped-def]
    inputs = council.inputs
    last = len(inputs.roles) - 1
    council.fte_by_role[role] += fte
    council.heads_by_role[role] += 1
    while True:
        yield env.timeout(1)
        if council.rng.random() < inputs.leave_by_month[min(service, SERVICE_MONTH_CAP)]:
            council.fte_by_role[role] -= fte
            council.heads_by_role[role] -= 1
            return
        service += 1
        in_role += 1
        if role == inputs.asye_role:
            moves = in_role >= inputs.asye_months
        else:
            moves = role < last and council.rng.random() < inputs.progress[role]
        if moves:
            council.fte_by_role[role] -= fte
            council.heads_by_role[role] -= 1
            role, in_role = role + 1, 0
            council.fte_by_role[role] += fte
            council.heads_by_role[role] += 1


def _arrive_later(env: simpy.Environment, council: _Council, month: int, role: int, fte: float):  # type: ignore[no-untyped-def]
    # At the start of the landing month, in step with everyone else: their first chance to
    # leave is a month later, after the round of that month has counted them.
    yield env.timeout(month - env.now)
    env.process(_worker(env, council, role, fte, 0, 0))


def _intakes(env: simpy.Environment, council: _Council):  # type: ignore[no-untyped-def]
    inputs = council.inputs
    for intake in sorted(inputs.intakes, key=lambda chosen: chosen.month):
        if intake.month > env.now:
            yield env.timeout(intake.month - env.now)
        for _ in range(intake.people):
            if council.rng.random() < intake.success_rate:
                env.process(_worker(env, council, inputs.role_index(intake.role), intake.fte, 0, 0))


def _rounds(env: simpy.Environment, council: _Council):  # type: ignore[no-untyped-def]
    inputs = council.inputs
    groups = np.asarray(inputs.post_group)
    yield env.timeout(0.25)  # after the month's leavers, moves and arrivals
    for chosen in sorted(inputs.rounds, key=lambda item: item.month):
        wait = chosen.month + 0.25 - env.now
        if wait > 0:
            yield env.timeout(wait)
        group = inputs.role_index(chosen.role)
        month = chosen.month
        target = inputs.establishment[groups == group, month].sum()
        if inputs.target_extra.size:
            target += inputs.target_extra[groups == group, month].sum()
        own = council.fte_by_role[groups == group].sum()
        coming = sum(fte for landing, g, fte in council.coming if g == group and landing > month)
        fte = float(inputs.recruit_fte[group])
        sought = int(np.ceil(max(target - own - coming, 0.0) / fte - 1e-9))
        landing = month + max(chosen.lead_months, 1)
        for _ in range(sought):
            if council.rng.random() < chosen.success_rate and landing <= inputs.months:
                council.coming.append((landing, group, fte))
                env.process(_arrive_later(env, council, landing, group, fte))


def twin_paths(inputs: SupplyInputs, *, paths: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Own FTE and headcount by path, role and month (0 to ``inputs.months``), from ``paths``
    independent runs of the event simulation."""
    rng = np.random.default_rng(seed)
    roles = len(inputs.roles)
    fte = np.zeros((paths, roles, inputs.months + 1))
    heads = np.zeros((paths, roles, inputs.months + 1))
    for path in range(paths):
        env = simpy.Environment()
        council = _Council(inputs, rng, np.zeros(roles), np.zeros(roles))
        for index in range(inputs.staff_role.size):
            env.process(
                _worker(
                    env,
                    council,
                    int(inputs.staff_role[index]),
                    float(inputs.staff_fte[index]),
                    int(inputs.staff_service_months[index]),
                    int(inputs.staff_role_months[index]),
                )
            )
        env.process(_intakes(env, council))
        env.process(_rounds(env, council))

        def watch(env: simpy.Environment = env, council: _Council = council, path: int = path):  # type: ignore[no-untyped-def]
            for month in range(inputs.months + 1):
                yield env.timeout(month + 0.5 - env.now)
                fte[path, :, month] = council.fte_by_role
                heads[path, :, month] = council.heads_by_role

        env.process(watch())
        env.run(until=inputs.months + 1)
    return fte, heads
