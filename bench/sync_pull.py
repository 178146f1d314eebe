"""Initial pull of a township over loopback, end to end, next to a raw baseline; and a
delta sync.

    python bench/sync_pull.py --size M --repeat 3

* **end to end**: ``gridserver serve`` in its own process on loopback (a SQLite file
  loaded with ``load-demo``) and a fresh encrypted store in this one; the first township
  user logs in and
  ``SyncEngine.run()`` pulls the whole scope in pages of 2,000 (the server's maximum):
  HTTP, the server's feed queries, JSON, validation, ``bulk_upsert`` and the cursor.
* **raw baseline** (one process, no HTTP): ``SELECT`` the same rows from the server
  database, ``json.dumps`` + ``json.loads`` them, and ``executemany`` them as
  (kind, id, version, deleted, updated_at, fields-JSON) into a SQLCipher table with the
  store's PRAGMAs: the floor for moving these bytes from one database to the other.
* **delta**: 200 local edits on the township laptop and 200 remote edits by a second
  laptop, then one sync (push 200, pull 400); median of ``--delta-repeat`` runs.

Targets: ≥ 20,000 records/s end to end, within 3× of the baseline; delta ≤ 1 s.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import sqlcipher3
from sqlalchemy import select

from gridclient.storage import keys
from gridclient.storage.engine import CACHE_KIB
from gridclient.storage.store import Store
from gridclient.sync.engine import SyncEngine
from gridclient.sync.transport import Transport
from gridcore.demo.generator import DEMO_PASSWORD
from gridcore.domain import codec
from gridcore.domain.entities import Household
from gridcore.domain.enums import EntityKind, Role

CHEAP_KDF = keys.KdfParams(time_cost=1, memory_cost=8192, parallelism=1)
PASSWORD = "bench-password"
PAGE_SIZE = 2000


def build_server(folder: Path, size: str, seed: int) -> Path:
    from gridserver import migrate
    from gridserver.config import Settings
    from gridserver.db import Database
    from gridserver.demo import load

    path = folder / "server.sqlite3"
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db)
    with contextlib.redirect_stdout(io.StringIO()):
        load(db, Settings(database_url=db.url), size, seed)
    db.dispose()
    return path


def township_users(server_db: Path) -> list[str]:
    from gridserver.db import Database, users

    db = Database(f"sqlite:///{server_db}")
    statement = (
        select(users.c.username).where(users.c.role == Role.TOWNSHIP.value).order_by(users.c.id)
    )
    try:
        with db.engine.connect() as connection:
            return [str(name) for name in connection.execute(statement).scalars()]
    finally:
        db.dispose()


SERVER_PID: list[int] = []


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` (0 without ``/proc``)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = raw[raw.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def cpu_meter() -> Iterator[dict[str, float]]:
    """Client (this process) and server CPU seconds spent inside the block."""
    found: dict[str, float] = {}
    server = SERVER_PID[0] if SERVER_PID else 0
    client0, server0 = time.process_time(), process_cpu(server)
    try:
        yield found
    finally:
        found["client"] = time.process_time() - client0
        found["server"] = process_cpu(server) - server0


@contextlib.contextmanager
def serve(server_db: Path) -> Iterator[str]:
    """``gridserver serve`` as a child process; yields its URL once /health answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "gridserver", "--database", f"sqlite:///{server_db}"]
    proc = subprocess.Popen([*command, "serve", "--port", str(port)])
    url = f"http://127.0.0.1:{port}"
    transport = Transport(url)
    try:
        ready = threading.Event()
        for _ in range(300):
            if proc.poll() is not None:
                raise SystemExit("gridserver serve exited")
            if transport.health():
                break
            ready.wait(0.1)
        SERVER_PID[:] = [proc.pid]
        yield url
    finally:
        SERVER_PID.clear()
        transport.close()
        proc.terminate()
        proc.wait(30)


class Laptop:
    def __init__(self, folder: Path, url: str, username: str) -> None:
        self.username = username
        self.store = Store.create(
            folder / f"{username}-{time.monotonic_ns()}.db", PASSWORD, kdf=CHEAP_KDF
        )
        self.transport = Transport(url)
        self.login = self.transport.login(username, DEMO_PASSWORD, self.store.device_id)

    def sync(self, profile: cProfile.Profile | None = None) -> tuple[float, Any]:
        """One sync run; its wall time and report. ``self.cpu`` holds the client and
        server CPU seconds it cost."""
        engine = SyncEngine(self.store, self.transport, batch_size=200, page_size=PAGE_SIZE)
        with cpu_meter() as self.cpu:
            start = time.perf_counter()
            if profile is not None:
                profile.enable()
            report = engine.run()
            if profile is not None:
                profile.disable()
            elapsed = time.perf_counter() - start
        if not report.ok:
            raise SystemExit(f"sync failed: {report.summary_zh()}")
        return elapsed, report

    def edit_households(self, start: int, count: int, tag: str) -> None:
        with self.store.read() as repos:
            ids = sorted(
                h for g in self.login.scope.grids for h in repos.records.household_ids_of_grid(g.id)
            )[start : start + count]
        with self.store.unit_of_work(actor=self.username) as uow:
            for hid in ids:
                stored = uow.repos.records.get(Household, hid)
                assert stored is not None
                uow.update(codec.replace(stored, {"notes": f"{tag}-{time.monotonic_ns()}"}))

    def close(self) -> None:
        self.transport.close()
        self.store.close()


def run_baseline(folder: Path, server_db: Path, ids: set[tuple[str, str]]) -> float:
    """SELECT + JSON round trip + executemany into SQLCipher, one process."""
    from gridserver.db import Database, records

    db = Database(f"sqlite:///{server_db}")
    target = folder / f"raw-{time.monotonic_ns()}.db"
    Store.create(target, PASSWORD, kdf=CHEAP_KDF).close()
    key = keys.unlock(keys.key_file_for(target), PASSWORD)
    out = sqlcipher3.connect(str(target), isolation_level=None)
    out.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "temp_store = MEMORY"):
        out.execute(f"PRAGMA {pragma}")
    out.execute(f"PRAGMA cache_size = -{CACHE_KIB:d}")
    out.execute(
        "CREATE TABLE raw (kind TEXT, id TEXT, version INT, deleted INT, updated_at TEXT,"
        " fields TEXT, PRIMARY KEY (kind, id))"
    )
    columns = (
        records.c.kind,
        records.c.id,
        records.c.version,
        records.c.deleted,
        records.c.updated_at,
        records.c.fields,
    )
    try:
        start = time.perf_counter()
        with db.engine.connect() as connection:
            rows = [
                {
                    "entity": r.kind,
                    "id": r.id,
                    "version": r.version,
                    "deleted": r.deleted,
                    "updated_at": r.updated_at.isoformat(),
                    "fields": r.fields,
                }
                for r in connection.execute(select(*columns))
                if (r.kind, r.id) in ids
            ]
        decoded = json.loads(json.dumps({"changes": rows}, ensure_ascii=False))["changes"]
        out.execute("BEGIN IMMEDIATE")
        out.executemany(
            "INSERT INTO raw VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    c["entity"],
                    c["id"],
                    c["version"],
                    int(c["deleted"]),
                    c["updated_at"],
                    json.dumps(c["fields"], ensure_ascii=False),
                )
                for c in decoded
            ],
        )
        out.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        out.close()
        db.dispose()


def stored_ids(store: Store) -> set[tuple[str, str]]:
    from gridclient.storage.convert import table_for

    found: set[tuple[str, str]] = set()
    with store.engine.connect() as connection:
        for kind in EntityKind:
            table = table_for(kind)
            found.update((kind.value, i) for i in connection.execute(select(table.c.id)).scalars())
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="M")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--delta-repeat", type=int, default=5)
    parser.add_argument(
        "--profile", type=Path, help="write a cProfile of the client's first initial pull here"
    )
    parser.add_argument(
        "--server-db",
        type=Path,
        help="the server's SQLite database: built here if missing, reused if there (saves"
        " rebuilding it for every run; the runs never change it before the delta phase)",
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the raw baseline after each pull"
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        if args.server_db is not None and args.server_db.exists():
            server_db = folder / "server.sqlite3"
            shutil.copyfile(args.server_db, server_db)  # the delta phase writes to it
        else:
            server_db = build_server(folder, args.size, args.seed)
            print(f"server database {args.size} built in {time.perf_counter() - started:.1f} s")
            if args.server_db is not None:
                shutil.copyfile(server_db, args.server_db)
        user = township_users(server_db)[0]
        with serve(server_db) as server:
            e2e: list[float] = []
            base: list[float] = []
            pulled = 0
            ids: set[tuple[str, str]] = set()
            cpu: list[dict[str, float]] = []
            for run in range(args.repeat):
                laptop = Laptop(folder, server, user)
                profile = cProfile.Profile() if args.profile and run == 0 else None
                elapsed, report = laptop.sync(profile)
                if profile is not None:
                    profile.dump_stats(args.profile)
                cpu.append(laptop.cpu)
                pulled = report.pulled
                ids = stored_ids(laptop.store)
                laptop.close()
                e2e.append(elapsed)
                if not args.no_baseline:
                    base.append(run_baseline(folder, server_db, ids))
            e2e_median = statistics.median(e2e)
            base_median = statistics.median(base) if base else float("nan")
            print(f"township {user}: {pulled:,} records pulled ({len(ids):,} stored)")
            print(
                f"end to end   {e2e_median:6.2f} s {pulled / e2e_median:>9,.0f} records/s"
                f"  runs {' '.join(f'{t:.2f}' for t in e2e)}"
            )
            print(
                "  CPU per run (s): client "
                + " ".join(f"{c['client']:.2f}" for c in cpu)
                + ", server "
                + " ".join(f"{c['server']:.2f}" for c in cpu)
            )
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"  client peak RSS so far: {peak:.0f} MB (this process, pulls and baselines)")
            print(
                f"raw baseline {base_median:6.2f} s {pulled / base_median:>9,.0f} records/s"
                f"  runs {' '.join(f'{t:.2f}' for t in base)}"
            )
            print(f"ratio end-to-end/baseline: {e2e_median / base_median:.2f} (target ≤ 3)")
            if args.delta_repeat < 1:
                return 0

            mine = Laptop(folder, server, user)
            theirs = Laptop(folder, server, user)
            mine.sync()
            theirs.sync()
            deltas: list[float] = []
            delta_cpu: list[dict[str, float]] = []
            for round_ in range(args.delta_repeat):
                theirs.edit_households(200, 200, f"remote{round_}")
                theirs.sync()
                mine.edit_households(0, 200, f"local{round_}")
                elapsed, report = mine.sync()
                deltas.append(elapsed)
                delta_cpu.append(mine.cpu)
                assert report.pushed == 200, report
            print(
                f"delta sync (200 local ops + 200 remote changes): median "
                f"{statistics.median(deltas):.2f} s  runs {' '.join(f'{t:.2f}' for t in deltas)}"
                " (target ≤ 1 s)"
            )
            print(
                "  CPU per run (s): client "
                + " ".join(f"{c['client']:.2f}" for c in delta_cpu)
                + ", server "
                + " ".join(f"{c['server']:.2f}" for c in delta_cpu)
            )
            mine.close()
            theirs.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
