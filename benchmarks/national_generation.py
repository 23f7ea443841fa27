"""Generating a national synthetic set into one database, as the user waits for it.

Runs ``caseload generate --authorities 150 --years 5`` (about 35,000 FTE) from a new process into
a fresh database (a temporary SQLite file, or a throwaway schema of ``--database-url``) and
prints the time to the command's end, the rows written and rows per second, the processor time
of the writing process and of the simulating worker processes, and the peak memory (VmHWM) of
the command's process and of each worker, read from /proc while they run. The baselines in the
same run: one council's rows written one INSERT per row, and the same council written by this
writer and by the previous one (SQLAlchemy inserts of dicts on PostgreSQL; on SQLite the driver
for most tables and SQLAlchemy for tables with a decimal column). The time measured on
2026-11-24 before this work (simulating and writing council after council in one process, when
the set had 22.9 million rows) is printed beside it.

    .venv/bin/python benchmarks/national_generation.py [--authorities 150] [--years 5] [--seed 1]
        [--workers N] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, Engine, Table, func, select, text
from sqlalchemy.engine import make_url

from caseload.services.generation import council_seeds, simulation_start
from caseload.storage import bulk
from caseload.storage.engine import make_engine
from caseload.synthetic import generate_council, national_specs

TARGET_SECONDS = 120.0
BEFORE = (
    "2026-11-24, SQLite, one process, 22.9 million rows: simulate 191.9 s + write 367.2 s = 559.1 s"
)
TICKS = os.sysconf("SC_CLK_TCK")
PER_ROW_SAMPLE = 100_000


@dataclass
class Seen:
    """What polling /proc saw of one process: its name, peak memory and processor time."""

    name: str
    peak_kib: int = 0
    cpu_seconds: float = 0.0


@dataclass
class Tree:
    """The command's process and every process under it, as last seen."""

    root: int
    seen: dict[int, Seen] = field(default_factory=dict)

    def poll(self) -> None:
        for pid, part in self._members():
            status = _read(f"/proc/{pid}/status")
            stat = _read(f"/proc/{pid}/stat")
            if status is None or stat is None:
                continue
            entry = self.seen.setdefault(pid, Seen(part))
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    entry.peak_kib = max(entry.peak_kib, int(line.split()[1]))
            fields = stat.rsplit(")", 1)[1].split()
            entry.cpu_seconds = max(entry.cpu_seconds, (int(fields[11]) + int(fields[12])) / TICKS)

    def _members(self) -> list[tuple[int, str]]:
        """Each process under the root with its part: writer (the command), fork server,
        resource tracker or worker (a simulating process)."""
        found, todo = [], [(self.root, "writer")]
        while todo:
            pid, part = todo.pop()
            found.append((pid, part))
            for task in Path(f"/proc/{pid}/task").glob("*/children"):
                for child in (_read(str(task)) or "").split():
                    todo.append((int(child), _part(int(child), part)))
        return found


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text()
    except OSError:
        return None


def _part(pid: int, parent: str) -> str:
    arguments = " ".join((_read(f"/proc/{pid}/cmdline") or "").split("\0"))
    if "resource_tracker" in arguments:
        return "resource tracker"
    if parent == "writer" and "forkserver" in arguments:
        return "fork server"
    return "worker"


def fresh_database(url: str | None, folder: Path) -> tuple[str, str | None]:
    """A database URL for an empty database, and the PostgreSQL schema to drop afterwards."""
    if url is None:
        return f"sqlite:///{folder / 'national.db'}", None
    name = f"bench_{uuid.uuid4().hex[:8]}"
    with make_engine(url).begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={name}"})
    return scoped.render_as_string(hide_password=False), name


def run_command(url: str, args: argparse.Namespace) -> tuple[float, Tree, str]:
    """``caseload generate`` from a new process; its wall time, processes and output."""
    command = [
        sys.executable,
        "-c",
        "from caseload.cli.app import run; run()",
        "generate",
        f"--authorities={args.authorities}",
        f"--years={args.years}",
        f"--seed={args.seed}",
    ]
    if args.workers is not None:
        command.append(f"--workers={args.workers}")
    env = {**os.environ, "CASELOAD_DATABASE_URL": url}
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    tree = Tree(process.pid)
    while process.poll() is None:
        tree.poll()
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    output = process.stdout.read().decode() if process.stdout else ""
    if process.returncode != 0:
        raise SystemExit(f"caseload generate failed ({process.returncode}):\n{output}")
    return seconds, tree, output.strip()


def rows_in(engine: Engine) -> int:
    with engine.connect() as connection:
        return sum(
            int(connection.scalar(select(func.count()).select_from(bulk.table_of(name))) or 0)
            for name in bulk.INSERT_ORDER
        )


def per_row_insert_rate(engine: Engine, frames: dict[str, pl.DataFrame]) -> tuple[int, float]:
    """Baseline: one council's rows, one INSERT statement per row (rolled back afterwards), its
    first ``PER_ROW_SAMPLE`` rows in insert order (the rate is steady; a whole council takes ten
    minutes on PostgreSQL)."""
    rows = 0
    with engine.connect() as connection, connection.begin() as transaction:
        authority_id = bulk.insert_authority(
            connection, code="BAS", name="Baseline", region=None, data_as_at=None
        )
        started = time.perf_counter()
        for name, frame in bulk.keyed_frames(connection, authority_id, frames).items():
            table = bulk.table_of(name)
            for row in frame.head(PER_ROW_SAMPLE - rows).iter_rows(named=True):
                connection.execute(table.insert(), row)
                rows += 1
        seconds = time.perf_counter() - started
        transaction.rollback()
    return rows, rows / seconds


def writer_rate(engine: Engine, frames: dict[str, pl.DataFrame], *, previous: bool) -> float:
    """One council written by this writer, or as before this work (``previous``), in rows per
    second (rolled back afterwards)."""
    rows = 0
    with engine.connect() as connection, connection.begin() as transaction:
        authority_id = bulk.insert_authority(
            connection, code="PRE", name="Writer", region=None, data_as_at=None
        )
        started = time.perf_counter()
        if previous:
            for name, frame in bulk.keyed_frames(connection, authority_id, frames).items():
                _previous_insert(connection, bulk.table_of(name), frame)
                rows += frame.height
        else:
            rows = sum(bulk.write_frames(connection, authority_id, frames).values())
        seconds = time.perf_counter() - started
        transaction.rollback()
    return rows / seconds


def _previous_insert(connection: Connection, table: Table, frame: pl.DataFrame) -> None:
    decimal = any(type(table.c[c].type).__name__ == "Numeric" for c in frame.columns)
    if connection.dialect.name == "sqlite" and not decimal:
        prepared = frame.with_columns(
            [pl.col(c).dt.strftime("%Y-%m-%d") for c, t in frame.schema.items() if t == pl.Date]
            + [pl.col(c).cast(pl.Int8) for c, t in frame.schema.items() if t == pl.Boolean]
        )
        names = ", ".join(f'"{c}"' for c in frame.columns)
        marks = ", ".join("?" for _ in frame.columns)
        statement = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'
        for batch in prepared.iter_slices(bulk.BATCH_ROWS):
            connection.exec_driver_sql(statement, batch.rows())
        return
    for batch in frame.iter_slices(bulk.BATCH_ROWS):
        connection.execute(table.insert(), batch.to_dicts())


def megabytes(kib: int) -> str:
    return f"{kib / 1024:,.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--authorities", type=int, default=150)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url, pg_schema = fresh_database(args.database_url, Path(folder))
        try:
            load = os.getloadavg()[0]
            seconds, tree, output = run_command(url, args)
            engine = make_engine(url)
            rows = rows_in(engine)
            specs = national_specs(args.authorities, seed=args.seed)
            fte = sum(spec.size_fte for spec in specs)
            first = generate_council(
                specs[0],
                start=simulation_start(args.years),
                years=args.years,
                seed=council_seeds(args.seed, 1)[0],
            )
            previous = writer_rate(engine, first.frames(), previous=True)
            current = writer_rate(engine, first.frames(), previous=False)
            baseline_rows, baseline_rate = per_row_insert_rate(engine, first.frames())
            engine.dispose()
        finally:
            if pg_schema is not None:
                with make_engine(args.database_url or "").begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{pg_schema}" CASCADE'))

    backend = make_url(url).get_backend_name()
    writer = [s for s in tree.seen.values() if s.name == "writer"]
    workers = [s for s in tree.seen.values() if s.name == "worker"]
    others = [s for s in tree.seen.values() if s.name not in ("writer", "worker")]
    print(f"$ caseload generate --authorities {args.authorities} --years {args.years}")
    print(output.splitlines()[-1] if output else "")
    print(
        f"national set: {args.authorities} councils (establishment {fte:,.0f} FTE), "
        f"{args.years} census years, {rows:,} rows on {backend} "
        f"(load average {load:.1f} at the start)"
    )
    verdict = "met" if seconds < TARGET_SECONDS else "MISSED"
    print(
        f"total:    {seconds:8.1f} s from a new process to its end ({rows / seconds:,.0f} rows/s); "
        f"target under {TARGET_SECONDS:.0f} s: {verdict}"
    )
    print(
        f"cpu:      writer {sum(s.cpu_seconds for s in writer):.1f} s; "
        f"simulating workers ({len(workers)}) {sum(s.cpu_seconds for s in workers):.1f} s"
        + (f" (each {', '.join(f'{s.cpu_seconds:.1f}' for s in workers)})" if workers else "")
    )
    worker_peaks = ", ".join(megabytes(s.peak_kib) for s in workers) or "none"
    print(
        f"memory:   writer peak {megabytes(max((s.peak_kib for s in writer), default=0))}; "
        f"workers' peaks {worker_peaks} (summed with the writer's "
        f"{megabytes(sum(s.peak_kib for s in writer + workers + others))}"
        + (", resource tracker included" if others else "")
        + ")"
    )
    print(
        f"baseline: first council ({baseline_rows:,} rows of it) one INSERT per row "
        f"{baseline_rate:,.0f} rows/s; previous writer {previous:,.0f} rows/s, this writer "
        f"{current:,.0f} rows/s ({current / previous:.1f} x); the whole command "
        f"{rows / seconds / baseline_rate:.1f} x the per-row rate"
    )
    print(f"before:   {BEFORE}")


if __name__ == "__main__":
    main()
