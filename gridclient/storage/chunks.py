"""The one chunk helper of the store: ``IN (…)`` lists and executemany batches.

A statement with an ``IN (…)`` list binds one parameter per element, and SQLite refuses
a statement with more than ``SQLITE_MAX_VARIABLE_NUMBER`` of them (32,766 since 3.32;
999 in older builds). Every query of the client that filters by a list of ids of unknown
length runs once per :func:`chunked` slice of at most :data:`IN_LIST_MAX` ids.
The bulk path batches its executemany rows with the same helper (a bigger ``size``).

The server has no such helper: PostgreSQL takes 65,535 parameters and its lists are
bounded by the protocol's batch limits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Final, TypeVar

__all__ = ["IN_LIST_MAX", "ROWS_PER_TICK", "Tick", "chunked", "ticking"]

T = TypeVar("T")

IN_LIST_MAX: Final = 500
"""Ids per ``IN (…)`` list: far below every SQLite build's limit, and big enough that a
township's worth of ids takes a handful of statements."""


def chunked(items: Iterable[T], size: int = IN_LIST_MAX) -> Iterator[list[T]]:
    """``items`` in order, in lists of at most ``size`` (none for no items).

    A sequence is sliced; any other iterable is consumed lazily, one list at a time
    (so a generator of rows is never held in memory whole)."""
    if size < 1:
        raise ValueError("size must be positive")
    if isinstance(items, Sequence):
        for start in range(0, len(items), size):
            yield list(items[start : start + size])
        return
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


Tick = Callable[[int, int], None]
"""``tick(done, total)`` (``total`` 0 while unknown), called between chunks of rows of a
long read; it may raise (a cancel) to stop the read there (see
``gridclient.reports.progress``)."""

ROWS_PER_TICK: Final = 500
"""Rows read or built between two calls of a tick (about 10–50 ms of work)."""


def ticking(
    items: Iterable[T], tick: Tick | None, total: int = 0, every: int = ROWS_PER_TICK
) -> Iterator[T]:
    """``items``, calling ``tick(n, total)`` before every ``every``-th one (and once at
    the start); without a tick, ``items`` as they are."""
    if tick is None:
        yield from items
        return
    for n, item in enumerate(items):
        if n % every == 0:
            tick(n, total)
        yield item
