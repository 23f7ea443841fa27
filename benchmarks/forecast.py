"""The supply model at scale: 10,000 paths x 60 months x roles and service bands for the demo-sized
council (the typical preset, about 250 FTE, three years of history; generation not timed),
beside the SimPy twin of the tests (``tests/forecasting/twin.py``) run on the same inputs for
fewer paths and scaled per path. Prints both times, the ratio (target: at least 100 times
faster) and the 1 s target for the fast model."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the twin lives with the tests

from tests.forecasting.twin import twin_paths  # noqa: E402

from caseload.forecasting.supply import simulate  # noqa: E402
from caseload.forecasting.supply_inputs import build_supply_inputs  # noqa: E402
from caseload.retention.flows import team_services  # noqa: E402
from caseload.services.caseloads import council_data  # noqa: E402
from caseload.services.generation import build_council  # noqa: E402
from caseload.storage import schema  # noqa: E402
from caseload.storage.engine import make_engine  # noqa: E402
from caseload.synthetic import CouncilSpec  # noqa: E402

SPEC = CouncilSpec(
    code="999", name="Demoshire (synthetic)", region="North West", size_fte=250.0, preset="typical"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--paths", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--twin-paths", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        schema.upgrade(engine)
        build_council(engine, SPEC, years=3, seed=args.seed)
        council = council_data(engine, authority_code=SPEC.code)
        assert council.latest is not None
        inputs, _ = build_supply_inputs(
            spells=council.census.spells,
            workers=council.census.workers,
            posts=council.census.posts,
            services=team_services(council.data.teams),
            as_at=council.latest,
            months=args.months,
        )
        engine.dispose()
    print(
        f"Demo council: {inputs.staff_role.size} own staff in {len(inputs.roles)} roles on "
        f"{inputs.first_day}, {inputs.staff_fte.sum():.1f} FTE, {len(inputs.rounds)} recruitment "
        f"rounds and {len(inputs.intakes)} newly qualified intakes over {inputs.months} months"
    )
    simulate(inputs, paths=200, seed=1)  # warm up
    fast, cpu = [], []
    for repeat in range(args.repeats):
        started, used = time.perf_counter(), time.process_time()
        result = simulate(inputs, paths=args.paths, seed=args.seed + repeat)
        fast.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    best = min(fast)
    started = time.perf_counter()
    twin_fte, _ = twin_paths(inputs, paths=args.twin_paths, seed=args.seed)
    twin = time.perf_counter() - started
    per_path_fast = best / args.paths
    per_path_twin = twin / args.twin_paths
    twin_scaled = per_path_twin * args.paths
    print(
        f"fast model: {args.paths:,} paths x {inputs.months} months x {len(inputs.roles)} roles "
        f"x {result.band_headcount.shape[1]} service bands: best {best:.3f} s of "
        f"{args.repeats} ({', '.join(f'{t:.3f}' for t in fast)}); target under 1 s: "
        f"{'met' if best < 1 else 'MISSED'}; processor time {min(cpu):.3f} s (load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    print(
        f"SimPy twin: {args.twin_paths} paths in {twin:.2f} s, {per_path_twin * 1000:.1f} ms a "
        f"path, so {twin_scaled:,.0f} s for {args.paths:,} paths"
    )
    ratio = per_path_twin / per_path_fast
    print(
        f"per path: fast {per_path_fast * 1e6:.1f} us, twin {per_path_twin * 1e3:.1f} ms: "
        f"{ratio:,.0f} x faster; target at least 100 x: {'met' if ratio >= 100 else 'MISSED'}"
    )
    print(
        f"own FTE at month {inputs.months}: fast P50 "
        f"{float(sorted(result.own_fte[:, :, -1].sum(axis=1))[args.paths // 2]):.1f}, twin mean "
        f"{twin_fte[:, :, -1].sum(axis=1).mean():.1f} over {args.twin_paths} paths"
    )


if __name__ == "__main__":
    main()
