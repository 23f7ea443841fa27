"""The board pack and the scrutiny report on the typical demo council (SQLite): what a leader
waits for, from the database to the file.

1. ``caseload report board-pack`` and ``caseload report scrutiny`` in each format (PDF, Excel,
   HTML), run as a user runs them: a new process reading the database and writing the file,
   best of 3 (issue 13's target: under 10 s each);
2. the same documents downloaded from the Reports page through the web application (routing,
   the database, the council snapshot, rendering), the first download after a data change (every
   cache of the database dropped before it), best of 3.

There was no report before this work, so the baseline printed is the target itself, and, for
scale, the same machine's ``caseload caseloads`` (the council's caseloads table from a new
process), the cheapest command that reads the whole council. The script exits 1 when a target is
missed.

    .venv/bin/python benchmarks/reports.py [--seed 42] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TARGET = 10.0
CASELOAD = Path(sys.executable).with_name("caseload")


def best(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", type=Path, help="keep the demo database in this folder")
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from caseload.auth.roles import AccountRole
    from caseload.services import accounts
    from caseload.services.audit import cli_actor
    from caseload.services.benchmarks import import_published
    from caseload.services.generation import DEMO_SPEC, build_demo
    from caseload.services.snapshot import snapshots
    from caseload.storage.engine import make_engine
    from caseload.web import create_app

    folder = args.keep or Path(tempfile.mkdtemp(prefix="caseload-reports-"))
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'demo.db'}"
    engine = make_engine(url)
    build_demo(engine, seed=args.seed, preset=DEMO_SPEC.preset, years=3)
    import_published(engine)
    env = {**os.environ, "CASELOAD_DATABASE_URL": url, "CASELOAD_USER": "benchmark"}
    print(f"Typical demo council (seed {args.seed}) with DfE's release loaded, in {folder}")

    def run(*argv: str) -> Callable[[], object]:
        def action() -> object:
            return subprocess.run(
                [str(CASELOAD), *argv], env=env, check=True, capture_output=True, cwd=folder
            )

        return action

    missed: list[str] = []

    def line(name: str, seconds: float, size: int | None = None) -> None:
        verdict = "ok" if seconds <= TARGET else "MISSED"
        if seconds > TARGET:
            missed.append(name)
        sized = f"{size / 1024:7.0f} KB" if size else " " * 10
        print(f"  {name:<38} {seconds:6.2f} s {sized}   target {TARGET:.0f} s   {verdict}")

    scale = best(3, run("caseloads"))
    print(f"\nFor scale: caseload caseloads (new process) {scale:.2f} s")
    print("\nThe command line (a new process each run, writing the file):")
    for kind in ("board-pack", "scrutiny"):
        for file_format in ("pdf", "xlsx", "html"):
            out = folder / f"{kind}.{file_format}"
            seconds = best(3, run("report", kind, "--format", file_format, "--out", str(out)))
            line(f"caseload report {kind} --format {file_format}", seconds, out.stat().st_size)

    accounts.add_user(
        engine,
        cli_actor("benchmark", None),
        username="bench-leader",
        display_name="bench-leader",
        role=AccountRole.LEADER,
        teams=[],
        password="benchmark passphrase 1",
    )
    client = TestClient(create_app(engine), follow_redirects=False)
    page = client.get("/sign-in")
    presign = page.text.split('name="presign" value="', 1)[1].split('"', 1)[0]
    client.post(
        "/sign-in",
        data={
            "username": "bench-leader",
            "password": "benchmark passphrase 1",
            "presign": presign,
            "next": "/",
        },
    )
    print("\nThe Reports page's download, first after a data change (every cache dropped):")
    for kind in ("board-pack", "scrutiny"):
        for file_format in ("pdf", "xlsx", "html"):
            address = f"/reports/download?kind={kind}&audience=internal&format={file_format}"
            sizes: list[int] = []

            def download(address: str = address, sizes: list[int] = sizes) -> None:
                snapshots(engine).clear()
                response = client.get(address)
                assert response.status_code == 200, response.text[:300]
                sizes.append(len(response.content))

            line(f"download {kind} {file_format}", best(3, download), sizes[-1])
    engine.dispose()
    if missed:
        print(f"\nMissed the target: {', '.join(missed)}")
        return 1
    print("\nEvery document under the target.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
