"""Initial pull of a township over loopback, end to end, next to two raw baselines; and
a delta sync.

    python bench/sync_pull.py --size M --repeat 3

* **end to end**: ``gridserver serve`` in its own process on loopback (a SQLite file
  loaded with ``load-demo``) and a fresh encrypted store in this one; the first township
  user logs in and
  ``SyncEngine.run()`` pulls the whole scope in pages of 2,000 (the client's default and
  the server's maximum): HTTP, the server's feed queries, JSON, validation,
  ``upsert_changes``, the cursor, the deferred indexes and the event states. The peak
  RSS printed is this process's: the baselines run in processes of their own.
* **raw store path** (issue 18's "raw store path"; its own process, no HTTP): the rows the
  pulled store holds, ``SELECT``-ed from the server database and encoded as the server's
  pull pages encode them (``orjson``, the stored ``fields`` text spliced in, ``Z``
  times): one body per kind, outside the timing. Timed: ``orjson.loads`` of each body,
  the project's own row conversion (``bulk.upsert_changes``: every value through its
  codec checks, ``change_tuples``) and **one ``executemany`` per table** into a fresh
  store made by ``Store.create`` (the store's real schema, its secondary indexes live
  unless ``--raw-store-indexes after``), in one ``write_connection`` transaction, and
  the COMMIT. The floor for the client's part of a pull with the store as it is.
* **raw key/value** (one process of its own, no HTTP): ``SELECT`` the same rows from the
  server database, ``json.dumps`` + ``json.loads`` them, and ``executemany`` them as
  (kind, id, version, deleted, updated_at, fields-JSON) into a SQLCipher table with the
  store's PRAGMAs: the floor for moving these bytes from one database to the other.
* **delta**: 200 local edits on the township laptop and 200 remote edits by a second
  laptop, then one sync (push 200, pull 400); median of ``--delta-repeat`` runs.

Targets (issue 18 item 1): the pull within 1.3× of the raw store path, peak RSS of the
pulling client ≤ 300 MB; delta ≤ 0.5 s (item 2).
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
from collections.abc import Iterable, Iterator, Sequence
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
def serve(server_db: Path, options: Sequence[str] = (), log: Path | None = None) -> Iterator[str]:
    """``gridserver serve`` as a child process (with ``options``); yields its URL once
    /health answers (its pid is in ``SERVER_PID`` meanwhile)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "gridserver", "--database", f"sqlite:///{server_db}"]
    sink = log.open("ab") if log is not None else None  # its request log, else to stderr
    proc = subprocess.Popen([*command, "serve", "--port", str(port), *options], stderr=sink)
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
        if sink is not None:
            sink.close()


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


def _peak_rss_mb() -> float:
    """This process's peak resident set so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _unlocked(path: Path) -> sqlcipher3.Connection:
    """A plain SQLCipher connection to a bench store, keyed, with the store's PRAGMAs."""
    key = keys.unlock(keys.key_file_for(path), PASSWORD)
    connection = sqlcipher3.connect(str(path), isolation_level=None)
    connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "temp_store = MEMORY"):
        connection.execute(f"PRAGMA {pragma}")
    connection.execute(f"PRAGMA cache_size = -{CACHE_KIB:d}")
    return connection


def pulled_ids(store_path: Path) -> set[tuple[str, str]]:
    """(kind, id) of every record the pulled store holds (read in the baseline's process,
    so the pulling process never holds the set)."""
    from gridclient.storage.convert import table_for

    connection = _unlocked(store_path)
    try:
        found: set[tuple[str, str]] = set()
        for kind in EntityKind:
            sql = f"SELECT id FROM {table_for(kind).name}"  # noqa: S608 (our own table names)
            found.update((kind.value, row[0]) for row in connection.execute(sql))
        return found
    finally:
        connection.close()


def stored_count(store: Store) -> int:
    from sqlalchemy import func

    from gridclient.storage.convert import table_for

    with store.engine.connect() as connection:
        return sum(
            int(connection.execute(select(func.count()).select_from(table_for(kind))).scalar_one())
            for kind in EntityKind
        )


def raw_key_value(folder: Path, server_db: Path, ids: set[tuple[str, str]]) -> dict[str, float]:
    """SELECT + JSON round trip + executemany into a bare SQLCipher table, one process."""
    from gridserver.db import Database, records

    db = Database(f"sqlite:///{server_db}")
    target = folder / f"raw-{time.monotonic_ns()}.db"
    Store.create(target, PASSWORD, kdf=CHEAP_KDF).close()
    out = _unlocked(target)
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
        start, cpu0 = time.perf_counter(), time.process_time()
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
        return {
            "seconds": time.perf_counter() - start,
            "cpu": time.process_time() - cpu0,
            "rows": len(decoded),
        }
    finally:
        out.close()
        db.dispose()


def server_bodies(server_db: Path, ids: set[tuple[str, str]]) -> dict[EntityKind, bytes]:
    """The rows of ``ids`` as the server's pull pages carry them (``feed.pull_json``:
    orjson, the stored ``fields`` text spliced in, times in ``Z``), one body per kind.
    Each change is encoded as it is read, so only bytes are held (L has 3M rows)."""
    import orjson
    from sqlalchemy import Text, cast

    from gridserver.db import Database, records

    db = Database(f"sqlite:///{server_db}")
    columns = (
        records.c.kind,
        records.c.id,
        records.c.version,
        records.c.deleted,
        records.c.updated_at,
        cast(records.c.fields, Text).label("fields"),
    )
    parts: dict[str, list[bytes]] = {kind.value: [] for kind in EntityKind}
    dumps, fragment, option = orjson.dumps, orjson.Fragment, orjson.OPT_UTC_Z
    try:
        with db.engine.connect() as connection:
            rows = connection.execution_options(yield_per=10_000).execute(
                select(*columns).order_by(records.c.seq)
            )
            for r in rows:
                if (r.kind, r.id) in ids:
                    change = {
                        "entity": r.kind,
                        "id": r.id,
                        "version": r.version,
                        "deleted": r.deleted,
                        "updated_at": r.updated_at,
                        "fields": fragment(r.fields),
                    }
                    parts[r.kind].append(dumps(change, option=option))
    finally:
        db.dispose()
    return {
        EntityKind(kind): b'{"changes":[' + b",".join(chunks) + b"]}"
        for kind, chunks in parts.items()
        if chunks
    }


def raw_store(
    folder: Path, server_db: Path, ids: set[tuple[str, str]], indexes: str
) -> dict[str, float]:
    """The raw store path: decode, convert and write each kind's rows with one
    ``executemany`` into a fresh store of the real schema, one transaction."""
    import orjson

    from gridclient.storage import indexes as store_indexes
    from gridclient.storage.bulk import upsert_changes
    from gridclient.storage.engine import write_connection

    prep0 = time.perf_counter()
    bodies = server_bodies(server_db, ids)
    prep = time.perf_counter() - prep0
    store = Store.create(folder / f"rawstore-{time.monotonic_ns()}.db", PASSWORD, kdf=CHEAP_KDF)
    rows = 0
    try:
        start, cpu0 = time.perf_counter(), time.process_time()
        with write_connection(store.engine) as connection:
            if indexes == "after":
                for index in store_indexes.record_indexes():
                    index.drop(connection)
            for kind in list(bodies):
                changes = orjson.loads(bodies.pop(kind))["changes"]
                rows += upsert_changes(connection, kind, changes, chunk_size=len(changes))
                del changes
            if indexes == "after":
                for index in store_indexes.record_indexes():
                    index.create(connection)
        return {
            "seconds": time.perf_counter() - start,
            "cpu": time.process_time() - cpu0,
            "rows": rows,
            "prep": prep,
        }
    finally:
        store.close()


def raw_worker(args: argparse.Namespace) -> int:
    """``--raw-worker``: one baseline in this process; prints its figures as JSON."""
    ids = pulled_ids(args.pulled)
    if args.raw_worker == "store":
        found = raw_store(args.folder, args.server_db, ids, args.raw_store_indexes)
    else:
        found = raw_key_value(args.folder, args.server_db, ids)
    found["peak_rss_mb"] = _peak_rss_mb()
    print(json.dumps(found))
    return 0


def run_baseline(
    which: str, folder: Path, server_db: Path, pulled: Path, indexes: str
) -> dict[str, float]:
    """One baseline in a child process, so that its memory (every row at once) stays out
    of the pulling process's peak."""
    command = [
        sys.executable,
        "-u",
        str(Path(__file__).resolve()),
        "--raw-worker",
        which,
        "--server-db",
        str(server_db),
        "--pulled",
        str(pulled),
        "--folder",
        str(folder),
        "--raw-store-indexes",
        indexes,
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _times(values: Iterable[float]) -> str:
    return " ".join(f"{value:.2f}" for value in values)


BASELINES = {"store": "raw store path", "kv": "raw key/value"}


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
        "--user",
        help="the pulling account (default: the first township user; L's county-wide"
        " office is an account added with `gridserver add-user NAME --role township"
        " --scope <county code>`)",
    )
    parser.add_argument(
        "--sample",
        type=Path,
        help="write a sampled profile of every thread of the client's first initial pull"
        " here (bench/sampler.py; costs some CPU, so not for the run whose figures count)",
    )
    parser.add_argument(
        "--server-db",
        type=Path,
        help="the server's SQLite database: built here if missing, reused if there (saves"
        " rebuilding it for every run; the runs never change it before the delta phase)",
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the raw baselines after each pull"
    )
    parser.add_argument(
        "--baselines",
        default="store,kv",
        help="which raw baselines to run after each pull: store (the raw store path), kv"
        " (the bare key/value table), comma-separated (default: both)",
    )
    parser.add_argument(
        "--raw-store-indexes",
        choices=("live", "after"),
        default="live",
        help="the raw store path's secondary indexes: live during the load (the store as"
        " Store.create makes it, default) or dropped and built after it (as a first pull does)",
    )
    parser.add_argument("--raw-worker", choices=tuple(BASELINES), help=argparse.SUPPRESS)
    parser.add_argument("--pulled", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.raw_worker:
        return raw_worker(args)
    wanted = [] if args.no_baseline else [b for b in args.baselines.split(",") if b]
    if unknown := set(wanted) - set(BASELINES):
        parser.error(f"unknown baselines: {', '.join(sorted(unknown))}")

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
        user = args.user or township_users(server_db)[0]
        with serve(server_db) as server:
            e2e: list[float] = []
            base: dict[str, list[dict[str, float]]] = {b: [] for b in wanted}
            pulled = stored = 0
            cpu: list[dict[str, float]] = []
            peaks: list[float] = []
            for run in range(args.repeat):
                laptop = Laptop(folder, server, user)
                profile = cProfile.Profile() if args.profile and run == 0 else None
                sampler = None
                if args.sample and run == 0:
                    from sampler import Sampler  # bench/sampler.py, beside this file

                    sampler = Sampler()
                    sampler.start()
                elapsed, report = laptop.sync(profile)
                if sampler is not None:
                    sampler.stop()
                    args.sample.write_text(sampler.report(), encoding="utf-8")
                peaks.append(_peak_rss_mb())
                if profile is not None:
                    profile.dump_stats(args.profile)
                cpu.append(laptop.cpu)
                pulled = report.pulled
                stored = stored_count(laptop.store)
                pulled_path = laptop.store.path
                laptop.close()
                e2e.append(elapsed)
                print(
                    f"  run {run + 1}: {elapsed:.2f} s, client CPU {laptop.cpu['client']:.2f} s,"
                    f" server CPU {laptop.cpu['server']:.2f} s, peak RSS {peaks[-1]:.0f} MB",
                    flush=True,
                )
                for which in wanted:
                    found = run_baseline(
                        which, folder, server_db, pulled_path, args.raw_store_indexes
                    )
                    base[which].append(found)
                    print(
                        f"  run {run + 1}: {BASELINES[which]} {found['seconds']:.2f} s,"
                        f" CPU {found['cpu']:.2f} s, {found['rows']:,.0f} rows",
                        flush=True,
                    )
            e2e_median = statistics.median(e2e)
            print(f"user {user}: {pulled:,} records pulled ({stored:,} stored)")
            print(
                f"end to end        {e2e_median:7.2f} s {pulled / e2e_median:>9,.0f} records/s"
                f"  runs {' '.join(f'{t:.2f}' for t in e2e)}"
            )
            print(
                "  CPU per run (s): client "
                + " ".join(f"{c['client']:.2f}" for c in cpu)
                + ", server "
                + " ".join(f"{c['server']:.2f}" for c in cpu)
            )
            print(
                "  client peak RSS after each run: "
                + " ".join(f"{p:.0f}" for p in peaks)
                + " MB (the pulling process; the baselines run in processes of their own;"
                " target ≤ 300 MB)"
            )
            for which in wanted:
                runs = base[which]
                median = statistics.median(r["seconds"] for r in runs)
                extra = ""
                if which == "store":
                    extra = (
                        f"; indexes {args.raw_store_indexes}; SELECT + encode outside the"
                        f" timing {_times(r['prep'] for r in runs)} s"
                    )
                print(
                    f"{BASELINES[which]:<17} {median:7.2f} s {pulled / median:>9,.0f} records/s"
                    f"  runs {_times(r['seconds'] for r in runs)}"
                )
                print(
                    "  CPU per run (s): "
                    + " ".join(f"{r['cpu']:.2f}" for r in runs)
                    + f"; its own peak RSS {max(r['peak_rss_mb'] for r in runs):.0f} MB{extra}"
                )
                target = " (target ≤ 1.3)" if which == "store" else ""
                print(
                    f"ratio end-to-end / {BASELINES[which]}: {e2e_median / median:.2f}{target}"
                    f"  per run {_times(t / r['seconds'] for t, r in zip(e2e, runs, strict=True))}"
                )
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
                " (target ≤ 0.5 s)"
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
