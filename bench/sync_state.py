"""Cost of the households table's sync column on a township store: the one query per
refresh that rolls every unsent op and open conflict up to its household.

    python bench/ui_startup.py --prepare /tmp/gc-bench --size M   # once
    python bench/sync_state.py --store /tmp/gc-bench [--edits 200 --edits 2000]

Measures CPU time (``time.process_time``, so other work on the machine does not count)
of ``SyncStateQueries.household_states()``, the median of 20 calls, first with the
store as it is, then after queuing each given number of resident edits (a day of door
to door work, then an offline week) through the unit of work. The store is changed:
run it on a copy.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

PASSWORD = "bench-password"


def _median_cpu_ms(fn: object, runs: int = 20) -> float:
    timings = []
    for _ in range(runs):
        start = time.process_time()
        fn()  # type: ignore[operator]
        timings.append(time.process_time() - start)
    return statistics.median(timings) * 1000


def main() -> int:
    from sqlalchemy import select

    from gridclient.storage.models import ResidentRow
    from gridclient.storage.store import Store
    from gridclient.storage.syncstate_queries import SyncStateQueries
    from gridcore.domain import codec
    from gridcore.domain.enums import EntityKind

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--edits", type=int, action="append", default=[])
    args = parser.parse_args()
    store = Store.open(args.store / "township.db", PASSWORD)
    try:
        queries = SyncStateQueries(store.engine)
        with store.read() as repos:
            unsent = len(repos.outbox.unsent())
        states = queries.household_states()
        print(
            f"as stored ({unsent} unsent ops): {_median_cpu_ms(queries.household_states):.2f} ms"
            f" CPU, {len(states)} households not synced"
        )
        done = 0
        for total in sorted(args.edits):
            with store.engine.connect() as connection:
                ids = list(
                    connection.execute(
                        select(ResidentRow.id).order_by(ResidentRow.id).limit(total)
                    ).scalars()
                )
            with store.unit_of_work(actor="bench") as uow:
                for resident_id in ids[done:total]:
                    stored = uow.repos.records.get_kind(EntityKind.RESIDENT, resident_id)
                    assert stored is not None
                    uow.update(codec.replace(stored, {"notes": f"走访备注 {total}"}))
            done = total
            states = queries.household_states()
            cost = _median_cpu_ms(queries.household_states)
            print(f"+{total} pending edits: {cost:.2f} ms CPU, {len(states)} households not synced")
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
