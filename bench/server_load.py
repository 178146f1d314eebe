"""Load benchmark of a real ``gridserver serve`` process on PostgreSQL.

    python bench/server_load.py --database postgresql+psycopg://postgres@127.0.0.1:5432/postgres

creates a throw-away database ``gridbench_<pid>`` next to the given one, an area tree with
one grid per simulated worker, starts ``python -m gridserver serve`` on it, and lets
``--clients`` workers log in at once, each push ``--ops`` ops (households and residents)
and pull until done (with ``--spread 60``: arriving evenly over a minute, each logging in,
pushing and pulling on arrival, the realistic morning). Prints p50/p95/max latency per
request kind and ops/s, and for a spread run the sync requests per second per core. With
``--demo-size`` it also loads the demo dataset (``gridserver load-demo``) into another
throw-away database and times the initial pull of a township by a township user.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gridcore.domain.enums import AreaLevel, Role  # noqa: E402
from gridcore.protocol import CLIENT_VERSION_HEADER, PROTOCOL_HEADER  # noqa: E402
from gridserver import admin, auth, migrate  # noqa: E402
from gridserver.config import Settings  # noqa: E402
from gridserver.db import Database  # noqa: E402

HEADERS = {PROTOCOL_HEADER: "1", CLIENT_VERSION_HEADER: "0.1.0"}
PASSWORD = "bench-password"


@contextmanager
def scratch_database(base_url: str, name: str) -> Iterator[str]:
    url = make_url(base_url)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def gridserver(*args: str) -> list[str]:
    return [sys.executable, "-m", "gridserver", *args]


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` and its descendants
    (the uvicorn workers), read from ``/proc``; 0 where there is no ``/proc``."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = entry.read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        child = int(entry.parent.name)
        parents[child] = int(fields[1])
        times[child] = (int(fields[11]) + int(fields[12])) / tick
    total, stack = 0.0, [pid]
    while stack:
        current = stack.pop()
        total += times.get(current, 0.0)
        stack.extend(c for c, p in parents.items() if p == current)
    return total


def backends_cpu(url: str) -> float:
    """CPU seconds used so far by the PostgreSQL backends connected to the benchmark's
    database (0 when PostgreSQL runs on another machine)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            pids = conn.execute(
                text(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalars()
            return sum(tree_cpu(pid) for pid in pids)
    finally:
        engine.dispose()


SERVER_PID: list[int] = []
"""The running server process, for :func:`tree_cpu`."""


@contextmanager
def server(url: str, port: int, workers: int) -> Iterator[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = gridserver("--database", url, "serve", "--port", str(port), "--workers", str(workers))
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("server did not start")
            time.sleep(0.2)
        SERVER_PID[:] = [process.pid]
        yield base
    finally:
        SERVER_PID.clear()
        process.terminate()
        process.wait(30)


def setup_world(url: str, clients: int) -> None:
    db = Database(url)
    migrate.upgrade(db)
    settings = Settings(database_url=url)
    admin.add_area(db, "320101001000", "压测街道", AreaLevel.TOWNSHIP, None)
    admin.add_area(db, "320101001001", "压测社区", AreaLevel.VILLAGE, "320101001000")
    for n in range(clients):
        code = f"320101001001{n:04d}"
        admin.add_area(db, code, f"网格{n}", AreaLevel.GRID, "320101001001")
        auth.add_user(db, settings, auth.NewUser(f"w{n}", Role.WORKER, code), PASSWORD)
    auth.add_user(db, settings, auth.NewUser("town", Role.TOWNSHIP, "320101001000"), PASSWORD)
    db.dispose()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(name: str, values: list[float]) -> None:
    if not values:
        return
    print(
        f"  {name:6s} n={len(values):4d}  p50={percentile(values, 50) * 1000:7.1f} ms  "
        f"p95={percentile(values, 95) * 1000:7.1f} ms  max={max(values) * 1000:7.1f} ms  "
        f"mean={statistics.fmean(values) * 1000:7.1f} ms"
    )


def ops_for(grid_id: str, count: int) -> list[dict[str, Any]]:
    now = datetime.now(UTC).isoformat()
    ops: list[dict[str, Any]] = []
    household_id = ""
    for i in range(count):
        op_id = str(uuid.uuid4())
        if i % 2 == 0:
            household_id = str(uuid.uuid4())
            entity, rid = "household", household_id
            changes = {"grid_id": [None, grid_id], "address": [None, f"压测路{i}号"]}
        else:
            entity, rid = "resident", str(uuid.uuid4())
            changes = {"household_id": [None, household_id], "name": [None, f"居民{i}"]}
        ops.append(
            {
                "op_id": op_id,
                "seq": i,
                "entity": entity,
                "entity_id": rid,
                "kind": "create",
                "base_version": 0,
                "changes": changes,
                "client_time": now,
            }
        )
    return ops


class Client:
    """One simulated device: a minimal HTTP/1.1 client with one keep-alive connection on
    asyncio streams. The load generator shares the two cores with the server and
    PostgreSQL, and httpx cost about as much CPU per request as the server itself, so the
    figures measured the generator as much as the server."""

    def __init__(self, base: str) -> None:
        url = httpx.URL(base)
        self.host, self.port, self.prefix = url.host, url.port or 80, url.path.rstrip("/")
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> Any:
        """The decoded JSON answer; an error for any status but 200."""
        if self.writer is None or self.reader is None or self.reader.at_eof():
            await self.close()
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        lines = [f"{method} {self.prefix}{path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if body:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        status_line, *header_lines = head.split("\r\n")
        fields = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        if "content-length" not in fields:
            raise RuntimeError(f"no Content-Length in {head!r}")
        data = await self.reader.readexactly(int(fields["content-length"]))
        if fields.get("connection", "").lower() == "close":
            await self.close()
        status = int(status_line.split()[1])
        if status != 200:
            raise RuntimeError(f"{method} {path}: {status} {data[:500]!r}")
        return json.loads(data)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def log_in(client: Client, n: int, timings: dict[str, list[float]]) -> dict[str, Any]:
    body = json.dumps({"username": f"w{n}", "password": PASSWORD, "device_id": f"pc{n}"})
    start = time.perf_counter()
    login: dict[str, Any] = await client.request("POST", "/auth/login", body.encode())
    timings["login"].append(time.perf_counter() - start)
    return login


async def one_client(
    client: Client, n: int, login: dict[str, Any], body: bytes, timings: dict[str, list[float]]
) -> int:
    """Push the device's outbox, then pull until done."""
    headers = {"Authorization": f"Bearer {login['access_token']}", **HEADERS}
    start = time.perf_counter()
    answer = await client.request("POST", "/sync/push", body, headers)
    timings["push"].append(time.perf_counter() - start)
    assert all(r["status"] == "applied" for r in answer["results"]), answer
    cursor, received = "", 0
    while True:
        query = urlencode({"cursor": cursor, "limit": 500})
        start = time.perf_counter()
        page = await client.request("GET", f"/sync/pull?{query}", headers=headers)
        timings["pull"].append(time.perf_counter() - start)
        received += len(page["changes"])
        cursor = page["cursor"]
        if not page["more"]:
            return received


async def spread_client(
    client: Client, n: int, delay: float, ops: int, timings: dict[str, list[float]]
) -> int:
    """One laptop arriving ``delay`` seconds into the morning: log in, push, pull."""
    await asyncio.sleep(delay)
    login = await log_in(client, n, timings)
    body = json.dumps(
        {"device_id": f"pc{n}", "ops": ops_for(login["scope"]["grids"][0]["id"], ops)}
    ).encode()
    return await one_client(client, n, login, body, timings)


async def run_spread(base: str, url: str, clients: int, ops: int, spread: float) -> None:
    """The realistic morning: ``clients`` laptops arrive evenly over ``spread`` seconds,
    each logging in, pushing its ``ops`` and pulling until done."""
    timings: dict[str, list[float]] = {"login": [], "push": [], "pull": []}
    devices = [Client(base) for _ in range(clients)]
    try:
        database = backends_cpu(url)
        start, cpu, own = time.perf_counter(), tree_cpu(SERVER_PID[0]), time.process_time()
        received = await asyncio.gather(
            *(
                spread_client(devices[n], n, n * spread / clients, ops, timings)
                for n in range(clients)
            )
        )
        wall = time.perf_counter() - start
        cpu = tree_cpu(SERVER_PID[0]) - cpu
        own = time.process_time() - own
        database = backends_cpu(url) - database  # backends that ended are not counted
    finally:
        for device in devices:
            await device.close()
    sync_requests = timings["push"] + timings["pull"]
    logins = len(timings["login"])
    print(f"{clients} clients arriving over {spread:.0f} s, {ops} ops each: wall {wall:.1f} s")
    print(
        f"  server CPU {cpu:.2f} s, PostgreSQL backends CPU {database:.2f} s (at least), "
        f"load generator CPU {own:.2f} s"
    )
    # Capacity: what one core does per second at this mix, logins (Argon2) apart.
    login_cpu = LOGIN_CPU_MS / 1000 * logins
    sync_cpu = max(cpu + database - login_cpu, 1e-9)
    print(
        f"  {len(sync_requests)} sync requests: {len(sync_requests) / sync_cpu:.0f} per second "
        f"per core (server + PostgreSQL CPU, less {logins} logins at {LOGIN_CPU_MS} ms each)"
    )
    print(f"  records pulled per client: min {min(received)}, max {max(received)}")
    for name in ("login", "push", "pull"):
        report(name, timings[name])
    report("sync", sync_requests)


LOGIN_CPU_MS = 40
"""Server CPU of one login (Argon2 by design, measured at 36–44 ms: see
docs/benchmarks.md), taken out of the spread run's CPU to give the sync requests' own."""


async def run_clients(base: str, url: str, clients: int, ops: int) -> None:
    timings: dict[str, list[float]] = {"login": [], "push": [], "pull": []}
    devices = [Client(base) for _ in range(clients)]
    try:
        start, cpu = time.perf_counter(), tree_cpu(SERVER_PID[0])
        logins = await asyncio.gather(*(log_in(devices[n], n, timings) for n in range(clients)))
        cpu = tree_cpu(SERVER_PID[0]) - cpu
        print(
            f"{clients} logins at once: wall {time.perf_counter() - start:.2f} s, "
            f"server CPU {cpu:.2f} s ({cpu / clients * 1000:.0f} ms per login)"
        )
        # Each device has its outbox ready, then everybody syncs at once: push, then pull
        # until done.
        bodies = [
            json.dumps(
                {"device_id": f"pc{n}", "ops": ops_for(logins[n]["scope"]["grids"][0]["id"], ops)}
            ).encode()
            for n in range(clients)
        ]
        database = backends_cpu(url)
        start, cpu, own = time.perf_counter(), tree_cpu(SERVER_PID[0]), time.process_time()
        received = await asyncio.gather(
            *(one_client(devices[n], n, logins[n], bodies[n], timings) for n in range(clients))
        )
        wall = time.perf_counter() - start
        cpu = tree_cpu(SERVER_PID[0]) - cpu
        own = time.process_time() - own
        # Backends that ended during the run are not counted: a lower bound.
        database = backends_cpu(url) - database
    finally:
        for device in devices:
            await device.close()
    sync_requests = timings["push"] + timings["pull"]
    print(f"{clients} clients x {ops} ops: wall {wall:.2f} s, {clients * ops / wall:.0f} ops/s")
    print(
        f"  server CPU (uvicorn processes, not PostgreSQL) {cpu:.2f} s: "
        f"{cpu / clients * 1000:.1f} ms per client (one push + its pulls), "
        f"{cpu / len(sync_requests) * 1000:.1f} ms per sync request"
    )
    print(
        f"  PostgreSQL backends CPU {database:.2f} s (at least), "
        f"load generator CPU {own:.2f} s, wall x 2 cores = {wall * 2:.1f} CPU s"
    )
    print(f"  records pulled per client: min {min(received)}, max {max(received)}")
    for name in ("login", "push", "pull"):
        report(name, timings[name])
    report("sync", sync_requests)


def township_pull(base: str, username: str, password: str) -> None:
    with httpx.Client(base_url=base, timeout=300) as client:
        login = client.post(
            "/auth/login", json={"username": username, "password": password, "device_id": "bench"}
        ).json()
        headers = {"Authorization": f"Bearer {login['access_token']}", **HEADERS}
        cursor, total, pages = "", 0, 0
        start = time.perf_counter()
        while True:
            page = client.get(
                "/sync/pull", params={"cursor": cursor, "limit": 2000}, headers=headers
            ).json()
            total += len(page["changes"])
            pages += 1
            cursor = page["cursor"]
            if not page["more"]:
                break
        wall = time.perf_counter() - start
    print(
        f"initial pull by {username}: {total} records in {pages} pages, {wall:.2f} s, "
        f"{total / wall:.0f} records/s"
    )


def demo_pull(base_url: str, size: str, port: int, workers: int) -> None:
    with scratch_database(base_url, f"gridbench_demo_{os.getpid()}") as url:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        start = time.perf_counter()
        out = subprocess.run(
            gridserver("--database", url, "load-demo", "--size", size),
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        print(f"load-demo --size {size}: {time.perf_counter() - start:.1f} s")
        township = next(
            line.split(" / ")
            for line in out.splitlines()
            if " / " in line and Role.TOWNSHIP.label in line
        )
        username, password = township[0].strip(), township[1].strip()
        with server(url, port, workers) as base:
            township_pull(base, username, password)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True, help="PostgreSQL URL (its server is used)")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--ops", type=int, default=20)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--demo-size", choices=["S", "M", "L"])
    parser.add_argument(
        "--spread",
        type=float,
        default=0.0,
        help="seconds over which the clients arrive evenly (each logs in, pushes and pulls "
        "on arrival); 0 = all at once, logins first",
    )
    args = parser.parse_args()
    with scratch_database(args.database, f"gridbench_{os.getpid()}") as url:
        setup_world(url, args.clients)
        with server(url, args.port, args.workers) as base:
            if args.spread > 0:
                asyncio.run(run_spread(base, url, args.clients, args.ops, args.spread))
            else:
                asyncio.run(run_clients(base, url, args.clients, args.ops))
            township_pull(base, "town", PASSWORD)
    if args.demo_size:
        demo_pull(args.database, args.demo_size, args.port, args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
