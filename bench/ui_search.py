"""Search per keystroke on a township-sized store (the in-memory index of
``gridclient.storage.queries.SearchIndex``).

    python bench/ui_startup.py --prepare /tmp/gc-bench --size M   # once
    python bench/ui_search.py --store /tmp/gc-bench

Reported: index build time (runs once on the task runner after start), memory the index
adds, and per query the median and worst of 20 lookups — the part of a keystroke that
grows with the township (narrowing the lists is a set lookup per id, measured too).
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from sqlalchemy import select

from gridclient.storage.engine import read_session
from gridclient.storage.models import ResidentRow
from gridclient.storage.queries import ResidentQueries, SearchIndex
from gridclient.storage.store import Store

PASSWORD = "bench-password"


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    store = Store.open(args.store / "township.db", PASSWORD)
    try:
        with read_session(store.engine) as session:
            sample = session.execute(
                select(ResidentRow.name, ResidentRow.id_number, ResidentRow.phone)
                .where(ResidentRow.phone != "")
                .limit(1)
            ).one()
        all_residents = ResidentQueries(store.engine).resident_ids()
        gc.collect()
        before = _rss_mb()
        start = time.perf_counter()
        index = SearchIndex.build(store.engine)
        build = time.perf_counter() - start
        gc.collect()
        print(f"entries: {len(index)}  build: {build:.2f} s  memory: +{_rss_mb() - before:.0f} MB")
        queries = {
            "surname": sample.name[0],
            "full name": sample.name,
            "initials": "zs",
            "full pinyin prefix": "zhangs",
            "ID last 4": sample.id_number[-4:],
            "ID last 6": sample.id_number[-6:],
            "full ID": sample.id_number,
            "phone": sample.phone,
            "phone last 4": sample.phone[-4:],
            "address": "2组1",
        }
        worst_all = 0.0
        for label, query in queries.items():
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                hits = index.search(query)
                shown = [i for i in all_residents if i in hits.resident_ids]
                times.append(time.perf_counter() - start)
            worst_all = max(worst_all, max(times))
            print(
                f"{label:>18}: {statistics.median(times) * 1000:6.1f} ms median, "
                f"{max(times) * 1000:6.1f} ms worst, {len(shown)} residents, "
                f"{len(hits.household_ids)} households"
            )
        print(f"worst keystroke: {worst_all * 1000:.1f} ms (target 100 ms)")
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
