"""An office's first download from a seed, next to the same first download in rows, in
the same run (issue 18, item 4: ≤ 60 s and peak RSS ≤ 600 MB for the L county office).

    python bench/seed_pull.py --size L --server-db L.sqlite3 --scope 369921000000

Everything runs as it does for IT and on a laptop, each in a process of its own:
``gridserver serve --seeds-dir`` on a copy of the server database (loopback),
``gridserver add-user`` for the office account and the seed maker's service account
(role township, scope ``--scope``, default the first township user's), then

* **maker**: ``gridclient seed`` (the service account's first pull in rows, then the
  export: timed once, it is IT's nightly job, not the laptop's);
* **seeded**: ``gridclient sync`` of the office account into a new data directory (the
  seed downloaded, checked, copied, then the pull from its cursor);
* **rows**: ``gridclient sync --no-seed`` of the same account into another new data
  directory: today's first download without a seed, the same-run baseline.

Seeded and rows alternate ``--repeat`` times. Wall time, the process's CPU and peak RSS
(``wait4``), the server's CPU during each run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sync_pull  # bench/sync_pull.py
from sqlalchemy import select
from sync_pull import build_server, process_cpu, serve

PASSWORD = "bench-password-1"
OFFICE, MAKER = "bench_office", "bench_seed"


def first_township_scope(server_db: Path) -> str:
    from gridserver.db import Database, records, users

    db = Database(f"sqlite:///{server_db}")
    try:
        with db.engine.connect() as connection:
            row = connection.execute(
                select(records.c.area_code)
                .join(users, users.c.scope_area_id == records.c.id)
                .where(users.c.role == "township")
                .order_by(users.c.id)
            ).first()
    finally:
        db.dispose()
    if row is None:
        raise SystemExit("no township user in the server database")
    return str(row[0])


def add_user(server_db: Path, name: str, scope: str) -> None:
    command = [sys.executable, "-m", "gridserver", "--database", f"sqlite:///{server_db}"]
    command += ["add-user", name, "--role", "township", "--scope", scope]
    subprocess.run(command, input=PASSWORD + "\n", text=True, check=True, capture_output=True)


def run_client(args: Sequence[str]) -> dict[str, float | str]:
    """One ``gridclient`` process: wall seconds, CPU seconds, peak RSS (MB), output."""
    env = {**os.environ, "GRIDCLIENT_PASSWORD": PASSWORD}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gridclient", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"gridclient {' '.join(args)} failed ({proc.returncode}):\n{out}\n{err}")
    return {
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss": usage.ru_maxrss / 1024,
        "out": out.strip(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="M")
    parser.add_argument("--seed", type=int, default=1, help="the generator's seed")
    parser.add_argument("--server-db", type=Path, help="built here if missing, reused if there")
    parser.add_argument("--scope", help="the office's area code (default: first township's)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-rows", action="store_true", help="skip the rows baseline")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        server_db = folder / "server.sqlite3"
        if args.server_db is not None and args.server_db.exists():
            shutil.copyfile(args.server_db, server_db)
        else:
            started = time.perf_counter()
            built = build_server(folder / "build", args.size, args.seed)
            print(f"server database {args.size} built in {time.perf_counter() - started:.1f} s")
            if args.server_db is not None:
                shutil.copyfile(built, args.server_db)
            shutil.move(built, server_db)
        scope = args.scope or first_township_scope(server_db)
        for name in (OFFICE, MAKER):
            add_user(server_db, name, scope)
        seeds = folder / "seeds"
        seeds.mkdir()
        print(f"office scope {scope}; load average {os.getloadavg()[0]:.2f}", flush=True)
        with serve(server_db, ["--seeds-dir", str(seeds)], folder / "server.log") as url:
            server_pid = sync_pull.SERVER_PID[0]
            server0 = process_cpu(server_pid)
            making = ["--data-dir", str(folder / "maker"), "seed", "--server", url]
            maker = run_client([*making, "--user", MAKER, "--out", str(seeds)])
            (seed_file,) = seeds.glob("*.gcseed")
            print(
                f"maker   {maker['seconds']:7.1f} s, CPU {maker['cpu']:.1f} s, peak RSS"
                f" {maker['rss']:.0f} MB, server CPU {process_cpu(server_pid) - server0:.1f} s;"
                f" seed {seed_file.stat().st_size / 1e6:.0f} MB: {maker['out']}",
                flush=True,
            )
            runs: dict[str, list[dict[str, float | str]]] = {"seeded": [], "rows": []}
            for run in range(args.repeat):
                for kind in ("seeded", *(() if args.no_rows else ("rows",))):
                    data_dir = folder / f"{kind}-{run}"
                    command = ["--data-dir", str(data_dir), "sync", "--server", url]
                    command += ["--user", OFFICE, *(["--no-seed"] if kind == "rows" else [])]
                    load = os.getloadavg()[0]
                    server0 = process_cpu(server_pid)
                    found = run_client(command)
                    found["server"] = process_cpu(server_pid) - server0
                    runs[kind].append(found)
                    records = re.search(r"下载 (\d+) 条", str(found["out"]))
                    print(
                        f"  run {run + 1} {kind:6} {found['seconds']:7.1f} s, CPU"
                        f" {found['cpu']:.1f} s, peak RSS {found['rss']:.0f} MB, server CPU"
                        f" {found['server']:.1f} s, {records.group(1) if records else '?'}"
                        f" records (load {load:.2f})",
                        flush=True,
                    )
                    shutil.rmtree(data_dir)
        medians = {
            kind: statistics.median(float(r["seconds"]) for r in found)
            for kind, found in runs.items()
            if found
        }
        line = f"seeded first download: median {medians['seeded']:.1f} s (target ≤ 60 s)"
        if "rows" in medians:
            line += (
                f"; rows: median {medians['rows']:.1f} s;"
                f" rows / seeded = {medians['rows'] / medians['seeded']:.1f}×"
            )
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
