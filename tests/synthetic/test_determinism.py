"""The same spec, start, years and seed give identical frames; another seed gives others."""

from __future__ import annotations

from collections.abc import Callable

from caseload.synthetic import SyntheticCouncil

Build = Callable[..., SyntheticCouncil]


def test_same_seed_same_frames(small_council: SyntheticCouncil, build: Build) -> None:
    again = build(seed=7)
    assert again.end == small_council.end
    for name, frame in small_council.frames().items():
        assert frame.equals(again.frames()[name]), name


def test_different_seed_different_frames(small_council: SyntheticCouncil, build: Build) -> None:
    other = build(seed=8)
    different = [
        name
        for name, frame in small_council.frames().items()
        if not frame.equals(other.frames()[name])
    ]
    assert {"worker", "employment_spell", "child", "allocation"} <= set(different)


def test_code_changes_the_draw(small_council: SyntheticCouncil, build: Build) -> None:
    other = build(code="802", seed=7)
    assert not other.allocations.equals(small_council.allocations)
