"""The onlooker the disclosure tests set against suppressed figures, independent of the module it
tests: subtraction sum by sum, and all the sums solved together with numpy's rank.

A relation is a sequence ``[total, part, part, ...]`` meaning total = the sum of the parts."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

import numpy as np

K = TypeVar("K", bound=Hashable)


def subtract(known: Mapping[K, float], relations: Sequence[Sequence[K]]) -> dict[K, float]:
    """Every unknown figure worked out by subtraction: in any relation with one unknown, it is the
    total minus the other parts (or the sum of the parts), repeated with whatever came out."""
    values = dict(known)
    recovered: dict[K, float] = {}
    progress = True
    while progress:
        progress = False
        for total, *parts in relations:
            missing = [key for key in (total, *parts) if key not in values]
            if len(missing) != 1:
                continue
            key = missing[0]
            others = sum(values[part] for part in parts if part != key)
            values[key] = recovered[key] = others if key == total else values[total] - others
            progress = True
    return recovered


def solvable(hidden: set[K], relations: Sequence[Sequence[K]]) -> set[K]:
    """Hidden figures fixed by all the relations taken together: a hidden cell is fixed when every
    solution of the equations on the hidden cells agrees on it, that is when its coordinate is
    zero in every vector of the equations' null space."""
    cells = sorted(hidden, key=repr)
    index = {cell: i for i, cell in enumerate(cells)}
    rows = []
    for total, *parts in relations:
        row = np.zeros(len(cells))
        for cell, sign in ((total, 1.0), *((part, -1.0) for part in parts)):
            if cell in index:
                row[index[cell]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    _, singular, vt = np.linalg.svd(np.array(rows))
    rank = int((singular > 1e-9 * max(1.0, float(singular.max(initial=0.0)))).sum())
    null = vt[rank:]
    return {cell for cell, i in index.items() if not null.size or np.abs(null[:, i]).max() < 1e-9}
