"""What every window and dialog gets: the store, the task runner, the signed-in user and
the change bus.

Every user change goes through :meth:`AppContext.write`: it runs a function on a unit of
work on the store's writer (the ``write`` lane of the task runner) and, once committed,
publishes the :class:`~gridclient.storage.changes.ChangeSet` the unit of work returns, so
that every view refreshes what changed (Anki's "op changes" idea). A sync and a roster
import publish theirs through :meth:`AppContext.publish` too: the one place change sets go
on the bus. Widgets never hold ORM objects or open their own transactions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from gridclient.config import ITSettings
from gridclient.storage.changes import ChangeSet as ChangeSet  # re-exported for the views
from gridclient.storage.repositories import Repositories
from gridclient.storage.store import Store
from gridclient.storage.uow import UnitOfWork
from gridclient.ui.tasks import TaskContext, TaskHandle, TaskRunner
from gridclient.userinfo import UserInfo as UserInfo  # re-exported for the views

log = logging.getLogger(__name__)

T = TypeVar("T")


class ChangeBus(QObject):
    """One signal after every committed change; views refresh what it names."""

    changed = Signal(object)

    def publish(self, changes: ChangeSet) -> None:
        self.changed.emit(changes)


@dataclass
class AppContext:
    store: Store
    runner: TaskRunner
    user: UserInfo
    settings: ITSettings = field(default_factory=ITSettings)
    bus: ChangeBus = field(default_factory=ChangeBus)
    _names: dict[str, str] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.runner.bind_writer(self.store.writer)

    def publish(self, changes: ChangeSet) -> None:
        """Announce committed changes to every view (the only caller of the bus)."""
        if not changes.empty:
            self.bus.publish(changes)

    def person(self, login: str) -> str:
        """The name to show for a login (何子健 for ``worker01``), from the directory the
        last sync brought; the login itself for someone not in it."""
        if self._names is None:
            with self.store.read() as repos:  # one small row, read once per refresh
                self._names = repos.sync_state.display_names()
            if self.user.display_name:
                self._names.setdefault(self.user.username, self.user.display_name)
        return self._names.get(login, login) if login else ""

    def refresh_names(self) -> None:
        """Forget the cached names (after a sync brought a new directory)."""
        self._names = None

    def read(
        self,
        fn: Callable[[Repositories], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> TaskHandle:
        """Run a read off the UI thread (on the read lane) and deliver the result."""

        def work(_ctx: TaskContext) -> T:
            with self.store.read() as repos:
                return fn(repos)

        return self.runner.submit(work, on_done=on_done, on_error=on_error)

    def write(
        self,
        fn: Callable[[UnitOfWork], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> TaskHandle:
        """Run ``fn`` in one unit of work (rows and outbox ops commit together) on the
        store's writer, then publish what it changed."""

        def work(_ctx: TaskContext) -> tuple[T, ChangeSet]:
            with self.store.unit_of_work(actor=self.user.username) as uow:
                result = fn(uow)
                changes = uow.changes()
            return result, changes

        def done(outcome: tuple[T, ChangeSet]) -> None:
            result, changes = outcome
            self.publish(changes)
            if on_done is not None:
                on_done(result)

        return self.runner.submit(work, on_done=done, on_error=on_error, lane="write")
