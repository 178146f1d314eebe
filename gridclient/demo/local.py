"""Fill a local store straight from a generated dataset, through the same bulk path a
pull uses: for tests, benchmarks and report samples that need data without a server.
(The demo itself syncs from its embedded server; see :mod:`.bootstrap`.)"""

from __future__ import annotations

from collections.abc import Callable

from gridclient.storage import eventstate
from gridclient.storage.bulk import bulk_upsert
from gridclient.storage.engine import write_connection
from gridclient.storage.store import Store
from gridclient.storage.syncmeta import SyncKey
from gridcore.demo.generator import Dataset
from gridcore.domain.codec import wire_row

Progress = Callable[[int, int, str], None]


def load_dataset(store: Store, dataset: Dataset, progress: Progress | None = None) -> int:
    """Write every record of ``dataset`` (as version ≥ 1, as if pulled), its catalog and
    the directory of its users (as a sync brings them); the records go in one
    transaction. Returns the number of records."""
    kinds = dataset.records()
    total = sum(len(records) for records in kinds.values())
    done = 0
    with write_connection(store.engine) as connection:
        for kind, records in kinds.items():
            for record in records:
                record.version = max(record.version, 1)
            done += bulk_upsert(connection, kind, (wire_row(r) for r in records))
            if progress is not None:
                progress(done, total, kind.value)
    with store.write() as repos:
        repos.catalog.save(dataset.catalog)
        repos.sync_state.set(
            SyncKey.DIRECTORY,
            {u.username: [u.display_name, u.role.value] for u in dataset.users},
        )
        eventstate.fill_missing(repos.session)  # the events' derived states, as a pull does
    return done
