"""Bulk-load a generated township into an encrypted store, next to a raw baseline.

    python bench/bulk_load.py --size M --repeat 3

Both sides write the same records into a fresh SQLCipher file with the same schema
(created by the store's migrations) and the same PRAGMAs, in one transaction:

* **store**: ``gridclient.storage.bulk.bulk_upsert`` from wire rows (the shape a pulled
  page has), so its time includes validating and converting every value;
* **raw**: ``sqlcipher3`` ``executemany`` of a plain ``INSERT`` with the values already
  in their stored form (converted before the clock starts).

Reported: seconds per side (median of the repeats, sides alternating), rows per second
and the ratio store/raw (target ≤ 2).
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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import sqlcipher3
from sqlalchemy import insert
from sqlalchemy.dialects import sqlite

from gridclient.storage import keys
from gridclient.storage.bulk import _compiled, bulk_upsert, storage_tuples
from gridclient.storage.convert import table_for
from gridclient.storage.engine import CACHE_KIB, write_connection
from gridclient.storage.store import Store
from gridcore.demo.generator import SIZES, generate
from gridcore.domain.codec import JSONValue, wire_row
from gridcore.domain.enums import EntityKind

CHEAP_KDF = keys.KdfParams(time_cost=1, memory_cost=8192, parallelism=1)
PASSWORD = "bench-password"

WireRows = dict[EntityKind, list[dict[str, JSONValue]]]


def _fresh_store(folder: Path, name: str) -> Path:
    path = folder / f"{name}.db"
    Store.create(path, PASSWORD, kdf=CHEAP_KDF).close()
    return path


def run_store(folder: Path, rows: WireRows) -> float:
    store = Store.open(_fresh_store(folder, f"store-{time.monotonic_ns()}"), PASSWORD)
    try:
        start = time.perf_counter()
        with write_connection(store.engine) as connection:
            for kind, kind_rows in rows.items():
                bulk_upsert(connection, kind, kind_rows)
        return time.perf_counter() - start
    finally:
        store.close()


def _plain_insert(
    kind: EntityKind, values: list[tuple[Any, ...]]
) -> tuple[str, list[tuple[Any, ...]]]:
    """A plain Core INSERT of the upsert's columns, and the values in its order."""
    _sql, positions = _compiled(kind)
    compiled = insert(table_for(kind)).compile(
        dialect=sqlite.dialect(), column_keys=list(positions)
    )
    order = compiled.positiontup or []
    index = [positions.index(name) for name in order]
    return compiled.string, [tuple(row[i] for i in index) for row in values]


def run_raw(folder: Path, tuples: dict[EntityKind, list[tuple[Any, ...]]]) -> float:
    path = _fresh_store(folder, f"raw-{time.monotonic_ns()}")
    key = keys.unlock(keys.key_file_for(path), PASSWORD)
    connection = sqlcipher3.connect(str(path), isolation_level=None)
    try:
        connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA temp_store = MEMORY")
        connection.execute(f"PRAGMA cache_size = -{CACHE_KIB:d}")
        plain = [_plain_insert(kind, values) for kind, values in tuples.items()]
        start = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        for statement, values in plain:
            connection.executemany(statement, values)
        connection.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        connection.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="M")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    dataset = generate(args.size, args.seed, today=date(2026, 11, 1))
    for records in dataset.records().values():
        for record in records:
            record.version = 1
    rows: WireRows = {
        kind: [wire_row(r) for r in records] for kind, records in dataset.records().items()
    }
    tuples = {kind: storage_tuples(kind, kind_rows) for kind, kind_rows in rows.items()}
    total = sum(len(v) for v in rows.values())
    print(
        f"size {args.size}: {total:,} rows "
        + ", ".join(f"{k.value} {len(v):,}" for k, v in rows.items())
    )

    store_times: list[float] = []
    raw_times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for _ in range(args.repeat):
            raw_times.append(run_raw(folder, tuples))
            store_times.append(run_store(folder, rows))
    raw = statistics.median(raw_times)
    store = statistics.median(store_times)
    for label, median, runs in (
        ("raw sqlcipher3 executemany", raw, raw_times),
        ("store bulk_upsert", store, store_times),
    ):
        print(f"{label:27} {median:6.2f} s {total / median:>9,.0f} rows/s  runs {_fmt(runs)}")
    print(f"ratio store/raw: {store / raw:.2f} (target ≤ 2)")
    return 0


def _fmt(values: list[float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    sys.exit(main())
