"""Weighted draws without numpy's per-call checks are numpy's own draws, from the same stream."""

from __future__ import annotations

import numpy as np

from caseload.synthetic.draws import cumulative, weighted_index


def test_weighted_index_is_generator_choice() -> None:
    mixes = [
        (0.4, 0.22, 0.15, 0.12, 0.11),
        (0.847, 0.145, 0.004, 0.004),
        tuple(np.random.default_rng(3).random(9)),
        (0.0, 1.0, 0.0),
    ]
    for mix in mixes:
        weights = np.asarray(mix) / np.sum(mix)
        ours, numpys = np.random.default_rng(11), np.random.default_rng(11)
        cdf = cumulative(weights)
        drawn = [weighted_index(ours, cdf) for _ in range(5_000)]
        expected = [int(numpys.choice(len(weights), p=weights)) for _ in range(5_000)]
        assert drawn == expected
        assert ours.random() == numpys.random()  # the streams are in step afterwards
