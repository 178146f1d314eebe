"""Demo data for tests, built once per session and copied for each test.

Two templates, both from one real demo start (``open_demo``: the embedded server's
database, an online login and the first full sync, about ten seconds):

* the whole **demo directory** (:func:`build_demo_template`), for the few tests that need
  the embedded server and a signed-in session (:func:`open_demo_copy` starts that server
  again, logs in and syncs: still a second or two per test);
* the **store alone** (:class:`StoreTemplate`): the encrypted store file and its key file,
  closed cleanly, with the key re-wrapped at the cheapest Argon2 cost. A test gets a copy
  of the two files in its own directory, opened with :meth:`Store.open` like any later
  start (:func:`open_store_copy`): no server, no login, no sync, tens of milliseconds.
  Most UI tests need only that: a filled store and the signed-in user's
  :class:`UserInfo`.

Each test gets its own copy in its ``tmp_path``, so tests stay independent; a template
is never opened again after it is built.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from gridclient.config import Paths
from gridclient.demo.bootstrap import DEMO_SERVER, DemoSession, open_demo
from gridclient.storage import Store, keys
from gridclient.storage.queries import HouseholdQueries
from gridclient.storage.store import store_path
from gridclient.sync.signin import UserInfo
from gridcore.demo.generator import DEMO_PASSWORD
from tests.unit.storage.factories import CHEAP_KDF

__all__ = [
    "DemoStore",
    "StoreTemplate",
    "build_demo_template",
    "open_demo_copy",
    "open_store_copy",
]


@dataclass(frozen=True)
class StoreTemplate:
    folder: Path
    """A data directory holding only the store and its key file."""
    username: str
    info: UserInfo

    @property
    def store_path(self) -> Path:
        return store_path(self.folder, DEMO_SERVER, self.username)


def _closed_cleanly(folder: Path) -> None:
    leftovers = [p for p in folder.rglob("*") if p.name.endswith(("-wal", "-journal"))]
    assert not leftovers, f"demo template not closed cleanly: {leftovers}"


def build_demo_template(folder: Path, store_folder: Path) -> tuple[Path, StoreTemplate]:
    """Start the demo once in ``folder``; keep a store-only copy in ``store_folder``."""
    demo = open_demo(Paths.resolve(folder).ensure())
    username, info, path = demo.username, demo.info, demo.store.path
    demo.close()
    # Closed cleanly: every store folded its -wal in, so plain file copies are complete.
    _closed_cleanly(folder)
    template = StoreTemplate(store_folder, username, info)
    target = template.store_path
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, target)
    shutil.copy2(keys.key_file_for(path), keys.key_file_for(target))
    # The same data key and password under the cheapest KDF: a copy opens at once.
    keys.change_password(keys.key_file_for(target), DEMO_PASSWORD, DEMO_PASSWORD, params=CHEAP_KDF)
    return folder, template


def open_demo_copy(template: Path, target: Path) -> DemoSession:
    """A fresh copy of the demo directory in ``target``, opened like a later start
    (embedded server, login, sync)."""
    shutil.copytree(template, target, dirs_exist_ok=True)
    return open_demo(Paths.resolve(target).ensure())


@dataclass
class DemoStore:
    """What most UI tests used a whole demo session for: the filled store, the demo
    worker's :class:`UserInfo` and the household queries. ``data_dir`` is the test's
    own data directory (the store lives under it, as in the app)."""

    store: Store
    username: str
    info: UserInfo
    queries: HouseholdQueries
    data_dir: Path
    password: str = DEMO_PASSWORD

    def close(self) -> None:
        self.store.close()


def open_store_copy(template: StoreTemplate, target: Path) -> DemoStore:
    """Copy the template's store and key file into ``target`` (a data directory) and
    open the copy."""
    source = template.store_path
    path = store_path(target, DEMO_SERVER, template.username)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, path)
    shutil.copyfile(keys.key_file_for(source), keys.key_file_for(path))
    store = Store.open(path, DEMO_PASSWORD)
    return DemoStore(
        store, template.username, template.info, HouseholdQueries(store.engine), target
    )
