"""Passwords change without losing work, lost devices, logout (issue 12, Deliver 4 and 5),
across a real server (uvicorn on loopback) and a client data directory.

Before: after ``gridserver``'s administrator set a new password, the new one failed with
"密码错误，无法打开本机数据" (the store was opened before the server was asked), the old
one kept unlocking offline forever and pending work was stranded."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from gridclient.storage import keys
from gridclient.storage.errors import WrongPassword
from gridclient.storage.keys import key_file_for
from gridclient.storage.store import store_path
from gridclient.sync import session as client_session
from gridclient.sync.credentials import MemoryTokenStore
from gridclient.sync.engine import SyncEngine
from gridclient.sync.errors import (
    AuthError,
    DeviceLost,
    PasswordChangeRequired,
    RejectedRequest,
)
from gridclient.sync.session import ensure_online, log_in_offline
from gridclient.sync.transport import Transport
from gridcore.domain.enums import EntityKind
from gridserver import auth
from gridserver.db import tokens as server_tokens
from tests.integration.sync.conftest import PASSWORD, World, server_snapshot
from tests.unit.storage.factories import CHEAP_KDF

TEMPORARY = "temporary 2026"
# Stores these tests create seal their key cheaply: they test which password opens what,
# not the KDF's cost (tests/unit/storage/test_keys.py).
log_in = functools.partial(client_session.log_in, kdf=CHEAP_KDF)
MINE = "my own 2026"


def _pending_household(session: object, world: World) -> str:
    from gridcore.domain.entities import Household

    household = Household(grid_id=world.areas["G1"], address="待上传路1号")
    with session.store.unit_of_work(actor="w1") as uow:  # type: ignore[attr-defined]
        uow.create(household)
    return household.id


def _fake_backup(path: Path) -> Path:
    """A migration backup's key file (a copy wrapped under the password of its time)."""
    backups = path.parent / "backups"
    backups.mkdir(exist_ok=True)
    copy = backups / f"{path.stem}.rev-x.20260101T000000Z.db.key"
    shutil.copy2(key_file_for(path), copy)
    return copy


def test_admin_reset_then_new_password_opens_the_laptop_and_keeps_pending_work(
    world: World, tmp_path: Path
) -> None:
    tokens = MemoryTokenStore()
    data = tmp_path / "laptop"
    session = log_in(data, world.url, "w1", PASSWORD, tokens)
    path = session.store.path
    device = session.store.device_id
    assert keys.recovery_device(key_file_for(path)) == device  # set up at the first login
    [info] = auth.list_devices(world.server.db, "w1")
    assert info.device_id == device and info.has_key_share
    pending = _pending_household(session, world)
    session.close()  # not synced: the work is pending on this laptop
    backup_key = _fake_backup(path)

    auth.set_password(world.server.db, world.server.settings, "w1", TEMPORARY)

    with pytest.raises(AuthError):  # neither the laptop nor the server knows this one
        log_in(data, world.url, "w1", "nonsense 123", tokens)
    with pytest.raises(PasswordChangeRequired):  # the UI then asks for a new password
        log_in(data, world.url, "w1", TEMPORARY, tokens)
    session = log_in(data, world.url, "w1", TEMPORARY, tokens, new_password=MINE)
    assert session.online and session.store.device_id == device
    with session.store.read() as repos:
        assert repos.records.get_kind(EntityKind.HOUSEHOLD, pending) is not None
    report = SyncEngine(session.store, session.transport).run()
    assert report.ok and report.pushed == 1
    assert (EntityKind.HOUSEHOLD.value, pending) in server_snapshot(world)
    session.close()

    # From now on only the new password opens the laptop, offline too, backups included.
    for old in (PASSWORD, TEMPORARY):
        with pytest.raises(WrongPassword):
            log_in_offline(data, world.url, "w1", old, tokens)
        with pytest.raises(WrongPassword):
            keys.unlock(backup_key, old)
    assert len(keys.unlock(backup_key, MINE)) == 32
    log_in_offline(data, world.url, "w1", MINE, tokens).close()
    with pytest.raises(AuthError):
        log_in(data, world.url, "w1", PASSWORD, tokens)
    log_in(data, world.url, "w1", MINE, tokens).close()


def test_password_changed_elsewhere_after_an_offline_start(world: World, tmp_path: Path) -> None:
    """The laptop was unlocked offline with the old password; the new one, typed when the
    server asks again, re-seals the store."""
    tokens = MemoryTokenStore()
    data = tmp_path / "laptop"
    log_in(data, world.url, "w1", PASSWORD, tokens).log_out()
    auth.set_password(world.server.db, world.server.settings, "w1", MINE, force_change=False)
    session = log_in_offline(data, world.url, "w1", PASSWORD, tokens)  # still offline
    pending = _pending_household(session, world)
    ensure_online(session, MINE)
    report = SyncEngine(session.store, session.transport).run()
    assert report.ok and (EntityKind.HOUSEHOLD.value, pending) in server_snapshot(world)
    session.close()
    with pytest.raises(WrongPassword):
        log_in_offline(data, world.url, "w1", PASSWORD, tokens)
    log_in_offline(data, world.url, "w1", MINE, tokens).close()


def test_a_first_login_after_a_reset_on_a_new_laptop(world: World, tmp_path: Path) -> None:
    auth.set_password(world.server.db, world.server.settings, "w2", TEMPORARY)
    tokens = MemoryTokenStore()
    data = tmp_path / "new"
    with pytest.raises(PasswordChangeRequired):
        log_in(data, world.url, "w2", TEMPORARY, tokens)
    assert not list((data / "stores").glob("*.db"))
    session = log_in(data, world.url, "w2", TEMPORARY, tokens, new_password=MINE)
    session.close()
    log_in_offline(data, world.url, "w2", MINE, tokens).close()
    with pytest.raises(WrongPassword):
        log_in_offline(data, world.url, "w2", TEMPORARY, tokens)


def test_a_stolen_keyring_token_does_not_release_the_key_share(
    world: World, tmp_path: Path
) -> None:
    tokens = MemoryTokenStore()
    session = log_in(tmp_path / "laptop", world.url, "w1", PASSWORD, tokens)
    device = session.store.device_id
    session.close()
    thief = Transport(world.url)
    stolen = tokens.get(world.url, "w1")
    assert stolen is not None
    thief.resume(stolen, device)
    thief.refresh()
    with pytest.raises(RejectedRequest) as refused:
        thief.get_device_key()
    assert refused.value.code == "password_login_required"
    thief.close()


def test_a_lost_device_pushes_nothing_and_wipes_its_store(world: World, tmp_path: Path) -> None:
    tokens = MemoryTokenStore()
    data = tmp_path / "laptop"
    session = log_in(data, world.url, "w1", PASSWORD, tokens)
    path = session.store.path
    backup_key = _fake_backup(path)
    pending = _pending_household(session, world)
    auth.mark_device_lost(world.server.db, "w1", session.store.device_id)
    report = SyncEngine(session.store, session.transport).run()
    assert any(isinstance(e, DeviceLost) for e in report.errors)
    assert report.pushed == 0
    assert (EntityKind.HOUSEHOLD.value, pending) not in server_snapshot(world)
    session.wipe()
    assert not path.exists() and not key_file_for(path).exists()
    assert not backup_key.exists()
    assert tokens.get(world.url, "w1") is None


def test_a_lost_device_is_wiped_at_its_next_login(world: World, tmp_path: Path) -> None:
    tokens = MemoryTokenStore()
    data = tmp_path / "laptop"
    session = log_in(data, world.url, "w1", PASSWORD, tokens)
    device, path = session.store.device_id, session.store.path
    session.close()
    auth.mark_device_lost(world.server.db, "w1", device)
    with pytest.raises(DeviceLost):
        log_in(data, world.url, "w1", PASSWORD, tokens)
    assert not path.exists() and not key_file_for(path).exists()
    assert path == store_path(data, world.url, "w1")


def test_logout_revokes_the_refresh_token_on_the_server(world: World, tmp_path: Path) -> None:
    tokens = MemoryTokenStore()
    session = log_in(tmp_path / "laptop", world.url, "w1", PASSWORD, tokens)
    device = session.store.device_id
    session.log_out()
    with world.server.db.engine.connect() as conn:
        alive = conn.execute(
            select(server_tokens.c.kind).where(
                server_tokens.c.device_id == device, server_tokens.c.revoked_at.is_(None)
            )
        ).all()
    assert alive == []
    assert tokens.get(world.url, "w1") is None


def _strip_recovery(path: Path) -> None:
    """Make the store look like one created before the recovery wrap existed."""
    import json

    key_path = key_file_for(path)
    document = json.loads(key_path.read_text(encoding="utf-8"))
    document.pop("recovery")
    key_path.write_text(json.dumps(document), encoding="utf-8")


def test_an_older_store_asks_once_for_the_previous_password(world: World, tmp_path: Path) -> None:
    """A store from before the key share (no recovery wrap): the new password alone
    cannot open it, so the previous one is asked for once; then the store follows the
    new password, gains its recovery wrap, and the old one no longer opens it."""
    from gridclient.storage.errors import PreviousPasswordNeeded

    tokens = MemoryTokenStore()
    data = tmp_path / "laptop"
    session = log_in(data, world.url, "w1", PASSWORD, tokens)
    path = session.store.path
    pending = _pending_household(session, world)
    session.close()
    _strip_recovery(path)
    auth.set_password(world.server.db, world.server.settings, "w1", TEMPORARY)

    with pytest.raises(PreviousPasswordNeeded):
        log_in(data, world.url, "w1", TEMPORARY, tokens)
    with pytest.raises(WrongPassword):
        log_in(data, world.url, "w1", TEMPORARY, tokens, previous_password="not it 123")
    with pytest.raises(PasswordChangeRequired):
        log_in(data, world.url, "w1", TEMPORARY, tokens, previous_password=PASSWORD)
    session = log_in(
        data, world.url, "w1", TEMPORARY, tokens, previous_password=PASSWORD, new_password=MINE
    )
    assert keys.recovery_device(key_file_for(path)) == session.store.device_id
    report = SyncEngine(session.store, session.transport).run()
    assert report.ok and (EntityKind.HOUSEHOLD.value, pending) in server_snapshot(world)
    session.close()
    with pytest.raises(WrongPassword):
        log_in_offline(data, world.url, "w1", PASSWORD, tokens)
    log_in_offline(data, world.url, "w1", MINE, tokens).close()


def test_a_share_the_server_lost_is_made_again(world: World, tmp_path: Path) -> None:
    """The server's database came back from a backup without this device's share: the
    previous password is asked for once, then a new share is set up, so the next reset
    needs nothing but the new password again."""
    from sqlalchemy import update

    from gridclient.storage.errors import PreviousPasswordNeeded
    from gridserver.db import devices

    tokens = MemoryTokenStore()
    data = tmp_path / "laptop"
    log_in(data, world.url, "w1", PASSWORD, tokens).close()
    with world.server.db.write() as conn:
        conn.execute(update(devices).values(key_share=None))
    settings = world.server.settings
    auth.set_password(world.server.db, settings, "w1", MINE, force_change=False)
    with pytest.raises(PreviousPasswordNeeded):
        log_in(data, world.url, "w1", MINE, tokens)
    log_in(data, world.url, "w1", MINE, tokens, previous_password=PASSWORD).close()
    [device] = auth.list_devices(world.server.db, "w1")
    assert device.has_key_share
    auth.set_password(world.server.db, settings, "w1", "third one 2026", force_change=False)
    log_in(data, world.url, "w1", "third one 2026", tokens).close()
    with pytest.raises(WrongPassword):
        log_in_offline(data, world.url, "w1", MINE, tokens)


def test_the_command_line_sync_of_a_lost_device_wipes_it(
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from gridclient.__main__ import main

    data = tmp_path / "laptop"
    monkeypatch.setenv("GRIDCLIENT_PASSWORD", PASSWORD)
    argv = ["sync", "--server", world.url, "--user", "w1", "--data-dir", str(data)]
    assert main(argv) == 0
    [device] = auth.list_devices(world.server.db, "w1")
    auth.mark_device_lost(world.server.db, "w1", device.device_id)
    capsys.readouterr()
    assert main(argv) == 2
    assert "丢失" in capsys.readouterr().err
    assert not list((data / "stores").glob("*.db*"))
