"""The demo's local side: a generated grid in an encrypted store, opened as its worker.

Until the sync engine lands, the demo store is filled straight from the generator
through the same bulk path a pull uses; nothing here is a stand-in for a server.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from gridclient.config import Paths
from gridclient.demo.generator import DEFAULT_SEED, Dataset, DemoUser, generate
from gridclient.domain.codec import wire_row
from gridclient.domain.enums import AreaLevel, EntityKind, Role
from gridclient.storage.bulk import bulk_upsert
from gridclient.storage.engine import write_connection
from gridclient.storage.queries import HouseholdQueries
from gridclient.storage.store import Store, store_path
from gridclient.ui.context import UserInfo

log = logging.getLogger(__name__)

DEMO_SERVER = "demo.local"

Progress = Callable[[int, int, str], None]


@dataclass
class DemoSession:
    store: Store
    user: DemoUser
    info: UserInfo
    queries: HouseholdQueries

    def close(self) -> None:
        self.store.close()


def demo_worker(dataset: Dataset) -> DemoUser:
    return next(u for u in dataset.users if u.role is Role.WORKER)


def load_dataset(store: Store, dataset: Dataset, progress: Progress | None = None) -> int:
    """Write every record of ``dataset`` and its catalog in one transaction."""
    kinds = dataset.records()
    total = sum(len(records) for records in kinds.values())
    done = 0
    with write_connection(store.engine) as connection:
        for kind, records in kinds.items():
            for record in records:  # the server would have stamped a version
                record.version = max(record.version, 1)
            done += bulk_upsert(connection, kind, (wire_row(r) for r in records))
            if progress is not None:
                progress(done, total, kind.value)
    with store.write() as repos:
        repos.catalog.save(dataset.catalog)
    return done


def open_demo(paths: Paths, progress: Progress | None = None) -> DemoSession:
    """Open (creating it on first run) the demo worker's store."""
    dataset = generate("S", DEFAULT_SEED)
    user = demo_worker(dataset)
    path = store_path(paths.data_dir, DEMO_SERVER, user.username)
    if path.exists():
        store = Store.open(path, user.password)
    else:
        store = Store.create(path, user.password, username=user.username, server_url=DEMO_SERVER)
    try:
        with store.read() as repos:
            empty = not repos.records.counts().get(EntityKind.HOUSEHOLD)
        if empty:  # first run, or a first run that was interrupted (one transaction)
            count = load_dataset(store, dataset, progress)
            log.info("demo store filled with %d records", count)
    except BaseException:
        store.close()
        raise
    grid = next(a for a in dataset.areas if a.code == user.scope_code)
    village = next((a for a in dataset.areas if a.id == grid.parent_id), None)
    scope = grid.name if village is None else f"{village.name} {grid.name}"
    assert grid.level is AreaLevel.GRID
    info = UserInfo(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        scope_name=scope,
        grid_ids=(grid.id,),
        demo=True,
    )
    return DemoSession(store, user, info, HouseholdQueries(store.engine))
