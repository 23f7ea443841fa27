"""Weighted draws in the simulation's inner loops, made as numpy makes them but without the
checks ``Generator.choice`` repeats on every call (ten times the cost of the draw itself).

``Generator.choice(n, p=p)`` (one draw, with replacement) normalises the cumulative sum of ``p``
and looks up one ``Generator.random()`` in it; :func:`weighted_index` does the same arithmetic on
the same stream, so every draw, and so every frame, is unchanged."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from caseload.synthetic.days import FloatArray


def cumulative(weights: Sequence[float] | npt.NDArray[Any]) -> FloatArray:
    """The normalised cumulative weights ``Generator.choice`` searches."""
    cdf: FloatArray = np.asarray(weights, dtype=np.float64).cumsum()
    cdf /= cdf[-1]
    return cdf


def weighted_index(rng: np.random.Generator, cdf: FloatArray) -> int:
    """``int(rng.choice(len(p), p=p))`` for ``cdf = cumulative(p)``."""
    return int(cdf.searchsorted(rng.random(), side="right"))
