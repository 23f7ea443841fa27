"""Sizing demand to the workforce, and choosing the children that appear in the data.

Candidate journeys are generated at a generous referral rate and then thinned: each family is
kept with a probability that depends smoothly (piecewise linearly, with yearly knots) on its
first referral date. The knot values are fitted by ridge least squares so that the number of
children with an open status on dates through the period matches a target (the preset's caseload
times the FTE of case-holding workers). Thinning keeps the trend and seasonality of referrals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from caseload.synthetic.days import BoolArray, FloatArray, IntArray
from caseload.synthetic.demand import ChildJourneys, Journeys

OPEN = 2**40  # end day of a status still open after the simulated period
SMOOTHING = 0.01  # weight of the penalty on changes between knots


def hat_basis(days: IntArray, knots: IntArray) -> FloatArray:
    """Piecewise-linear interpolation weights of ``days`` on ``knots`` (constant outside)."""
    clipped = np.clip(days, knots[0], knots[-1])
    upper = np.clip(np.searchsorted(knots, clipped, side="right"), 1, len(knots) - 1)
    lower = upper - 1
    span = (knots[upper] - knots[lower]).astype(np.float64)
    weight = (clipped - knots[lower]) / span
    basis = np.zeros((len(days), len(knots)), dtype=np.float64)
    rows = np.arange(len(days))
    basis[rows, lower] = 1.0 - weight
    basis[rows, upper] += weight
    return basis


def fit_keep(
    journeys: Journeys,
    children: ChildJourneys,
    dates: IntArray,
    targets: FloatArray,
    knots: IntArray,
) -> FloatArray:
    """Keep-probability values at ``knots`` so the open stock on ``dates`` matches ``targets``."""
    family_basis = hat_basis(journeys.first_referral, knots)
    relevant = (children.status_end >= dates[0]) & (children.status_start <= dates[-1])
    seg_family = children.family[children.status_child[relevant]]
    starts = children.status_start[relevant]
    ends = children.status_end[relevant]
    design = np.zeros((len(dates), len(knots)), dtype=np.float64)
    for j, day in enumerate(dates):
        open_now = (starts <= day) & (ends >= day)
        design[j] = family_basis[seg_family[open_now]].sum(axis=0)
    gram = design.T @ design
    identity = np.eye(len(knots), dtype=np.float64)
    smooth = np.diff(identity, n=1, axis=0)
    penalty = SMOOTHING * float(np.trace(gram)) / len(knots)
    system = gram + penalty * (smooth.T @ smooth) + 1e-9 * identity
    solution = np.linalg.solve(system, design.T @ targets)
    return np.asarray(solution, dtype=np.float64)


def keep_families(
    rng: np.random.Generator, journeys: Journeys, knots: IntArray, values: FloatArray
) -> BoolArray:
    """Thinning draw: each family kept with its interpolated probability."""
    chance = hat_basis(journeys.first_referral, knots) @ np.clip(values, 0.02, 1.0)
    kept: BoolArray = rng.random(len(chance)) < chance
    return kept


@dataclass
class Demand:
    """The children in the data (indexes 0..n-1 in id order) and their records. Status and
    proceedings ends are ``OPEN`` when still open after the period."""

    family: IntArray
    sibling_group: IntArray
    birth: IntArray
    status_child: IntArray
    status: IntArray
    status_start: IntArray
    status_end: IntArray
    ref_child: IntArray
    ref_day: IntArray
    ref_source: IntArray
    ref_led: BoolArray
    proc_child: IntArray
    proc_kind: IntArray
    proc_start: IntArray
    proc_end: IntArray


def select_children(
    children: ChildJourneys, kept_family: BoolArray, start: int, end: int
) -> Demand:
    """Children of kept families with a status, referral or proceedings in ``start..end``; their
    statuses and proceedings overlapping the period and all their referrals up to ``end``."""
    n = len(children.family)
    touches = np.zeros(n, dtype=np.bool_)
    live = (children.status_end >= start) & (children.status_start <= end)
    touches[children.status_child[live]] = True
    recent = (children.ref_day >= start) & (children.ref_day <= end)
    touches[children.ref_child[recent]] = True
    family_in = np.zeros(len(kept_family), dtype=np.bool_)
    family_in[children.family[touches]] = True
    family_in &= kept_family
    chosen = family_in[children.family]
    new_id = np.full(n, -1, dtype=np.int64)
    new_id[chosen] = np.arange(int(chosen.sum()), dtype=np.int64)
    family = children.family[chosen]
    sizes = np.bincount(family, minlength=len(kept_family))
    _, group = np.unique(family, return_inverse=True)
    sibling_group = np.where(sizes[family] > 1, group, -1).astype(np.int64)

    s_keep = chosen[children.status_child] & live
    r_keep = chosen[children.ref_child] & (children.ref_day <= end)
    p_keep = (
        chosen[children.proc_child] & (children.proc_end >= start) & (children.proc_start <= end)
    )
    status_end = children.status_end[s_keep]
    proc_end = children.proc_end[p_keep]
    return Demand(
        family=family,
        sibling_group=sibling_group,
        birth=children.birth[chosen],
        status_child=new_id[children.status_child[s_keep]],
        status=children.status[s_keep],
        status_start=children.status_start[s_keep],
        status_end=np.where(status_end > end, OPEN, status_end),
        ref_child=new_id[children.ref_child[r_keep]],
        ref_day=children.ref_day[r_keep],
        ref_source=children.ref_source[r_keep],
        ref_led=children.ref_led[r_keep],
        proc_child=new_id[children.proc_child[p_keep]],
        proc_kind=children.proc_kind[p_keep],
        proc_start=children.proc_start[p_keep],
        proc_end=np.where(proc_end > end, OPEN, proc_end),
    )
