"""Building synthetic councils into the database: the demo council and national sets.

A national set is simulated in worker processes while this process writes: councils are handed
out in order, at most a few ahead of the writer, and written in order, one transaction each, so
the database holds exactly what one process simulating and writing council after council would
write (the same ids included), with only a few councils in memory at once."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from dataclasses import replace as with_changes
from datetime import date

import numpy as np
from sqlalchemy import Engine, delete, select

from caseload.errors import ConfigurationError, DataIntegrityError
from caseload.storage import bulk, schema
from caseload.storage.models import Authority
from caseload.synthetic import (
    PRESETS,
    CouncilSpec,
    SyntheticCouncil,
    generate_council,
    national_specs,
)

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
# Councils simulated ahead of the one being written, per worker process: enough that a worker
# never waits for the writer to take a finished council, few enough to bound memory.
AHEAD_PER_WORKER = 2
PARENT_CHECK_SECONDS = 1.0


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
    return write_council(engine, council, replace=replace)


def write_council(
    engine: Engine, council: SyntheticCouncil, *, replace: bool = False
) -> GeneratedCouncil:
    """Write a simulated council in a single transaction: all of it or, on any failure, none."""
    spec = council.spec
    with engine.begin() as connection:
        existing = connection.scalar(select(Authority.id).where(Authority.code == spec.code))
        if existing is not None:
            if not replace:
                raise _already_there(spec.code)
            connection.execute(delete(Authority).where(Authority.id == existing))
        authority_id = bulk.insert_authority(
            connection, code=spec.code, name=spec.name, region=spec.region, data_as_at=council.end
        )
        rows = bulk.write_frames(connection, authority_id, council.frames())
    return GeneratedCouncil(code=spec.code, rows=rows)


def _already_there(code: str) -> DataIntegrityError:
    return DataIntegrityError(
        f"authority {code} is already in the database; use a fresh database "
        "(set CASELOAD_DATABASE_URL) or remove that authority first"
    )


def build_demo(engine: Engine, *, seed: int, preset: str, years: int) -> GeneratedCouncil:
    """The demo council, replacing any earlier demo in the same database."""
    schema.upgrade(engine)
    spec = with_changes(DEMO_SPEC, preset=preset)
    return build_council(engine, spec, years=years, seed=seed, replace=True)


def council_seeds(seed: int, count: int) -> list[int]:
    """Independent, reproducible seeds for ``count`` councils."""
    children = np.random.SeedSequence(seed).spawn(count)
    return [int(child.generate_state(1)[0]) for child in children]


def default_workers() -> int:
    """One simulating process per processor this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def build_national(
    engine: Engine,
    *,
    authorities: int,
    years: int,
    seed: int,
    workers: int = 0,
    on_council: Callable[[GeneratedCouncil], None] | None = None,
) -> list[GeneratedCouncil]:
    """Generate ``authorities`` councils, each written in its own transaction. ``workers``
    processes simulate while this one writes (the command gives :func:`default_workers`); 0
    simulates here, council after council. The result does not depend on ``workers``."""
    if authorities < 1 or authorities > 999:
        raise ConfigurationError(f"--authorities must be between 1 and 999, not {authorities}")
    if not 0 <= workers <= 64:
        raise ConfigurationError(f"--workers must be between 0 and 64, not {workers}")
    start = simulation_start(years)
    schema.upgrade(engine)
    specs = national_specs(authorities, seed=seed)
    _refuse_codes_present(engine, [spec.code for spec in specs])
    seeds = council_seeds(seed, authorities)
    processes = min(workers, authorities)
    built = []
    councils = simulated(specs, seeds, start=start, years=years, workers=processes)
    with closing(councils):  # a failed write stops the workers at once
        for council in councils:
            result = write_council(engine, council)
            built.append(result)
            if on_council is not None:
                on_council(result)
    bulk.refresh_statistics(engine)
    return built


def _refuse_codes_present(engine: Engine, codes: list[str]) -> None:
    """Stop before simulating anything when a council of the set is in the database already."""
    with engine.connect() as connection:
        present = connection.scalars(
            select(Authority.code).where(Authority.code.in_(codes)).order_by(Authority.code)
        ).first()
    if present is not None:
        raise _already_there(present)


def simulated(
    specs: Sequence[CouncilSpec], seeds: Sequence[int], *, start: date, years: int, workers: int
) -> Generator[SyntheticCouncil, None, None]:
    """The councils simulated, in the order given: here one by one (``workers`` 0), or in
    ``workers`` processes at most ``AHEAD_PER_WORKER`` councils each ahead of the caller."""
    jobs = list(zip(specs, seeds, strict=True))
    if workers == 0:
        for spec, seed in jobs:
            yield generate_council(spec, start=start, years=years, seed=seed)
        return
    # A fresh interpreter per worker, never a fork of this process (which may hold database
    # connections and threads), and a child of this one, so that it can tell when it is gone.
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_end_with_parent,
        initargs=(os.getpid(),),
    )
    pending: deque[Future[SyntheticCouncil]] = deque()
    try:
        upcoming = iter(jobs)
        for spec, seed in upcoming:
            pending.append(pool.submit(generate_council, spec, start=start, years=years, seed=seed))
            if len(pending) >= workers * AHEAD_PER_WORKER:
                break
        while pending:
            council = pending.popleft().result()
            following = next(upcoming, None)
            if following is not None:
                spec, seed = following
                pending.append(
                    pool.submit(generate_council, spec, start=start, years=years, seed=seed)
                )
            yield council
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _end_with_parent(parent: int) -> None:
    """In each worker: end the worker once the writing process is gone (killed, say), so that a
    stopped command leaves no process behind simulating for nobody."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
