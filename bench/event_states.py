"""Deriving every event's ``event_status`` row on a filled store (what the end of an
initial pull does), CPU and wall time.

    PYTHONPATH=. python bench/event_states.py --size M --repeat 3

The store is filled from the generator (``gridclient.demo.local.load_dataset``); then,
``--repeat`` times, every ``event_status`` row is deleted and ``eventstate.fill_missing``
derives them again in one write transaction (timed: the derivation and its INSERT),
which is then rolled back.

    PYTHONPATH=. python bench/event_states.py --store DATA_DIR/stores/NAME.db --repeat 1

measures a store a pull made instead (``--password``, the demo one by default): there an
event's steps lie pages apart in the actions table, as they do after a first pull, while
the generator's store holds them side by side. Each round deletes the rows, derives them
and rolls back, so the store is left as it was.
"""

from __future__ import annotations

import argparse
import resource
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
from gridcore.demo.generator import DEMO_PASSWORD, generate

CHEAP_KDF = keys.KdfParams(time_cost=1, memory_cost=8192, parallelism=1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="S")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store", type=Path, help="an existing store (left unchanged)")
    parser.add_argument("--password", default=DEMO_PASSWORD)
    args = parser.parse_args(argv)
    if args.store is not None:
        store = Store.open(args.store, args.password)
        try:
            _report(args.store.name, *_rounds(store, args.repeat))
        finally:
            store.close()
        return 0
    dataset = generate(args.size, seed=args.seed, today=date(2026, 11, 1))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.create(Path(tmp) / "store.db", "bench-password", kdf=CHEAP_KDF)
        try:
            load_dataset(store, dataset)
            _report(args.size, *_rounds(store, args.repeat))
        finally:
            store.close()
    return 0


def _rounds(store: Store, repeat: int) -> tuple[int, list[float], list[float]]:
    """``repeat`` rounds of: delete every row, derive them again (timed), roll back."""
    walls: list[float] = []
    cpus: list[float] = []
    derived = 0
    for _ in range(repeat):
        with write_session(store.engine) as session:
            session.execute(delete(EventStatusRow))
            cpu0, wall0 = time.process_time(), time.perf_counter()
            derived = eventstate.fill_missing(session)
            walls.append(time.perf_counter() - wall0)
            cpus.append(time.process_time() - cpu0)
            session.rollback()
    return derived, walls, cpus


def _report(name: str, derived: int, walls: list[float], cpus: list[float]) -> None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(
        f"{name}: {derived:,} events derived: wall median {statistics.median(walls):.3f} s"
        f" (runs {' '.join(f'{w:.3f}' for w in walls)}), CPU median {statistics.median(cpus):.3f} s"
        f" (runs {' '.join(f'{c:.3f}' for c in cpus)}), peak RSS {peak} MB"
    )


if __name__ == "__main__":
    sys.exit(main())
