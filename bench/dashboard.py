"""The 工作台's figures on an M township (~30 grids, ~10,000 households, ~100,000 visits,
~20,000 events) in an encrypted store: the tiles (``DashboardQueries.summary``) and the
four charts (``storage.charts.ChartQueries``), for the whole township and for one grid.

    python bench/dashboard.py --repeat 5 [--cache /tmp/bench-m]

Both run on the task runner's read lane when the 工作台 is shown (or changes arrive
while it is on screen); the UI only draws. Median of the repeats, after one warm-up.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from bench.reports import _open_m
from gridclient.storage.charts import ChartQueries
from gridclient.storage.queries import AreaFilter, DashboardQueries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--cache", type=Path, help="folder to keep the loaded M store in between runs"
    )
    args = parser.parse_args()
    if args.cache is not None:
        args.cache.mkdir(parents=True, exist_ok=True)
    store, _path, dataset = _open_m(args.cache)
    try:
        summary, charts = DashboardQueries(store.engine), ChartQueries(store.engine)
        grid = next(a.id for a in dataset.areas if a.level.value == "grid")
        for name, area in (("township", AreaFilter()), ("one grid", AreaFilter((grid,)))):
            for label, run in (
                ("tiles", lambda a=area: summary.summary(a, 30)),
                ("charts", lambda a=area: charts.charts(a)),
            ):
                run()  # warm-up: page cache, derived event states
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    run()
                    times.append(time.perf_counter() - start)
                print(f"{name:9s} {label:7s} median {statistics.median(times) * 1000:7.1f} ms")
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
