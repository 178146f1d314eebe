"""Generate a synthetic dataset and report what it holds and how long it took.

    python bench/generate.py --size M --seed 1 [--today 2026-11-01]

Counts per record type, events per state (at the start of ``--today``), per ledger and
per group, overdue and supervised events, and the generation time (wall and CPU).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from gridcore.demo.generator import DEFAULT_SEED, SIZES, generate
from gridcore.domain.entities import CST, EventAction
from gridcore.domain.enums import EventGroup, EventState, Ledger
from gridcore.domain.workflow import event_status


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=None,
        help="the day the data ends before (YYYY-MM-DD; default: today)",
    )
    return parser.parse_args(argv)


def _row(label: str, value: int, total: int | None = None) -> str:
    # The label goes last: Chinese characters are two columns wide.
    share = f"{value / total:7.1%}" if total else " " * 7
    return f"  {value:>10,} {share}  {label}"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    today: date = args.today or date.today()
    wall, cpu = time.perf_counter(), time.process_time()
    dataset = generate(args.size, args.seed, today=today)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu

    print(f"size {args.size}, seed {args.seed}, today {today.isoformat()}")
    print("records:")
    counts = dataset.counts()
    for name, count in counts.items():
        print(_row(name, count))

    now = datetime.combine(today, clock.min, tzinfo=CST)
    by_event: dict[str, list[EventAction]] = {}
    for action in dataset.event_actions:
        by_event.setdefault(action.event_id, []).append(action)
    states: Counter[EventState] = Counter()
    overdue_open = late_finished = supervised = 0
    for event in dataset.events:
        status = event_status(event, by_event[event.id], dataset.catalog, now)
        states[status.state] += 1
        overdue_open += status.is_open and status.overdue
        late_finished += not status.is_open and status.overdue
        supervised += status.supervised
    total = len(dataset.events)
    print("events by state:")
    for state in EventState:
        print(_row(f"{state.value} {state.label}", states[state], total))
    print("events by ledger:")
    ledgers = Counter(e.ledger for e in dataset.events)
    for ledger in Ledger:
        print(_row(f"{ledger.value} {ledger.label}", ledgers[ledger], total))
    print("events by group:")
    groups = Counter(dataset.catalog.get(e.category_code).group for e in dataset.events)
    for group in EventGroup:
        print(_row(f"{group.value} {group.label}", groups[group], total))
    print("events, other:")
    print(_row("open and overdue", overdue_open, total))
    print(_row("finished late", late_finished, total))
    print(_row("supervised", supervised, total))
    records = sum(v for k, v in counts.items() if k not in ("users", "catalog_categories"))
    print(f"generation: {wall:.2f} s wall, {cpu:.2f} s CPU, {records / wall:,.0f} records/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
