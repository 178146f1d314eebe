"""Seeds: ready-made stores offered for a first download (``GET /sync/seed``).

A county or township office's first pull would bring millions of rows one by one; a
*seed* is the same data already in the client's store format, made by a headless client
on the server host (``gridclient seed``), which writes ``<generation>.gcseed`` and then,
last, ``<generation>.json`` (a ``SeedOffer``) into the directory ``--seeds-dir`` names.
The server only reads that directory: it offers the newest seed whose pull cursor was
issued for the caller's own scope (the cursor carries its scope tag, so a seed made by
another role, area or department is never offered), and serves its bytes with ranges.
See docs/first-download.md.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from gridcore.protocol import SeedOffer
from gridserver.errors import ApiError
from gridserver.feed import decode_cursor, scope_tag
from gridserver.scope import Caller

__all__ = ["SEED_SUFFIX", "Seed", "find", "offer"]

log = logging.getLogger(__name__)

SEED_SUFFIX = ".gcseed"


@dataclass(frozen=True, slots=True)
class Seed:
    offer: SeedOffer
    path: Path


def _read(manifest: Path) -> SeedOffer | None:
    try:
        return SeedOffer.model_validate_json(manifest.read_bytes())
    except (OSError, ValidationError, ValueError) as exc:
        log.warning("seed manifest %s ignored: %s", manifest.name, type(exc).__name__)
        return None


def _scope_of(cursor: str, caller: Caller) -> bool:
    """Whether ``cursor`` was issued in ``caller``'s scope."""
    try:
        return decode_cursor(cursor, caller).scope == scope_tag(caller)
    except ApiError:
        return False


def find(seeds_dir: str, caller: Caller, generation: str | None = None) -> Seed | None:
    """The newest complete seed of the caller's scope (or the named ``generation``, if it
    is one of the caller's scope): its manifest valid, its file there at its size."""
    if not seeds_dir:
        return None
    folder = Path(seeds_dir)
    try:
        manifests = sorted(folder.glob("*.json"))
    except OSError:
        return None
    best: Seed | None = None
    for manifest in manifests:
        offer = _read(manifest)
        if offer is None or manifest.stem != offer.generation:
            continue
        if generation is not None and offer.generation != generation:
            continue
        if not _scope_of(offer.cursor, caller):
            continue
        path = folder / f"{offer.generation}{SEED_SUFFIX}"
        try:
            if path.stat().st_size != offer.size:
                continue
        except OSError:
            continue
        if best is None or offer.made_at > best.offer.made_at:
            best = Seed(offer, path)
    return best


def offer(seeds_dir: str, caller: Caller) -> SeedOffer:
    found = find(seeds_dir, caller)
    if found is None:
        raise ApiError(404, "no_seed", "没有适用于您管辖范围的初始数据包，将逐条下载")
    return found.offer
