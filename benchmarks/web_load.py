"""Web pages under load: 20 signed-in clients against one or several councils of about 1,000
workers and 20,000 open cases each on PostgreSQL.

Builds a synthetic council (struggling preset, 980 FTE funded, one census year: 1,051 workers in
post and 19,926 children with an open case at the data date; the script prints the counts) into
a fresh PostgreSQL schema, runs VACUUM ANALYZE on it (as autovacuum would after a bulk load), adds
a service leader and a team manager account, starts ``caseload serve`` as a separate process on
that schema and signs in ``--clients`` clients (alternately the leader and the team manager, each
with its own cookies). It opens each page once per account and prints how long that first,
cache-building view took. Then, each client requesting again as soon as its last answer arrives
(no think time):

1. the floor: the static ``/health`` for ``--floor-seconds``, what the server, the network stack
   and the client cost with no page work at all;
2. the pages for ``--seconds``: each client cycles through the overview ``/overview`` (``/``
   sends the leader on to the scorecard and the team manager to the team page), ``/caseloads``
   and ``/workers/{id}`` (a random worker in the client's scope: any worker in post for the leader,
   one in post in the manager's team for the team manager).

It prints p50 and p95 latency, requests per second and errors (any status but 200, or no answer)
per route, with the floor as the baseline, then the same per council. Target: every page's p95
under 300 ms and no errors; exits 1 when missed.

``--councils N`` builds N councils (codes 951, 952, ...; seeds 1, 2, ...) in the one schema, as
a regional deployment serves several councils from one database, each of ``--size`` FTE funded
(980 by default; smaller councils build faster). The clients are spread over the councils in
turn (client i signs in to council i mod N, alternately as its leader and its team manager), so
every server process keeps a snapshot of every council. Before and after the load the script
prints the load average and the resident memory (VmRSS, and VmHWM, the peak) of the
``caseload serve`` process and each of its children: the growth of a worker process over the run
is the snapshots it built.

    .venv/bin/python benchmarks/web_load.py [--seconds 60] [--floor-seconds 15] [--clients 20]
        [--councils 1] [--size 980] [--workers 2]
        [--database-url URL] [--keep | --reuse SCHEMA] [--routes overview,caseloads,worker]

The database is CASELOAD_BENCH_DATABASE_URL (default the local ``test`` database). The schema is
dropped at the end unless ``--keep`` is given; ``--reuse SCHEMA`` serves a kept schema again
without rebuilding it (10 to 30 seconds a council saved) and leaves it in place (give the same
``--councils``: it serves the first N benchmark councils it finds there). ``--routes`` chooses the
measured pages by name (overview, caseloads, worker, sign-in).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy import ColumnElement, Engine, and_, func, or_, select, text
from sqlalchemy.engine import URL, make_url

from caseload.auth.roles import AccountRole
from caseload.domain.codes import TeamKind
from caseload.services import accounts
from caseload.services.audit import cli_actor
from caseload.services.generation import build_council
from caseload.storage import schema as db_schema
from caseload.storage.engine import make_engine, session_scope
from caseload.storage.models import Allocation, Authority, ChildStatus, EmploymentSpell, Team
from caseload.synthetic import CouncilSpec

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FIRST_CODE = 951
DEFAULT_SIZE_FTE = 980.0
PRESET = "struggling"
REGION = "London"
YEARS = 1
SEED = 1
PASSWORD = "load test horse battery staple"
LEADER, MANAGER = "bench-leader", "bench-manager"
TARGET_P95_MS = 300.0
ROUTES = {
    "overview": "/overview",
    "caseloads": "/caseloads",
    "worker": "/workers/{worker}",
    "sign-in": "/sign-in",
}
FLOOR = "/health"
START_TIMEOUT = 60.0
WARM_SECONDS_PER_COUNCIL = 4.0
PRESIGN = re.compile(r'name="presign" value="([^"]+)"')


def spec(index: int, size_fte: float) -> CouncilSpec:
    """The ``index``-th benchmark council (0 is the one council of a single-council run)."""
    name = "Loadshire (synthetic)" if index == 0 else f"Loadshire {index + 1} (synthetic)"
    return CouncilSpec(
        code=str(FIRST_CODE + index), name=name, region=REGION, size_fte=size_fte, preset=PRESET
    )


def usernames(code: str) -> tuple[str, str]:
    """The leader's and the team manager's accounts of a council (the first council keeps the
    names of single-council runs, so schemas kept by earlier runs can still be reused)."""
    if code == str(FIRST_CODE):
        return LEADER, MANAGER
    return f"{LEADER}-{code}", f"{MANAGER}-{code}"


@dataclass(frozen=True)
class Council:
    code: str
    as_at: date
    in_post: int
    open_cases: int
    allocated: int
    team: str
    leader_scope: list[int]
    manager_scope: list[int]
    leader: str
    manager: str


# -- the database ---------------------------------------------------------------------------------


def schema_url(url: URL, schema: str) -> URL:
    """The URL with ``options=-csearch_path=SCHEMA``: how ``caseload serve`` (which reads only
    CASELOAD_DATABASE_URL) is pointed at one schema."""
    return url.update_query_dict({"options": f"-csearch_path={schema}"})


def build(engine: Engine, councils: int, size_fte: float) -> None:
    db_schema.upgrade(engine)
    specs = [spec(index, size_fte) for index in range(councils)]
    for index, council in enumerate(specs):
        started = time.perf_counter()
        built = build_council(engine, council, years=YEARS, seed=SEED + index)
        print(
            f"Built {council.name} ({council.code}): {council.preset}, {council.size_fte:g} FTE "
            f"funded, {YEARS} year, seed {SEED + index}, in "
            f"{time.perf_counter() - started:.0f} s ({sum(built.rows.values()):,} rows)"
        )
    vacuum(engine)
    by = cli_actor("benchmark")
    for council in specs:
        team = busiest_team(engine, council.code)
        leader, manager = usernames(council.code)
        for username, role, teams in (
            (leader, AccountRole.LEADER, []),
            (manager, AccountRole.TEAM_MANAGER, [team]),
        ):
            accounts.add_user(
                engine,
                by,
                username=username,
                display_name=f"Load test {role.label.lower()} {council.code}",
                role=role,
                teams=teams,
                authority_code=council.code,
                password=PASSWORD,
            )


def vacuum(engine: Engine) -> None:
    """VACUUM ANALYZE every table of the schema, as autovacuum would soon after a bulk load (the
    project's test server runs with autovacuum off): without it the planner has no statistics
    and index-only scans still read the table."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        names = connection.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ).all()
        for name in names:
            connection.execute(text(f'VACUUM (ANALYZE) "{name}"'))


Dated = type[EmploymentSpell] | type[ChildStatus] | type[Allocation]


def _open_on(model: Dated, day: date) -> ColumnElement[bool]:
    return and_(model.start_date <= day, or_(model.end_date.is_(None), model.end_date >= day))


def busiest_team(engine: Engine, code: str) -> str:
    """The council's team (not a service area) whose workers in post hold the most open cases."""
    with session_scope(engine) as session:
        authority = session.execute(
            select(Authority.id, Authority.data_as_at).where(Authority.code == code)
        ).one()
        as_at = authority.data_as_at
        assert as_at is not None
        spell, allocation = EmploymentSpell, Allocation
        name = session.scalar(
            select(Team.name)
            .join(spell, spell.team_id == Team.id)
            .join(allocation, allocation.worker_id == spell.worker_id)
            .where(
                Team.kind == TeamKind.TEAM,
                Team.authority_id == authority.id,
                _open_on(spell, as_at),
                _open_on(allocation, as_at),
            )
            .group_by(Team.name)
            .order_by(func.count(allocation.id).desc(), Team.name)
            .limit(1)
        )
    assert name is not None
    return name


def describe(engine: Engine, code: str) -> Council:
    """What the load runs against in one council: counts at the data date and each account's
    workers."""
    leader, manager = usernames(code)
    team = next(a.teams[0] for a in accounts.list_users(engine) if a.username == manager)
    with session_scope(engine) as session:
        authority = session.execute(
            select(Authority.id, Authority.data_as_at).where(Authority.code == code)
        ).one()
        as_at = authority.data_as_at
        assert as_at is not None
        spell, status, allocation = EmploymentSpell, ChildStatus, Allocation
        in_post = _open_on(spell, as_at)
        rows = session.execute(
            select(spell.worker_id, Team.name)
            .outerjoin(Team, Team.id == spell.team_id)
            .where(in_post, spell.authority_id == authority.id)
            .distinct()
        ).all()
        open_cases = session.scalar(
            select(func.count(func.distinct(status.child_id))).where(
                _open_on(status, as_at), status.authority_id == authority.id
            )
        )
        allocated = session.scalar(
            select(func.count(func.distinct(allocation.child_id))).where(
                _open_on(allocation, as_at), allocation.authority_id == authority.id
            )
        )
    everyone = sorted({worker for worker, _ in rows})
    own = sorted({worker for worker, name in rows if name == team})
    return Council(
        code,
        as_at,
        len(everyone),
        open_cases or 0,
        allocated or 0,
        team,
        everyone,
        own,
        leader,
        manager,
    )


def kept_codes(engine: Engine, councils: int, schema: str) -> list[str]:
    """The codes of the first ``councils`` benchmark councils of a kept schema."""
    with session_scope(engine) as session:
        codes = [
            code
            for code in session.scalars(select(Authority.code).order_by(Authority.code)).all()
            if code.isdigit() and int(code) >= FIRST_CODE
        ]
    if len(codes) < councils:
        raise SystemExit(
            f"schema {schema} holds {len(codes)} benchmark council(s), not {councils}: give "
            f"--councils {len(codes)} or build a new schema with --keep"
        )
    return codes[:councils]


@dataclass(frozen=True)
class Region:
    schema: str
    councils: list[Council]


@contextmanager
def council_schema(
    url: URL, reuse: str | None, keep: bool, councils: int, size_fte: float
) -> Iterator[Region]:
    name = reuse or f"bench_web_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url)
    if not reuse:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
    engine = make_engine(url, schema=name)
    try:
        if not reuse:
            build(engine, councils, size_fte)
            codes = [spec(index, size_fte).code for index in range(councils)]
        else:
            db_schema.require_current(engine)
            print(f"Reusing schema {name} (built earlier with --keep)")
            codes = kept_codes(engine, councils, name)
        yield Region(name, [describe(engine, code) for code in codes])
    finally:
        engine.dispose()
        if keep or reuse:
            print(f"Schema {name} kept: run again with --reuse {name}")
        else:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


# -- the server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def load_average() -> str:
    """The first three fields of /proc/loadavg (the machine is shared: say how busy it was)."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def _status(pid: int) -> dict[str, str]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {key: value.strip() for key, _, value in (line.partition(":") for line in lines)}


def process_tree(root: int) -> list[int]:
    """``root`` and every process descended from it (read from /proc: Linux only)."""
    parents: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = _status(int(entry.name)).get("PPid")
            if parent and parent.isdigit():
                parents[int(parent)].append(int(entry.name))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(parents.get(pid, []))
    return sorted(found)


def _kib(value: str | None) -> int:
    return int(value.split()[0]) if value else 0


def memory(root: int) -> dict[int, tuple[str, int, int]]:
    """Each server process's name, VmRSS and VmHWM (the peak) in KiB."""
    found = {}
    for pid in process_tree(root):
        status = _status(pid)
        if status:
            try:
                words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                command = " ".join(w.decode(errors="replace") for w in words if w)
            except OSError:
                command = status.get("Name", "?")
            found[pid] = (command, _kib(status.get("VmRSS")), _kib(status.get("VmHWM")))
    return found


def print_memory(title: str, now: dict[int, tuple[str, int, int]], before: dict[int, int]) -> None:
    print(f"\n{title}: load average {load_average()}")
    print(f"  {'process':<10}{'VmRSS MiB':>11}{'VmHWM MiB':>11}{'growth MiB':>12}  command")
    for pid, (command, rss, hwm) in now.items():
        growth = f"{(rss - before[pid]) / 1024:>12.0f}" if pid in before else f"{'':>12}"
        short = command if len(command) <= 70 else command[:67] + "..."
        print(f"  {pid:<10}{rss / 1024:>11.0f}{hwm / 1024:>11.0f}{growth}  {short}")
    print(f"  {'all':<10}{sum(rss for _, rss, _ in now.values()) / 1024:>11.0f}")


@dataclass
class Served:
    base: str
    pid: int


@contextmanager
def server(url: URL, schema: str, workers: int) -> Iterator[Served]:
    """``caseload serve --workers N`` in its own processes, on the schema; yields its base URL
    and the main process's id."""
    port = free_port()
    env = dict(os.environ)
    env["CASELOAD_DATABASE_URL"] = schema_url(url, schema).render_as_string(hide_password=False)
    command = Path(sys.executable).with_name("caseload")
    process = subprocess.Popen(
        [
            str(command),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise SystemExit(f"caseload serve stopped with exit code {process.returncode}")
            try:
                if httpx.get(f"{base}{FLOOR}", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("caseload serve did not answer /health within a minute")
            time.sleep(0.2)
        print(f"Serving on {base} (process {process.pid})")
        yield Served(base, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- the clients ----------------------------------------------------------------------------------


@dataclass
class Client:
    http: httpx.AsyncClient
    username: str
    council: str
    scope: list[int]
    rng: random.Random


@dataclass
class Samples:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: dict[str, str] = field(default_factory=dict)
    by_council: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    council_errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: float = 0.0


async def sign_in(client: httpx.AsyncClient, username: str) -> None:
    page = await client.get("/sign-in")
    found = PRESIGN.search(page.text)
    if page.status_code != 200 or not found:
        raise SystemExit(f"no sign-in form at /sign-in ({page.status_code})")
    answer = await client.post(
        "/sign-in",
        data={"username": username, "password": PASSWORD, "presign": found[1], "next": "/"},
    )
    if answer.status_code != 303 or answer.headers.get("location") == "/account/password":
        raise SystemExit(f"signing in as {username} failed ({answer.status_code})")


async def open_clients(base: str, councils: Sequence[Council], count: int) -> list[Client]:
    """``count`` signed-in clients: client i works in council i mod N, alternately (within its
    council) as the leader and as the team manager."""
    clients = []
    for index in range(count):
        http = httpx.AsyncClient(
            base_url=base,
            timeout=30,
            follow_redirects=False,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
        )
        council = councils[index % len(councils)]
        leads = (index // len(councils)) % 2 == 0
        username = council.leader if leads else council.manager
        scope = council.leader_scope if leads else council.manager_scope
        await sign_in(http, username)
        clients.append(Client(http, username, council.code, scope, random.Random(index)))
    return clients


async def hammer(client: Client, routes: Sequence[str], until: float, samples: Samples) -> None:
    turn = client.rng.randrange(len(routes))
    while time.perf_counter() < until:
        name = routes[turn % len(routes)]
        turn += 1
        path = FLOOR if name == "health" else ROUTES[name]
        path = path.format(worker=client.rng.choice(client.scope))
        started = time.perf_counter()
        try:
            response = await client.http.get(path)
            status = str(response.status_code)
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        elapsed = time.perf_counter() - started
        if status == "200":
            samples.latencies[name].append(elapsed)
            samples.by_council[client.council].append(elapsed)
        else:
            samples.errors[name] += 1
            samples.council_errors[client.council] += 1
            samples.examples.setdefault(name, f"{path} -> {status}")


async def phase(clients: list[Client], routes: Sequence[str], seconds: float) -> Samples:
    samples = Samples()
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(hammer(c, routes, until, samples) for c in clients))
    samples.seconds = time.perf_counter() - started
    return samples


async def measure(
    base: str,
    councils: Sequence[Council],
    routes: Sequence[str],
    clients: int,
    seconds: float,
    floor: float,
) -> tuple[Samples, Samples]:
    opened = await open_clients(base, councils, clients)
    try:
        # Warm up: the first view of each page per account builds the server's caches (several
        # seconds on this council); that cold start is timed and printed, not measured as load.
        # Each server process builds its own snapshot of each council, so all clients then
        # request every page for a few seconds a council before anything is measured.
        for client in opened[: 2 * len(councils)]:
            for name in routes:
                started = time.perf_counter()
                path = ROUTES[name].format(worker=client.rng.choice(client.scope))
                status = (await client.http.get(path)).status_code
                print(
                    f"  first {path} as {client.username}: {status}, "
                    f"{time.perf_counter() - started:.2f} s"
                )
        await phase(opened, ["health", *routes], WARM_SECONDS_PER_COUNCIL * len(councils))
        floor_samples = await phase(opened, ["health"], floor)
        page_samples = await phase(opened, routes, seconds)
    finally:
        await asyncio.gather(*(c.http.aclose() for c in opened))
    return floor_samples, page_samples


# -- the report -----------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def report(
    floor: Samples, pages: Samples, routes: Sequence[str], clients: int, councils: int
) -> bool:
    print(
        f"\n{'route':<22}{'requests':>10}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p95 / floor':>13}"
    )
    base_p95 = percentile(floor.latencies["health"], 0.95) * 1000
    ok = True
    rows = [("health", FLOOR + " (floor)", floor)] + [
        (name, ROUTES[name], pages) for name in routes
    ]
    for name, label, samples in rows:
        values = samples.latencies[name]
        errors = samples.errors[name]
        total = len(values) + errors
        p50 = percentile(values, 0.50) * 1000
        p95 = percentile(values, 0.95) * 1000
        print(
            f"{label:<22}{total:>10,}{errors:>8,}{total / samples.seconds:>9.1f}{p50:>9.1f}"
            f"{p95:>9.1f}{p95 / base_p95:>12.1f}x"
        )
        if samples is pages:
            ok &= errors == 0 and p95 < TARGET_P95_MS
    print(
        f"{'all pages':<22}{sum(len(pages.latencies[n]) + pages.errors[n] for n in routes):>10,}"
        f"{sum(pages.errors[n] for n in routes):>8,}"
        f"{sum(len(pages.latencies[n]) + pages.errors[n] for n in routes) / pages.seconds:>9.1f}"
    )
    for name, example in {**floor.examples, **pages.examples}.items():
        print(f"  first error on {name}: {example}")
    print(
        f"\n{'council (all pages)':<22}{'requests':>10}{'errors':>8}{'req/s':>9}{'p50 ms':>9}"
        f"{'p95 ms':>9}"
    )
    for code in sorted(set(pages.by_council) | set(pages.council_errors)):
        values = pages.by_council[code]
        errors = pages.council_errors[code]
        total = len(values) + errors
        print(
            f"{code:<22}{total:>10,}{errors:>8,}{total / pages.seconds:>9.1f}"
            f"{percentile(values, 0.50) * 1000:>9.1f}{percentile(values, 0.95) * 1000:>9.1f}"
        )
    print(
        f"\n{councils} council(s), {clients} clients, floor {floor.seconds:.0f} s, pages "
        f"{pages.seconds:.0f} s. Target: "
        f"every page's p95 under {TARGET_P95_MS:.0f} ms with no errors: "
        f"{'PASS' if ok else 'FAIL'}"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("CASELOAD_BENCH_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the page phase")
    parser.add_argument("--floor-seconds", type=float, default=15.0, help="length of the floor")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument(
        "--councils", type=int, default=1, help="councils built in the schema and served"
    )
    parser.add_argument(
        "--size",
        type=float,
        default=DEFAULT_SIZE_FTE,
        help="each council's funded FTE (smaller councils build faster)",
    )
    parser.add_argument("--routes", default="overview,caseloads,worker")
    parser.add_argument(
        "--workers", type=int, default=2, help="server processes (one per core of this machine)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the schema for --reuse")
    parser.add_argument("--reuse", metavar="SCHEMA", help="serve a schema kept by --keep")
    args = parser.parse_args()
    routes = [r.strip() for r in args.routes.split(",") if r.strip()]
    unknown = [r for r in routes if r not in ROUTES]
    if unknown or not routes:
        parser.error(f"unknown route {unknown}; choose from {', '.join(ROUTES)}")
    if not 1 <= args.councils <= 40:
        parser.error("--councils must be from 1 to 40")
    if not 20 <= args.size <= 2000:
        parser.error("--size must be from 20 to 2000 FTE")
    if args.clients < 1:
        parser.error("--clients must be at least 1")
    url = make_url(args.database_url)
    if url.get_backend_name() != "postgresql":
        parser.error("the load benchmark runs on PostgreSQL: give a postgresql+psycopg:// URL")
    print(f"Load average at the start: {load_average()}")
    with council_schema(url, args.reuse, args.keep, args.councils, args.size) as region:
        for council in region.councils:
            print(
                f"Council {council.code} at {council.as_at}: {council.in_post:,} workers in "
                f"post, {council.open_cases:,} open cases ({council.allocated:,} allocated to a "
                f"worker); team manager's team {council.team!r} with "
                f"{len(council.manager_scope)} workers"
            )
        with server(url, region.schema, args.workers) as served:
            started = memory(served.pid)
            print_memory("Server processes before signing in", started, {})
            floor, pages = asyncio.run(
                measure(
                    served.base,
                    region.councils,
                    routes,
                    args.clients,
                    args.seconds,
                    args.floor_seconds,
                )
            )
            print_memory(
                "Server processes after the load",
                memory(served.pid),
                {pid: rss for pid, (_, rss, _) in started.items()},
            )
    ok = report(floor, pages, routes, args.clients, len(region.councils))
    print(f"Load average at the end: {load_average()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
