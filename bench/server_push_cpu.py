"""Server CPU per request, measured in-process (noise-resistant on a shared machine).

    python bench/server_push_cpu.py --database postgresql+psycopg://postgres@127.0.0.1:5432/test

creates a throw-away database (or an SQLite file for ``sqlite:///...``), a grid per simulated
worker, and runs the same request path as ``POST /sync/push`` (strict JSON parse of the body,
authentication, :func:`gridserver.sync.push`, JSON answer) for ``--pushes`` pushes of
``--ops`` ops (households and residents, as in ``server_load.py``), then a pull of each
worker's own changes. Prints the process CPU time (``time.process_time``) per push and per
pull page, the median of ``--rounds`` rounds. Only this process's CPU is counted, not
PostgreSQL's; wall time is printed beside it for reference. ``--profile`` prints a
cProfile of the pushes.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import orjson  # noqa: E402
from server_load import (  # noqa: E402
    PASSWORD,
    backends_cpu,
    ops_for,
    scratch_database,
    setup_world,
)
from sqlalchemy import event  # noqa: E402

from gridcore.protocol import PushRequest  # noqa: E402
from gridserver import auth, feed, sync  # noqa: E402
from gridserver.app import engine_options  # noqa: E402
from gridserver.config import Argon2Params, Settings  # noqa: E402
from gridserver.db import Database  # noqa: E402


@contextmanager
def database(url: str) -> Iterator[str]:
    if url.startswith("sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        return
    with scratch_database(url, f"gridbench_cpu_{os.getpid()}") as scratch:
        yield scratch


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--ops", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--default-engine",
        action="store_true",
        help="SQLAlchemy/psycopg defaults instead of the server's engine options",
    )
    args = parser.parse_args()
    with database(args.database) as url:
        setup_world(url, args.clients)
        settings = Settings(database_url=url, argon2=Argon2Params())
        options = engine_options(settings)
        if args.default_engine:
            options = {}
        db = Database(url, **options)
        statements = [0]

        @event.listens_for(db.engine, "before_cursor_execute")
        def _count(*_args: object) -> None:
            statements[0] += 1

        logins = [
            auth.login(db, settings, f"w{n}", PASSWORD, f"pc{n}", "127.0.0.1")
            for n in range(args.clients)
        ]
        push_statements = 0
        push_cpu: list[float] = []
        push_wall: list[float] = []
        push_pg: list[float] = []
        pull_cpu: list[float] = []
        pull_wall: list[float] = []
        pull_pg: list[float] = []
        on_postgres = not url.startswith("sqlite")
        profiler = cProfile.Profile() if args.profile else None
        for _ in range(args.rounds):
            bodies = [
                json.dumps(
                    {
                        "device_id": f"pc{n}",
                        "ops": ops_for(login.scope.grids[0].id, args.ops),
                    }
                ).encode()
                for n, login in enumerate(logins)
            ]
            # Pushes: parse, authenticate, apply, answer, as the endpoint does.
            before = statements[0]
            pg0 = backends_cpu(url) if on_postgres else 0.0
            cpu0, wall0 = time.process_time(), time.perf_counter()
            if profiler is not None:
                profiler.enable()
            for login, body in zip(logins, bodies, strict=True):
                caller = auth.authenticate(db, login.access_token)
                request = PushRequest.model_validate_json(body, strict=True)
                answer = sync.push(db, caller, request)
                answer.model_dump_json()
                assert all(r.status == "applied" for r in answer.results), answer
            if profiler is not None:
                profiler.disable()
            push_cpu.append((time.process_time() - cpu0) / len(logins))
            push_wall.append((time.perf_counter() - wall0) / len(logins))
            if on_postgres:
                push_pg.append((backends_cpu(url) - pg0) / len(logins))
            push_statements = (statements[0] - before) // len(logins)
            # Pulls: each worker's whole feed (its own grid), one page.
            pg0 = backends_cpu(url) if on_postgres else 0.0
            cpu0, wall0 = time.process_time(), time.perf_counter()
            pages = 0
            for login in logins:
                caller = auth.authenticate(db, login.access_token)
                cursor = ""
                while True:
                    body = feed.pull_json(db, caller, cursor, 500)
                    page = orjson.loads(body)
                    pages += 1
                    cursor = page["cursor"]
                    if not page["more"]:
                        break
            pull_cpu.append((time.process_time() - cpu0) / pages)
            pull_wall.append((time.perf_counter() - wall0) / pages)
            if on_postgres:
                pull_pg.append((backends_cpu(url) - pg0) / pages)
        db.dispose()
    print(
        f"push of {args.ops} ops: CPU {statistics.median(push_cpu) * 1000:.1f} ms "
        f"(rounds: {', '.join(f'{v * 1000:.1f}' for v in push_cpu)}), "
        f"wall {statistics.median(push_wall) * 1000:.1f} ms, "
        f"{push_statements} SQL statements (authentication included)"
    )
    print(
        f"pull page: CPU {statistics.median(pull_cpu) * 1000:.1f} ms, "
        f"wall {statistics.median(pull_wall) * 1000:.1f} ms"
    )
    if push_pg:
        print(
            f"PostgreSQL backends CPU: {statistics.median(push_pg) * 1000:.1f} ms per push, "
            f"{statistics.median(pull_pg) * 1000:.1f} ms per pull page"
        )
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
