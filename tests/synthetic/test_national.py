"""National sets of council specs, and identifiers that stay unique across councils."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl

from caseload.synthetic import PRESETS, REGIONS, generate_council, national_specs


def test_national_specs_look_like_england() -> None:
    specs = national_specs(150, seed=1)
    assert [s.code for s in specs] == [f"{n:03d}" for n in range(1, 151)]
    assert specs[0].name == "Synthetic Council 001"
    sizes = [s.size_fte for s in specs]
    assert min(sizes) >= 60.0
    assert max(sizes) <= 900.0
    assert 32_000 <= sum(sizes) <= 38_000
    assert {s.region for s in specs} == set(REGIONS)
    presets = [s.preset for s in specs]
    assert set(presets) == set(PRESETS)
    assert presets.count("typical") > len(specs) / 2
    assert national_specs(150, seed=1) == specs
    assert national_specs(150, seed=2) != specs


def test_swe_numbers_unique_across_a_national_set() -> None:
    specs = [replace(s, size_fte=60.0) for s in national_specs(5, seed=3)]
    councils = [
        generate_council(spec, start=date(2024, 10, 1), years=1, seed=i)
        for i, spec in enumerate(specs)
    ]
    numbers = pl.concat([c.workers["swe_number"].drop_nulls() for c in councils])
    assert numbers.len() > 5 * 50
    assert numbers.is_unique().all()
    support = pl.concat(
        [
            c.employment_spells.filter(pl.col("role") == "family_support_worker")["worker_id"]
            for c in councils
        ]
    )
    assert support.len() > 0
    for council in councils:
        fsw = council.employment_spells.filter(pl.col("role") == "family_support_worker")
        ids = fsw["worker_id"].implode()
        assert council.workers.filter(pl.col("id").is_in(ids))["swe_number"].is_null().all()
