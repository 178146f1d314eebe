"""What the lists' indexes (client migration 0013) cost a bulk load: an M township
loaded with ``load_dataset`` into a fresh store with and without them, alternating.

    PYTHONPATH=. python bench/list_index_cost.py [--size M] [--rounds 2]

Same code both ways; "without" drops the four indexes of 0013 and puts back the
``reported_at`` index they replaced, right after the store is created.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from sqlalchemy import text

from gridclient.demo.local import load_dataset
from gridclient.storage.engine import write_connection
from gridclient.storage.store import Store
from gridcore.demo.generator import DEFAULT_SEED, generate

LIST_INDEXES = (
    "ix_events_list_order",
    "ix_visits_list_order",
    "ix_visits_corrects_id",
    "ix_households_live",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="M")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    dataset = generate(args.size, DEFAULT_SEED)
    for round_ in range(1, args.rounds + 1):
        for variant in ("without", "with"):
            folder = Path(tempfile.mkdtemp())
            try:
                store = Store.create(
                    folder / "t.db", "bench-password", username="clerk", server_url="bench.local"
                )
                if variant == "without":
                    with write_connection(store.engine) as connection:
                        for name in LIST_INDEXES:
                            connection.execute(text(f"DROP INDEX {name}"))
                        connection.execute(
                            text("CREATE INDEX ix_events_reported_at ON events (reported_at)")
                        )
                wall, cpu = time.perf_counter(), time.process_time()
                count = load_dataset(store, dataset)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                store.close()
            finally:
                shutil.rmtree(folder)
            load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
            print(
                f"round {round_} {variant:7s} the list indexes: {count} records "
                f"{wall:.1f} s wall {cpu:.1f} s CPU (load {load})",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
