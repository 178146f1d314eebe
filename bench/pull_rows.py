"""The pull's row path alone: pulled wire changes → the storage tuples ``executemany``
takes (``gridclient.storage.bulk.change_tuples``), per kind, in CPU seconds.

    python bench/pull_rows.py --size M --repeat 3

The changes are the township's records encoded as a pull page carries them (the codec's
wire form, ``updated_at`` as ISO text), built once; then every kind is converted in
chunks of ``DEFAULT_CHUNK`` as ``upsert_changes`` does, ``--repeat`` times. No database
and no HTTP: the figure is the part of an initial pull's writer thread that issue 18
found at 22 % (the per-column converters and the datetimes), measured on its own so a
loaded machine does not blur it (CPU time of this process).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from gridclient.storage.bulk import DEFAULT_CHUNK, change_tuples
from gridcore.demo.generator import generate
from gridcore.domain.codec import encode_fields
from gridcore.domain.enums import EntityKind


def wire_changes(size: str) -> dict[EntityKind, list[dict[str, Any]]]:
    data = generate(size)
    stamp = datetime(2026, 11, 30, 8, 0, tzinfo=UTC).isoformat()
    out: dict[EntityKind, list[dict[str, Any]]] = {}
    for kind, records in data.records().items():
        out[kind] = [
            {
                "entity": kind.value,
                "id": record.id,
                "version": 1,
                "deleted": False,
                "updated_at": stamp,
                "fields": encode_fields(record),
            }
            for record in records
        ]
    return out


def convert_all(changes: dict[EntityKind, list[dict[str, Any]]]) -> dict[EntityKind, float]:
    seconds: dict[EntityKind, float] = {}
    for kind, rows in changes.items():
        started = time.process_time()
        for start in range(0, len(rows), DEFAULT_CHUNK):
            change_tuples(kind, rows[start : start + DEFAULT_CHUNK])
        seconds[kind] = time.process_time() - started
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="M")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    changes = wire_changes(args.size)
    total = sum(len(rows) for rows in changes.values())
    runs = [convert_all(changes) for _ in range(args.repeat)]
    print(f"size {args.size}: {total:,} records, {args.repeat} runs (CPU seconds, median)")
    for kind in changes:
        median = statistics.median(run[kind] for run in runs)
        count = len(changes[kind])
        rate = count / median if median else float("inf")
        print(f"  {kind.value:<14} {count:>9,}  {median:6.2f} s  {rate:>10,.0f} records/s")
    whole = statistics.median(sum(run.values()) for run in runs)
    print(f"  {'all':<14} {total:>9,}  {whole:6.2f} s  {total / whole:>10,.0f} records/s")


if __name__ == "__main__":
    main()
