"""One date, one snapshot: what the user waits for on the typical demo council (SQLite).

1. ``caseload --help``: the command line starting, best of 5 (target under 0.3 s);
2. ``caseload caseloads`` (the table for the whole council) and ``caseload caseloads --format
   json``: the command as a user runs it, from a new process reading the database, best of 3
   (target under 1 s);
3. every page a service leader opens (overview, workforce, caseloads, the queue, a team, a
   worker) and the team manager's allocation workbench, through the web application (routing,
   the database, the council snapshot, rendering), on its first view after a data change: before
   each view every cache of the database is dropped, as a change of the data fingerprint does;
   best of 3 (target under 300 ms each);
4. the same pages viewed again with the snapshot built (what most views cost);
5. the council's snapshot read alone: every frame of the council from the database into
   memory, in process, best of 5 (target under 200 ms, issue 17).

Each figure is printed beside its baseline: the same measurement taken on this machine (2 cores)
before the snapshot work (commit a314394), where that commit could take it. The script exits 1
when a target is missed.

    .venv/bin/python benchmarks/snapshot.py [--seed 42] [--keep DIR]

The web load test under 20 clients on PostgreSQL is benchmarks/web_load.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# Measured on this machine at commit a314394 (before this work), the same way.
# Pages: the same first views with the module-level caches of that commit emptied before each.
BASELINES = {
    "caseload --help": 1.83,
    "caseload caseloads": 2.68,
    "caseload caseloads --format json": 2.56,
    "page: overview": 0.869,
    "page: workforce": 1.031,
    "page: caseloads": 0.619,
    "page: children waiting": 0.501,
    "page: a team": 0.627,
    "page: a worker": 0.050,
    "page: allocation workbench": 0.533,
}
TARGETS = {"help": 0.3, "command": 1.0, "page": 0.3, "snapshot": 0.2}
CASELOAD = Path(sys.executable).with_name("caseload")


def best(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def command(url: str, *args: str) -> Callable[[], object]:
    env = {**os.environ, "CASELOAD_DATABASE_URL": url, "COLUMNS": "160"}

    def run() -> object:
        return subprocess.run(
            [str(CASELOAD), *args], env=env, check=True, capture_output=True, text=True
        )

    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", type=Path, help="keep the demo database in this folder")
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from caseload.auth.roles import AccountRole
    from caseload.services import accounts
    from caseload.services.audit import cli_actor
    from caseload.services.caseloads import caseload_report
    from caseload.services.generation import DEMO_SPEC, build_demo
    from caseload.services.snapshot import snapshots
    from caseload.storage.engine import make_engine
    from caseload.web import create_app

    folder = args.keep or Path(tempfile.mkdtemp(prefix="caseload-snapshot-"))
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'demo.db'}"
    engine = make_engine(url)
    started = time.perf_counter()
    build_demo(engine, seed=args.seed, preset=DEMO_SPEC.preset, years=3)
    scope, report = caseload_report(engine)
    print(
        f"Typical demo council (seed {args.seed}) built in {time.perf_counter() - started:.0f} s: "
        f"{report.workers.height:,} workers, {report.queue.height} children waiting, data date "
        f"{scope.day.isoformat()}"
    )
    missed: list[str] = []

    def report_line(name: str, seconds: float, target: float) -> None:
        baseline = BASELINES.get(name)
        against = f"baseline {baseline:.2f} s" if baseline is not None else "no baseline"
        verdict = "ok" if seconds <= target else "MISSED"
        if seconds > target:
            missed.append(name)
        print(f"  {name:<44} {seconds:7.3f} s   target {target:.2f} s   {against}   {verdict}")

    from caseload.services.caseloads import council_data

    def snapshot_read() -> object:
        snapshots(engine).clear()
        return council_data(engine)

    print("\nThe council's snapshot read from the database (every cache dropped first):")
    report_line("snapshot read (council_data)", best(5, snapshot_read), TARGETS["snapshot"])

    print("\nThe command line (new process each run):")
    report_line("caseload --help", best(5, command(url, "--help")), TARGETS["help"])
    report_line("caseload caseloads", best(3, command(url, "caseloads")), TARGETS["command"])
    report_line(
        "caseload caseloads --format json",
        best(3, command(url, "caseloads", "--format", "json")),
        TARGETS["command"],
    )

    password = "benchmark passphrase 1"
    team = str(report.teams.sort("cases", descending=True)["team"][0])
    actor = cli_actor("benchmark", None)
    for username, role, teams in (
        ("bench-leader", AccountRole.LEADER, ()),
        ("bench-manager", AccountRole.TEAM_MANAGER, (team,)),
    ):
        accounts.add_user(
            engine,
            actor,
            username=username,
            display_name=username,
            role=role,
            teams=list(teams),
            password=password,
        )
    app = create_app(engine)
    clients = {}
    for username in ("bench-leader", "bench-manager"):
        client = TestClient(app, follow_redirects=False)
        page = client.get("/sign-in")
        presign = page.text.split('name="presign" value="', 1)[1].split('"', 1)[0]
        client.post(
            "/sign-in",
            data={"username": username, "password": password, "presign": presign, "next": "/"},
        )
        clients[username] = client
    team_id = int(report.teams.sort("cases", descending=True)["team_id"][0])
    worker_id = int(report.workers.sort("cases", descending=True)["worker_id"][0])
    pages = [
        ("page: overview", "bench-leader", "/overview"),
        ("page: workforce", "bench-leader", "/workforce"),
        ("page: caseloads", "bench-leader", "/caseloads"),
        ("page: children waiting", "bench-leader", "/caseloads/queue"),
        ("page: a team", "bench-leader", f"/teams/{team_id}"),
        ("page: a worker", "bench-leader", f"/workers/{worker_id}"),
        ("page: allocation workbench", "bench-manager", "/allocation"),
    ]

    def view(username: str, path: str, cold: bool) -> Callable[[], object]:
        def run() -> object:
            if cold:
                snapshots(engine).clear()
            response = clients[username].get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response

        return run

    print("\nPages, first view after a data change (every cache dropped before each view):")
    for name, user, path in pages:
        report_line(name, best(3, view(user, path, True)), TARGETS["page"])
    print("\nPages, viewed again (snapshot built):")
    for _, user, path in pages:
        seconds = statistics.median([best(1, view(user, path, False)) for _ in range(5)])
        print(f"  GET {path:<40} {seconds * 1000:7.1f} ms (median of 5)")
    engine.dispose()
    if missed:
        print(f"\nMissed: {', '.join(missed)}")
        return 1
    print("\nAll targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
