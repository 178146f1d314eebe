"""Event steps as every client takes them: the event dialog, the command line and the
tests drive the same two functions, so what a role is offered and what is stored cannot
differ between them.

* :func:`event_view` — an event's history, its derived state, deadline and 超期, and the
  next steps the given role may take (``workflow.allowed_actions``).
* :func:`append_action` — check a step against the stored history and append it, dated
  by the device clock corrected against the server's (``UnitOfWork.now``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from gridclient.storage.models import AreaRow
from gridclient.storage.repositories import EventHistory, Repositories
from gridclient.storage.uow import UnitOfWork
from gridcore.domain.departments import Department
from gridcore.domain.entities import EventAction
from gridcore.domain.enums import EventActionKind, Role
from gridcore.domain.workflow import (
    EventStatus,
    IllegalTransition,
    allowed_actions,
    check_action,
    event_status,
    fold,
)

__all__ = ["EventView", "append_action", "dispatch_targets", "event_view", "own_department"]


@dataclass(frozen=True, slots=True)
class EventView:
    history: EventHistory
    """The event and its steps, in the order the workflow folds them."""
    status: EventStatus | None
    """None when the history cannot be folded (then ``problem`` says why)."""
    problem: str
    allowed: tuple[EventActionKind, ...]
    """The steps ``role`` may take now, in workflow order."""

    @property
    def timeline(self) -> list[EventAction]:
        """The steps as history shows them: by when they happened."""
        return sorted(self.history.actions, key=lambda a: a.history_key)


def event_view(repos: Repositories, event_id: str, role: Role, now: datetime) -> EventView | None:
    """What an actor in ``role`` sees of an event at ``now`` (None: not on this laptop)."""
    history = repos.records.event_history(event_id)
    if history is None:
        return None
    catalog = repos.catalog.load()
    try:
        status = event_status(history.event, history.actions, catalog, now)
    except (IllegalTransition, ValueError) as exc:
        return EventView(history, None, str(exc), ())
    except KeyError:
        code = history.event.category_code
        return EventView(history, None, f"事项清单中没有编码为“{code}”的事项，请先同步", ())
    if history.event.deleted:
        return EventView(history, status, "", ())
    category = catalog.categories.get(history.event.category_code)
    listing = repos.catalog.load_departments()
    allowed = tuple(
        allowed_actions(
            fold(history.actions),
            role,
            category=category,
            department=listing.mine if role is Role.DEPARTMENT else None,
            departments=listing.codes(),
            staffed=listing.staffed_codes(),
        )
    )
    return EventView(history, status, "", allowed)


def dispatch_targets(repos: Repositories, grid_id: str) -> list[Department]:
    """The departments an event of ``grid_id`` may be dispatched to: the active ones of
    its township (and those of every township), as the server's list says."""
    chain: list[str] = []
    current: str | None = grid_id
    while current is not None and current not in chain and len(chain) < 16:
        chain.append(current)
        current = repos.session.execute(
            select(AreaRow.parent_id).where(AreaRow.id == current)
        ).scalar_one_or_none()
    listing = repos.catalog.load_departments()
    return [d for d in listing.departments if d.active and (d.township_id in (None, *chain))]


def own_department(repos: Repositories) -> str | None:
    """This laptop's department (a department account's, from the department list the
    server sent; None before the first sync)."""
    return repos.catalog.load_departments().mine


def append_action(
    uow: UnitOfWork, action: EventAction, photos_ids: tuple[str, ...] = ()
) -> EventAction:
    """Check ``action`` against the stored history (the rules the server applies, by the
    catalog this laptop holds), then append it, dated now."""
    history = uow.repos.records.event_history(action.event_id)
    if history is None or history.event.deleted:
        raise IllegalTransition("state", "该事件已不存在，无法办理")
    stored = dataclasses.replace(action, at=uow.now(), attachments=photos_ids)
    listing = uow.repos.catalog.load_departments()
    check_action(
        history.event,
        history.actions,
        stored,
        uow.repos.catalog.load(),
        department=listing.mine if action.actor_role is Role.DEPARTMENT else None,
        departments=listing.codes(),
        staffed=listing.staffed_codes(),
    )
    uow.append(stored)
    return stored
