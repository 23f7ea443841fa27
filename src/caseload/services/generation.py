"""Building synthetic councils into the database: the demo council and national sets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace as with_changes
from datetime import date

import numpy as np
from sqlalchemy import Engine, delete, select

from caseload.errors import ConfigurationError, DataIntegrityError
from caseload.storage import bulk, schema
from caseload.storage.models import Authority
from caseload.synthetic import PRESETS, CouncilSpec, generate_council, national_specs

DEMO_SPEC = CouncilSpec(
    code="999",
    name="Demoshire Council (synthetic)",
    region="North West",
    size_fte=250.0,
    preset="typical",
    # Children first needing a worker in the last five days wait for the next allocation
    # meeting, so the demo's team manager has a queue to allocate.
    awaiting_allocation_days=5,
    # Benchmarking: Demoshire is a typical North West council of about 220 own FTE; it borrows the
    # place of Rochdale (354), whose 2025 figures are much like its own, in DfE's statistical
    # neighbour model (docs/synthetic.md).
    neighbours_like="354",
)
LAST_CENSUS_YEAR = 2026


def simulation_start(years: int, last_census_year: int = LAST_CENSUS_YEAR) -> date:
    """First day of a simulation of ``years`` whole census years ending at ``last_census_year``."""
    if years < 1 or years > 20:
        raise ConfigurationError(f"--years must be between 1 and 20, not {years}")
    return date(last_census_year - years, 10, 1)


def check_preset(preset: str) -> None:
    if preset not in PRESETS:
        raise ConfigurationError(
            f"unknown preset {preset!r}; choose one of {', '.join(sorted(PRESETS))}"
        )


@dataclass(frozen=True)
class GeneratedCouncil:
    code: str
    rows: dict[str, int]


def build_council(
    engine: Engine, spec: CouncilSpec, *, years: int, seed: int, replace: bool = False
) -> GeneratedCouncil:
    """Simulate one council and write it in a single transaction."""
    check_preset(spec.preset)
    council = generate_council(spec, start=simulation_start(years), years=years, seed=seed)
    with engine.begin() as connection:
        existing = connection.scalar(select(Authority.id).where(Authority.code == spec.code))
        if existing is not None:
            if not replace:
                raise DataIntegrityError(
                    f"authority {spec.code} is already in the database; use a fresh database "
                    "(set CASELOAD_DATABASE_URL) or remove that authority first"
                )
            connection.execute(delete(Authority).where(Authority.id == existing))
        authority_id = bulk.insert_authority(
            connection, code=spec.code, name=spec.name, region=spec.region, data_as_at=council.end
        )
        rows = bulk.write_frames(connection, authority_id, council.frames())
    return GeneratedCouncil(code=spec.code, rows=rows)


def build_demo(engine: Engine, *, seed: int, preset: str, years: int) -> GeneratedCouncil:
    """The demo council, replacing any earlier demo in the same database."""
    schema.upgrade(engine)
    spec = with_changes(DEMO_SPEC, preset=preset)
    return build_council(engine, spec, years=years, seed=seed, replace=True)


def council_seeds(seed: int, count: int) -> list[int]:
    """Independent, reproducible seeds for ``count`` councils."""
    children = np.random.SeedSequence(seed).spawn(count)
    return [int(child.generate_state(1)[0]) for child in children]


def build_national(
    engine: Engine,
    *,
    authorities: int,
    years: int,
    seed: int,
    on_council: Callable[[GeneratedCouncil], None] | None = None,
) -> list[GeneratedCouncil]:
    """Generate ``authorities`` councils, each in its own transaction."""
    if authorities < 1 or authorities > 999:
        raise ConfigurationError(f"--authorities must be between 1 and 999, not {authorities}")
    simulation_start(years)
    schema.upgrade(engine)
    specs = national_specs(authorities, seed=seed)
    built = []
    for spec, council_seed in zip(specs, council_seeds(seed, authorities), strict=True):
        result = build_council(engine, spec, years=years, seed=council_seed)
        built.append(result)
        if on_council is not None:
            on_council(result)
    return built
