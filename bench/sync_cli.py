"""``gridclient sync`` as a process: a delta sync of 200 local edits and 200 remote
changes, end to end, the command's own start-up included.

    PYTHONPATH=. python bench/sync_cli.py --size M --rounds 5 \
        --side main=/path/to/main --side mine=.

A real ``gridserver serve`` on loopback (SQLite, as ``bench/sync_pull.py``) and one data
directory. The first ``gridclient sync`` creates the store (the default Argon2 cost) and
pulls the township. Then every round: a second laptop (in this process) edits 200
households and syncs them to the server; 200 other households are edited in the CLI's
store; and ``python -m gridclient --data-dir D sync --server URL --user U`` runs with
``GRIDCLIENT_PASSWORD`` set (in a scratch working directory, with compiled modules
cached per side as an installed client has them), timed from spawn to exit (wall)
with the child's user + sys CPU (``getrusage(RUSAGE_CHILDREN)``). With several
``--side NAME=PYTHONPATH``, each round runs every side in turn (same store, same
server, alternating), so the sides meet the same load; a side's command imports its
code from its own PYTHONPATH.

Target (issue 18 item 2): median ≤ 0.5 s.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
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

import sync_pull
from sqlalchemy import select

from gridclient.storage.models import HouseholdRow
from gridclient.storage.store import Store, store_path
from gridclient.sync.transport import normalise_server_url
from gridcore.demo.generator import DEMO_PASSWORD
from gridcore.domain import codec
from gridcore.domain.entities import Household


def run_cli(pythonpath: str, data_dir: Path, url: str, user: str) -> tuple[float, float, str]:
    """One ``gridclient sync``: wall seconds, CPU seconds of the child, its stdout."""
    env = {**os.environ, "GRIDCLIENT_PASSWORD": DEMO_PASSWORD, "PYTHONPATH": pythonpath}
    # Compiled modules cached per side outside the trees, as an installed client has
    # them (an environment with PYTHONDONTWRITEBYTECODE would compile every module of
    # the client at every start).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(
        data_dir.parent / "pycache" / hashlib.sha1(pythonpath.encode()).hexdigest()[:8]
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    wrap = os.environ.get("BENCH_WRAP", "").split()  # e.g. a profiler's command line
    done = subprocess.run(
        [
            *wrap,
            sys.executable,
            "-m",
            "gridclient",
            "--data-dir",
            str(data_dir),
            "sync",
            "--server",
            url,
            "--user",
            user,
        ],
        env=env,
        cwd=data_dir.parent,  # not a checkout: ``-m`` puts the working directory first
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"gridclient sync failed ({done.returncode}): {done.stderr[-2000:]}")
    return wall, cpu, done.stdout.strip()


def edit_local(path: Path, user: str, tag: str, count: int) -> None:
    """``count`` households of the CLI's store edited (the first ids; the other laptop
    edits the next ones, so no conflicts)."""
    store = Store.open(path, DEMO_PASSWORD)
    try:
        with store.read() as repos:
            live = select(HouseholdRow.id).where(HouseholdRow.deleted.is_(False))
            ids = sorted(repos.session.scalars(live))[:count]
        with store.unit_of_work(actor=user) as uow:
            for hid in ids:
                stored = uow.repos.records.get(Household, hid)
                assert stored is not None
                uow.update(codec.replace(stored, {"notes": f"{tag}-{time.monotonic_ns()}"}))
    finally:
        store.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="S")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument(
        "--side",
        action="append",
        default=[],
        help="NAME=PYTHONPATH of a side to time (default: this checkout)",
    )
    parser.add_argument("--server-db", type=Path, help="reuse (or keep) the server database")
    args = parser.parse_args(argv)
    here = str(Path(__file__).resolve().parents[1])
    sides = [tuple(s.split("=", 1)) for s in args.side] or [("this", here)]

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.server_db is not None and args.server_db.exists():
            server_db = folder / "server.sqlite3"
            shutil.copyfile(args.server_db, server_db)
        else:
            server_db = sync_pull.build_server(folder, args.size, args.seed)
            if args.server_db is not None:
                shutil.copyfile(server_db, args.server_db)
        user = sync_pull.township_users(server_db)[0]
        with sync_pull.serve(server_db) as url:
            data = folder / "cli-data"
            wall, cpu, out = run_cli(sides[0][1], data, url, user)
            print(f"first sync (creates the store, pulls {args.size}): {wall:.1f} s, {out}")
            path = store_path(data, normalise_server_url(url), user)
            theirs = sync_pull.Laptop(folder, url, user)
            theirs.sync()
            for name, pythonpath in sides:  # one untimed run each (caches, .pyc)
                edit_local(path, user, f"warm-{name}", args.edits)
                run_cli(pythonpath, data, url, user)
            walls: dict[str, list[float]] = {name: [] for name, _ in sides}
            cpus: dict[str, list[float]] = {name: [] for name, _ in sides}
            for round_ in range(args.rounds):
                for name, pythonpath in sides:
                    theirs.edit_households(args.edits, args.edits, f"remote{round_}{name}")
                    theirs.sync()
                    edit_local(path, user, f"local{round_}{name}", args.edits)
                    wall, cpu, out = run_cli(pythonpath, data, url, user)
                    assert f"上传 {args.edits} 条" in out, out
                    walls[name].append(wall)
                    cpus[name].append(cpu)
                    load = Path("/proc/loadavg").read_text().split()[:3]
                    print(
                        f"round {round_} {name}: {wall:.2f} s wall, {cpu:.2f} s CPU,"
                        f" load {' '.join(load)}: {out}"
                    )
            theirs.close()
    for name, _ in sides:
        print(
            f"{name}: median {statistics.median(walls[name]):.2f} s wall"
            f" (runs {' '.join(f'{w:.2f}' for w in walls[name])}),"
            f" CPU median {statistics.median(cpus[name]):.2f} s"
            f" (runs {' '.join(f'{c:.2f}' for c in cpus[name])}) (target ≤ 0.5 s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
