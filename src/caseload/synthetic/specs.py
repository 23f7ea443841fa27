"""What a synthetic council is asked to look like, and a national set of them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

REGIONS: tuple[str, ...] = (
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
)

# Councils per region in England (DfE 2024 file), used to spread a national set.
_REGION_COUNCILS: tuple[int, ...] = (12, 24, 15, 9, 14, 11, 32, 19, 15)

# Shares of presets in a national set.
_PRESET_MIX: tuple[tuple[str, float], ...] = (
    ("typical", 0.76),
    ("struggling", 0.14),
    ("recovering", 0.10),
)

MIN_FTE = 60.0
MAX_FTE = 900.0
MEAN_FTE = 235.0


@dataclass(frozen=True)
class CouncilSpec:
    """A council to simulate.

    ``code`` is the 3-character authority code, ``region`` one of :data:`REGIONS`, ``size_fte``
    the funded social-work establishment in census roles (about 250 for a typical council) and
    ``preset`` a key of :data:`caseload.synthetic.PRESETS`. ``awaiting_allocation_days`` leaves
    children whose first allocation would start in the last that many days of the simulation
    unallocated: they wait for the next allocation meeting (0, the default, allocates them).
    ``neighbours_like`` is the DfE code of a real council whose place in DfE's statistical
    neighbour model the synthetic council borrows for benchmarking (``None``: no neighbours).
    """

    code: str
    name: str
    region: str
    size_fte: float
    preset: str
    awaiting_allocation_days: int = 0
    neighbours_like: str | None = None


def national_specs(count: int, *, seed: int) -> list[CouncilSpec]:
    """``count`` councils with lognormal sizes (60 to 900 FTE, mean about 235), spread over the
    nine regions in England's proportions, mostly ``typical`` with some ``struggling`` and
    ``recovering``. Codes are ``"001"`` upwards, never real DfE codes."""
    if not 1 <= count <= 999:
        raise ValueError("count must be between 1 and 999")
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x5EC5]))
    sigma = 0.62
    mu = np.log(MEAN_FTE) - sigma * sigma / 2
    sizes = np.clip(rng.lognormal(mu, sigma, size=count), MIN_FTE, MAX_FTE)
    # Rescale towards the national mean while staying inside the bounds.
    for _ in range(5):
        sizes = np.clip(sizes * (MEAN_FTE / sizes.mean()), MIN_FTE, MAX_FTE)
    weights = np.array(_REGION_COUNCILS, dtype=np.float64)
    regions = rng.choice(len(REGIONS), size=count, p=weights / weights.sum())
    names = [name for name, _ in _PRESET_MIX]
    shares = np.array([share for _, share in _PRESET_MIX])
    presets = rng.choice(len(names), size=count, p=shares / shares.sum())
    return [
        CouncilSpec(
            code=f"{number:03d}",
            name=f"Synthetic Council {number:03d}",
            region=REGIONS[int(regions[i])],
            size_fte=round(float(sizes[i]), 1),
            preset=names[int(presets[i])],
        )
        for i, number in enumerate(range(1, count + 1))
    ]
