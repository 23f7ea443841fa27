"""The caseload report cache: a repeat costs the fingerprint, any change to the data is seen at
once, concurrent misses build once, and the cache stays within its size."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from caseload.domain import WorkerChangeReason
from caseload.services import allocation
from caseload.services.asye import asye_records
from caseload.services.caseloads import caseload_report, council_data
from caseload.services.generation import build_council
from caseload.services.learning import learning_records
from caseload.services.practice import practice_records
from caseload.services.progression import applications_of
from caseload.services.report_cache import data_key
from caseload.services.snapshot import (
    COUNCIL_PARTS,
    COUNCILS_KEPT,
    FingerprintCache,
    Snapshots,
    attach,
    snapshots,
)
from caseload.storage.engine import make_engine, session_scope
from caseload.storage.fingerprint import data_fingerprint
from caseload.storage.models import Authority
from caseload.storage.operations_models import ImportRun
from caseload.synthetic import CouncilSpec
from caseload.web import create_app

SPEC = CouncilSpec(
    code="803",
    name="Cachetown (synthetic)",
    region="London",
    size_fte=40.0,
    preset="typical",
    awaiting_allocation_days=7,
)


@pytest.fixture
def built(engine: Engine) -> Engine:
    """A small council with children waiting and room to place them."""
    build_council(engine, SPEC, years=1, seed=5)
    return engine


def authority_id(engine: Engine) -> int:
    with Session(engine) as session:
        found = session.scalar(select(Authority.id))
    assert found is not None
    return found


def fingerprint(engine: Engine) -> tuple[int | None, ...]:
    with session_scope(engine) as session:
        return data_fingerprint(session, authority_id(engine))


def test_a_repeat_is_served_from_the_cache(built: Engine) -> None:
    _, first = caseload_report(built)
    hits = snapshots(built).reports.hits
    _, again = caseload_report(built)
    assert again is first
    assert snapshots(built).reports.hits == hits + 1
    service = str(first.services["service"][0])
    _, part = caseload_report(built, teams=[service])
    assert part is not first  # another scope is another entry, built from the same data
    assert caseload_report(built, teams=[service.upper()])[1] is part


def test_a_decision_is_seen_at_once(
    built: Engine, decide_on_data_date: Callable[[Engine], date]
) -> None:
    decide_on_data_date(built)
    _, before = caseload_report(built)
    stamp = fingerprint(built)
    run = allocation.recommend(built)
    chosen = run.plan.recommendations[0]
    done = allocation.accept(built, user="alice", children=[chosen.child_ref])
    placed = {d.child_ref for d in done.decisions}
    assert fingerprint(built) != stamp
    _, after = caseload_report(built)
    assert after is not before
    assert after.queue.height == before.queue.height - len(placed)
    assert not placed & set(after.queue["child_ref"].to_list())
    held = after.workers.filter(pl.col("worker_id") == chosen.worker_id)["cases"][0]
    was = before.workers.filter(pl.col("worker_id") == chosen.worker_id)["cases"][0]
    assert held == was + len(placed)
    assert allocation.recommend(built) is not run


def test_a_rejection_an_import_and_a_move_each_change_the_fingerprint(built: Engine) -> None:
    stamps = [fingerprint(built)]
    ref = allocation.recommend(built).plan.recommendations[0].child_ref
    allocation.reject(built, user="alice", child_ref=ref, reason="needs a senior")
    stamps.append(fingerprint(built))
    with Session(built) as session:
        session.add(
            ImportRun(
                authority_id=authority_id(built),
                kind="hr",
                source_name="hr.csv",
                content_sha256="0" * 64,
                loaded_at=datetime.now(UTC),
                details="{}",
            )
        )
        session.commit()
    stamps.append(fingerprint(built))
    scope, report = caseload_report(built)
    holder = report.workers.sort(["cases", "worker_id"], descending=[True, False])
    allocation.apply_reallocation(
        built,
        user="alice",
        staff_number=str(holder["staff_number"][0]),
        start=scope.day + timedelta(days=1),
        reason=WorkerChangeReason.LEFTRL,
    )
    stamps.append(fingerprint(built))
    assert len(set(stamps)) == 4


def test_concurrent_misses_build_once() -> None:
    cache: FingerprintCache[int] = FingerprintCache(size=2)
    built: list[int] = []
    results: list[int] = []
    start = threading.Barrier(8)

    def build() -> int:
        time.sleep(0.05)
        built.append(1)
        return 42

    def ask() -> None:
        start.wait(timeout=10)
        results.append(cache.get_or_build("key", build))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert results == [42] * 8
    assert built == [1]
    assert (cache.misses, cache.hits) == (1, 7)


def test_the_cache_is_bounded_and_a_failed_build_is_not_kept() -> None:
    cache: FingerprintCache[str] = FingerprintCache(size=2)
    for key in ("a", "b", "c"):
        cache.get_or_build(key, lambda key=key: key.upper())  # type: ignore[misc]
    assert len(cache) == 2
    assert cache.get("a") is None
    assert cache.get("c") == "C"

    def fail() -> str:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        cache.get_or_build("d", fail)
    assert cache.get("d") is None
    assert cache.get_or_build("d", lambda: "D") == "D"


def test_the_data_key_names_the_database(built: Engine) -> None:
    key = data_key(built, authority_id(built))
    assert key[1] == authority_id(built)
    assert key[2] == fingerprint(built)
    kept = snapshots(built).council_data
    assert len(kept) <= kept.size


def test_each_database_has_its_own_snapshots(built: Engine, tmp_path: Path) -> None:
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        assert snapshots(built) is snapshots(built)
        assert snapshots(other) is not snapshots(built)
        owned = Snapshots()
        assert attach(other, owned) is owned and snapshots(other) is owned
        caseload_report(built)
        assert snapshots(built).stats()["council_data"]["entries"] == 1
        assert owned.stats()["council_data"]["entries"] == 0
        snapshots(built).clear()
        assert snapshots(built).stats()["reports"] == {"entries": 0, "hits": 0, "misses": 0}
    finally:
        other.dispose()


def test_the_application_owns_the_snapshots_of_its_database(built: Engine) -> None:
    app = create_app(built)
    assert app.state.snapshots is snapshots(built)


def test_a_councils_records_do_not_push_its_frames_out(built: Engine) -> None:
    """The practice, ASYE, progression and learning records are kept beside the council's
    frames: reading all of them must leave the frames in the snapshot (the scorecard reads them
    all, then the frames again)."""
    council = council_data(built, authority_id=authority_id(built))
    kept = snapshots(built).council_data
    misses = kept.misses
    practice_records(built, council)
    asye_records(built, council)
    applications_of(built, council)
    learning_records(built, council)
    assert kept.misses == misses + 4
    assert council_data(built, authority_id=authority_id(built)) is council
    assert kept.misses == misses + 4
    assert kept.size == COUNCILS_KEPT * COUNCIL_PARTS
