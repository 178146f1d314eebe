"""Edges of the engine and the login flow against a real server: attachments, a page
and its cursor in one transaction, cancel, a too-old client, offline login, logout and
a disabled account."""

from __future__ import annotations

import hashlib
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from gridclient.demo.embedded import ServerExtraMissing, start_embedded
from gridclient.storage.errors import WrongPassword
from gridclient.storage.repositories import SyncStateRepository
from gridclient.storage.syncmeta import SyncKey
from gridclient.sync.credentials import MemoryTokenStore
from gridclient.sync.errors import AccountDisabled, Cancelled, ClientTooOld
from gridclient.sync.session import ensure_online, log_in, log_in_offline
from gridcore.domain.entities import Attachment, Event, EventAction
from gridcore.domain.enums import EntityKind, EventActionKind, Ledger, Role, Urgency
from gridserver import auth
from gridserver.db import attachment_blobs
from gridserver.embedded import EmbeddedServer
from tests.integration.sync.conftest import (
    FAST_ARGON2,
    PASSWORD,
    USERS,
    Laptop,
    World,
    now,
    server_snapshot,
)


def test_attachments_are_uploaded_once_before_their_ops(
    world: World, laptops: dict[str, Laptop]
) -> None:
    w1, t1 = laptops["w1"], laptops["t1"]
    blob = b"\x89PNG fake photo bytes" * 100
    sha = hashlib.sha256(blob).hexdigest()
    with w1.store.unit_of_work(actor="w1") as uow:
        uow.append(
            Attachment(id=sha, mime="image/png", size=len(blob), created_at=now()), blob=blob
        )
    report = w1.sync()
    assert report.ok, report.errors
    assert report.uploaded == 1 and report.applied == 1
    with world.server.db.engine.connect() as connection:
        stored = connection.execute(select(attachment_blobs.c.sha256)).scalars().all()
    assert sha in stored
    assert t1.sync().ok
    assert t1.get(EntityKind.ATTACHMENT, sha) is not None
    other = Laptop(w1.session.store.path.parent.parent.parent / "again", world.url, "w1")
    with other.store.unit_of_work(actor="w1") as uow:
        uow.append(
            Attachment(id=sha, mime="image/png", size=len(blob), created_at=now()), blob=blob
        )
    assert other.sync().uploaded == 0  # the server already has the bytes (HEAD)
    other.close()


def test_a_failing_page_leaves_neither_its_rows_nor_its_cursor(
    world: World, laptops: dict[str, Laptop], monkeypatch: pytest.MonkeyPatch
) -> None:
    w1, t1 = laptops["w1"], laptops["t1"]
    household = t1.new_household(world.areas["G1"])
    assert t1.sync().ok
    real_set = SyncStateRepository.set

    def failing_set(self: SyncStateRepository, key: SyncKey, value: object) -> None:
        real_set(self, key, value)  # type: ignore[arg-type]
        if key is SyncKey.PULL_CURSOR:
            raise OSError("disk vanished just before the commit")

    monkeypatch.setattr(SyncStateRepository, "set", failing_set)
    with pytest.raises(OSError):
        w1.sync()
    monkeypatch.undo()
    assert w1.get(EntityKind.HOUSEHOLD, household.id) is None
    with w1.store.read() as repos:
        assert repos.sync_state.get(SyncKey.PULL_CURSOR) is None
    assert w1.sync().ok
    assert w1.get(EntityKind.HOUSEHOLD, household.id) is not None


def test_cancel_stops_between_pages_with_whole_pages_applied(
    world: World, laptops: dict[str, Laptop], monkeypatch: pytest.MonkeyPatch
) -> None:
    from gridclient.sync import engine as engine_module

    # One page per transaction, so the cancel (set when the first group reports) lands
    # after the first page; a first pull's long groups are tested with a cancel from
    # another thread in tests/unit/sync/test_engine_prefetch.py.
    monkeypatch.setattr(engine_module, "FIRST_GROUP_SECONDS", 0.0)
    t1, w1 = laptops["t1"], laptops["w1"]
    for i in range(30):
        t1.new_household(world.areas["G1"], address=f"路{i}号")
    assert t1.sync().ok
    cancel = threading.Event()
    pages: list[int] = []

    def progress(phase: str, done: int, _total: int) -> None:
        if phase == "pull":
            pages.append(done)
            cancel.set()

    engine = w1.engine(cancel=cancel, progress=progress)
    engine.page_size = 7
    with pytest.raises(Cancelled):
        engine.run()
    assert len(pages) == 1
    with w1.store.read() as repos:
        households = repos.records.counts()[EntityKind.HOUSEHOLD]
        cursor = repos.sync_state.get(SyncKey.PULL_CURSOR)
    assert cursor and 0 < households < 30
    assert w1.sync().ok
    with w1.store.read() as repos:
        assert repos.records.counts()[EntityKind.HOUSEHOLD] == 30


def test_a_too_old_client_may_push_but_not_pull(tmp_path: Path) -> None:
    with EmbeddedServer.start(
        tmp_path / "old.sqlite3", argon2=FAST_ARGON2, min_client_version="99.0"
    ) as server:
        world = World(server)
        from gridserver import admin
        from tests.integration.sync.conftest import AREAS

        for short, code, name, level, parent in AREAS:
            world.areas[short] = admin.add_area(server.db, code, name, level, parent)
        auth.add_user(
            server.db, server.settings, auth.NewUser("w1", Role.WORKER, USERS[0][2]), PASSWORD
        )
        laptop = Laptop(tmp_path / "c", server.url, "w1")
        household = laptop.new_household(world.areas["G1"])
        report = laptop.sync()
        assert report.pushed == 1 and report.applied == 1
        assert report.pull_refused and not report.ok
        assert isinstance(report.errors[0], ClientTooOld)
        assert "升级" in report.summary_zh()
        assert (EntityKind.HOUSEHOLD.value, household.id) in server_snapshot(world)
        with laptop.store.read() as repos:
            assert repos.sync_state.last_sync_at() is None
        laptop.close()


def test_illegal_event_action_is_parked_and_the_rest_syncs(
    world: World, laptops: dict[str, Laptop]
) -> None:
    w1 = laptops["w1"]
    event = Event(
        grid_id=world.areas["G1"],
        category_code="D001",
        ledger=Ledger.APPEAL,
        urgency=Urgency.NORMAL,
        title="邻里噪音纠纷",
        reporter="w1",
        reported_at=now(),
    )
    with w1.store.unit_of_work(actor="w1") as uow:
        uow.append(event)
        # "verify" cannot start an event: illegal on the server.
        uow.append(
            EventAction(
                event_id=event.id,
                kind=EventActionKind.VERIFY,
                actor="w1",
                actor_role=Role.WORKER,
                at=now(),
            )
        )
    household = w1.new_household(world.areas["G1"])
    report = w1.sync()
    assert report.rejected == 1 and report.applied == 2 and not report.ok
    with w1.store.read() as repos:
        [parked] = repos.outbox.rejected()
    assert parked.entity is EntityKind.EVENT_ACTION and parked.reason == "illegal_transition"
    assert (EntityKind.HOUSEHOLD.value, household.id) in server_snapshot(world)


def test_login_offline_logout_and_disabled_account(world: World, tmp_path: Path) -> None:
    tokens = MemoryTokenStore()
    data = tmp_path / "d"
    first = log_in(data, world.url, "w1", PASSWORD, tokens)
    assert first.online and first.profile is not None
    assert first.profile.role is Role.WORKER and first.profile.scope.grids
    assert tokens.get(world.url, "w1")
    first.close()
    with pytest.raises(WrongPassword):
        log_in_offline(data, world.url, "w1", "wrong password", tokens)
    offline = log_in_offline(data, world.url, "W1 ", PASSWORD, tokens)  # same user
    assert not offline.online and offline.transport.has_session
    assert offline.profile == first.profile
    offline.log_out()
    assert tokens.get(world.url, "w1") is None
    auth.disable_user(world.server.db, "w1")
    with pytest.raises(AccountDisabled):
        log_in(data, world.url, "w1", PASSWORD, tokens)
    assert (data / "stores").exists()  # the existing store stays for the next person
    with pytest.raises(AccountDisabled):
        log_in(tmp_path / "fresh", world.url, "w1", PASSWORD, tokens)
    assert not list((tmp_path / "fresh" / "stores").glob("*"))  # nothing left behind


def test_offline_start_without_a_token_logs_in_before_syncing(world: World, tmp_path: Path) -> None:
    tokens = MemoryTokenStore()
    data = tmp_path / "d"
    log_in(data, world.url, "w2", PASSWORD, tokens).log_out()  # no token kept
    session = log_in_offline(data, world.url, "w2", PASSWORD, tokens)
    assert not session.transport.has_session and not session.online
    assert session.profile is not None  # kept from the online login, for offline starts
    ensure_online(session, PASSWORD)
    assert session.online and session.transport.has_session
    assert session.profile.scope.grids[0].id == world.areas["G2"]
    assert tokens.get(world.url, "w2")
    session.close()


def test_a_missing_server_extra_is_said_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn → ImportError
    with pytest.raises(ServerExtraMissing) as caught:
        start_embedded("sqlite://")
    assert "gridclient[server]" in str(caught.value) and caught.value.missing == "uvicorn"
