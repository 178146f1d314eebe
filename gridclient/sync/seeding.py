"""A first download from a seed instead of rows (docs/first-download.md).

Before the first pull of an empty store the sync engine asks the server for a seed of
the user's scope (:meth:`Transport.seed_offer`). If there is one made by this client's
schema, it is downloaded beside the store (``<store>.seed-<generation>``, resumed with a
range request after a lost network or a kill), checked against its SHA-256 and copied
into the store with its cursor in one transaction (:func:`gridclient.storage.seed.adopt`);
the pull then goes on from that cursor. Whatever keeps a seed from being used (none
offered, another schema, a bad checksum, a file the store refuses) leaves the store as
it was and the pull fetches rows as before; only a network failure or a cancel ends the
run, keeping what was downloaded for the next one.
"""

from __future__ import annotations

import errno
import logging
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path

from gridclient.storage import seed
from gridclient.storage.errors import DiskFull
from gridclient.storage.store import Store, schema_head
from gridclient.storage.syncmeta import SyncKey
from gridclient.sync.errors import Cancelled, NetworkError
from gridclient.sync.transport import Transport
from gridcore.messages import Catalog
from gridcore.protocol import SeedOffer

__all__ = ["DOWNLOAD_ATTEMPTS", "first_download", "seed_files"]

log = logging.getLogger(__name__)

_msg = Catalog(__name__, {"download the initial data package": "下载初始数据包"})  # DiskFull

DOWNLOAD_ATTEMPTS = 3
"""Broken downloads resumed within one run before the run gives up (keeping the part)."""

SeedProgress = Callable[[str, int, int], None]
"""``(step, done, total)``: ``"download"`` in bytes, then ``"copy"`` (0 of 0: busy)."""


def seed_files(store_file: Path) -> list[Path]:
    """Seed downloads (whole or in part) lying beside the store."""
    return sorted(store_file.parent.glob(f"{store_file.name}.seed-*"))


def first_download(
    store: Store,
    transport: Transport,
    *,
    cancel: threading.Event,
    progress: SeedProgress | None = None,
) -> seed.Adopted | None:
    """The seed adopted into ``store``, or ``None`` when the pull should fetch rows."""
    if not seed.adoptable(store.engine):
        return None
    offer = transport.seed_offer(cancel=cancel)
    if offer is None:
        return None
    if offer.revision != schema_head():
        log.info("seed %s: schema %s, not ours: rows instead", offer.generation, offer.revision)
        return None
    target = store.path.with_name(f"{store.path.name}.seed-{offer.generation}")
    for old in seed_files(store.path):
        if old != target:  # an older generation's download: that seed is gone
            old.unlink(missing_ok=True)
    if not _download(transport, offer, target, cancel, progress):
        return None
    if seed.file_sha256(target) != offer.sha256:
        log.warning("seed %s does not match its SHA-256: rows instead", offer.generation)
        target.unlink(missing_ok=True)
        return None
    if progress is not None:
        progress("copy", 0, 0)
    with store.read() as repos:
        username = repos.sync_state.get(SyncKey.USERNAME)
    adopt = partial(
        seed.adopt,
        store.engine,
        target,
        bytes.fromhex(offer.key),
        username=username if isinstance(username, str) else "",
        cancel=cancel,
    )
    try:
        adopted = store.writer.run(adopt)
    except seed.SeedRefused as exc:
        if cancel.is_set():  # the file stays for the next run
            raise Cancelled(detail="seed copy cancelled") from None
        log.warning("seed %s refused (%s): rows instead", offer.generation, exc)
        target.unlink(missing_ok=True)
        return None
    target.unlink(missing_ok=True)
    log.info("first download from seed %s: %d records", offer.generation, adopted.records)
    return adopted


def _download(
    transport: Transport,
    offer: SeedOffer,
    target: Path,
    cancel: threading.Event,
    progress: SeedProgress | None,
) -> bool:
    def bytes_done(done: int) -> None:
        if progress is not None:
            progress("download", done, offer.size)

    for attempt in range(1, DOWNLOAD_ATTEMPTS + 1):
        try:
            found = transport.download_seed(offer, target, progress=bytes_done, cancel=cancel)
        except OSError as exc:  # the part so far is kept: the next sync goes on from it
            if exc.errno == errno.ENOSPC:
                raise DiskFull(target.parent, _msg("download the initial data package")) from exc
            raise
        except NetworkError:
            if attempt == DOWNLOAD_ATTEMPTS or cancel.is_set():
                raise
            log.info("seed download broke off; resuming (attempt %d)", attempt + 1)
            continue
        if not found:  # replaced by a newer seed since the offer
            target.unlink(missing_ok=True)
            log.info("seed %s is gone from the server: rows instead", offer.generation)
        return found
    return False  # not reached
