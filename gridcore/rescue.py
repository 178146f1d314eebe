"""The rescue file: the unsent changes of a store (typically one that was found damaged
and moved aside), sealed so that only someone with the rescue password can read them,
in a form the server ingests as a push (``gridserver ingest-rescue``).

Format: one JSON document. Its header (format, version, user, server, device, counts,
the Argon2id parameters and salt) is the AES-256-GCM associated data; the ciphertext is
the JSON list of the ops in wire form (:class:`~gridcore.protocol.Op`). The ops
keep their ``op_id``: ingesting the same file twice, or ops the device had in fact
already pushed, changes nothing (the server deduplicates by op id).
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import TypeAdapter, ValidationError

from gridcore.protocol import Op

__all__ = ["MIN_PASSWORD", "Rescue", "RescueFileError", "open_rescue", "seal_rescue"]

FORMAT: Final = "gridclient-rescue"
VERSION: Final = 1
MIN_PASSWORD: Final = 8
#: Argon2id cost: the same order as a store's key file (about a second).
_TIME_COST: Final = 3
_MEMORY_KIB: Final = 64 * 1024
_OPS: Final = TypeAdapter(list[Op])


class RescueFileError(ValueError):
    """The file is not a rescue file, is damaged, or the password is wrong (Chinese)."""


@dataclass(frozen=True, slots=True)
class Rescue:
    username: str
    server_url: str
    device_id: str
    created_at: datetime
    client_version: str
    source: str
    """The store file the ops were read from (its name only)."""
    ops: list[Op]
    unreadable: int = 0
    """Outbox rows that could not be read (damaged pages)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _key(password: str, salt: bytes, time_cost: int, memory_kib: int) -> bytes:
    return hash_secret_raw(
        secret=unicodedata.normalize("NFC", password).encode(),
        salt=salt,
        time_cost=time_cost,
        memory_cost=memory_kib,
        parallelism=1,
        hash_len=32,
        type=Type.ID,
    )


def _aad(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def seal_rescue(rescue: Rescue, password: str) -> bytes:
    if len(password) < MIN_PASSWORD:
        raise RescueFileError(f"导出密码至少 {MIN_PASSWORD} 位")
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    header: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "user": rescue.username,
        "server": rescue.server_url,
        "device_id": rescue.device_id,
        "created_at": rescue.created_at.isoformat(),
        "client_version": rescue.client_version,
        "source": rescue.source,
        "ops": len(rescue.ops),
        "unreadable": rescue.unreadable,
        "kdf": {"name": "argon2id", "time_cost": _TIME_COST, "memory_cost": _MEMORY_KIB},
        "salt": _b64(salt),
        "nonce": _b64(nonce),
    }
    plain = _OPS.dump_json(rescue.ops)
    sealed = AESGCM(_key(password, salt, _TIME_COST, _MEMORY_KIB)).encrypt(
        nonce, plain, _aad(header)
    )
    document = {**header, "ciphertext": _b64(sealed)}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode()


def open_rescue(data: bytes, password: str) -> Rescue:
    """The rescue in ``data``; :class:`RescueFileError` for anything wrong."""
    try:
        document = json.loads(data.decode("utf-8"))
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise RescueFileError("不是网格通导出的救援文件")
        if document.get("version") != VERSION:
            raise RescueFileError(f"救援文件版本 {document.get('version')} 不受支持")
        sealed = base64.b64decode(document.pop("ciphertext"), validate=True)
        kdf = document["kdf"]
        key = _key(
            password,
            base64.b64decode(document["salt"], validate=True),
            int(kdf["time_cost"]),
            int(kdf["memory_cost"]),
        )
        nonce = base64.b64decode(document["nonce"], validate=True)
    except RescueFileError:
        raise
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise RescueFileError(f"救援文件已损坏：{type(exc).__name__}") from None
    try:
        plain = AESGCM(key).decrypt(nonce, sealed, _aad(document))
    except InvalidTag:
        raise RescueFileError("导出密码错误，或救援文件被改动过") from None
    try:
        ops = _OPS.validate_json(plain)
    except ValidationError as exc:
        raise RescueFileError(f"救援文件中的修改无法识别：{exc.error_count()} 处错误") from None
    return Rescue(
        username=str(document["user"]),
        server_url=str(document["server"]),
        device_id=str(document["device_id"]),
        created_at=datetime.fromisoformat(str(document["created_at"])),
        client_version=str(document["client_version"]),
        source=str(document["source"]),
        ops=ops,
        unreadable=int(document["unreadable"]),
    )
