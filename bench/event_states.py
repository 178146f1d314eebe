"""Deriving every event's ``event_status`` row on a filled store (what the end of an
initial pull does), CPU and wall time.

    PYTHONPATH=. python bench/event_states.py --size M --repeat 3

The store is filled from the generator (``gridclient.demo.local.load_dataset``); then,
``--repeat`` times, every ``event_status`` row is deleted and ``eventstate.fill_missing``
derives them again in one write transaction (timed: the derivation and its INSERT).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from sqlalchemy import delete

from gridclient.demo.local import load_dataset
from gridclient.storage import eventstate, keys
from gridclient.storage.engine import write_session
from gridclient.storage.models import EventStatusRow
from gridclient.storage.store import Store
from gridcore.demo.generator import generate

CHEAP_KDF = keys.KdfParams(time_cost=1, memory_cost=8192, parallelism=1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="S")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    dataset = generate(args.size, seed=args.seed, today=date(2026, 11, 1))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.create(Path(tmp) / "store.db", "bench-password", kdf=CHEAP_KDF)
        try:
            load_dataset(store, dataset)
            walls: list[float] = []
            cpus: list[float] = []
            derived = 0
            for _ in range(args.repeat):
                with write_session(store.engine) as session:
                    session.execute(delete(EventStatusRow))
                with write_session(store.engine) as session:
                    cpu0, wall0 = time.process_time(), time.perf_counter()
                    derived = eventstate.fill_missing(session)
                    walls.append(time.perf_counter() - wall0)
                    cpus.append(time.process_time() - cpu0)
        finally:
            store.close()
    print(
        f"{args.size}: {derived:,} events derived: wall median {statistics.median(walls):.3f} s"
        f" (runs {' '.join(f'{w:.3f}' for w in walls)}), CPU median {statistics.median(cpus):.3f} s"
        f" (runs {' '.join(f'{c:.3f}' for c in cpus)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
