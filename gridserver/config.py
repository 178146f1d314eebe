"""Server settings: defaults, overridden by ``GRIDSERVER_*`` environment variables and
then by command-line options."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import platformdirs

ENV_DATABASE_URL = "GRIDSERVER_DATABASE_URL"
ENV_SEEDS_DIR = "GRIDSERVER_SEEDS_DIR"


def default_database_url() -> str:
    data_dir = Path(platformdirs.user_data_dir("gridserver", appauthor=False))
    return f"sqlite:///{data_dir / 'gridserver.sqlite3'}"


@dataclass(frozen=True, slots=True)
class Argon2Params:
    """OWASP's second recommended setting (19 MiB, 2 passes): affordable for a burst of
    logins from hundreds of devices without letting a stolen table be cracked cheaply."""

    time_cost: int = 2
    memory_cost: int = 19 * 1024
    parallelism: int = 1


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = field(default_factory=default_database_url)
    access_ttl_seconds: int = 3600
    refresh_ttl_seconds: int = 30 * 24 * 3600
    push_max_bytes: int = 8 * 1024 * 1024
    attachment_max_bytes: int = 20 * 1024 * 1024
    small_body_max_bytes: int = 64 * 1024
    """Login and refresh bodies are tiny; anything bigger is abuse."""
    pull_default_limit: int = 500
    pull_max_limit: int = 2000
    min_client_version: str = "0.1.0"
    db_concurrency: int = 8
    """Requests doing database work at once per process (the rest wait their turn)."""
    login_free_attempts_per_user: int = 5
    """Failed logins to one account from devices it never logged in from, before each
    further attempt waits (exponential backoff). A device the account has logged in
    from has its own allowance, so a stranger cannot keep the owner out."""
    login_free_attempts_per_device: int = 5
    """Failed logins to one account from one device it has logged in from before."""
    login_free_attempts_per_address: int = 30
    """Failed logins from one client address (whatever the account)."""
    login_backoff_base_seconds: float = 2.0
    """The wait after the first attempt beyond an allowance; it doubles with each one."""
    login_backoff_max_seconds: float = 300.0
    """The longest wait for an account (or an account on one device)."""
    login_backoff_max_seconds_address: float = 3600.0
    """The longest wait for an address."""
    login_forget_seconds: int = 24 * 3600
    """Failures older than this no longer count."""
    trusted_proxies: tuple[str, ...] = ()
    """Addresses or networks (CIDR) of reverse proxies whose ``X-Forwarded-For`` is
    believed; from nobody else, loopback included."""
    argon2: Argon2Params = field(default_factory=Argon2Params)
    seeds_dir: str = ""
    """Where ``gridclient seed`` writes the seeds (ready-made stores) this server offers
    for a first download (:mod:`gridserver.seeds`); empty: none offered."""

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        env = dict(os.environ if environ is None else environ)
        settings = cls()
        values: dict[str, object] = {}
        if env.get(ENV_DATABASE_URL):
            values["database_url"] = env[ENV_DATABASE_URL]
        ints = {
            "GRIDSERVER_ACCESS_TTL": "access_ttl_seconds",
            "GRIDSERVER_REFRESH_TTL": "refresh_ttl_seconds",
            "GRIDSERVER_PUSH_MAX_BYTES": "push_max_bytes",
            "GRIDSERVER_ATTACHMENT_MAX_BYTES": "attachment_max_bytes",
            "GRIDSERVER_DB_CONCURRENCY": "db_concurrency",
        }
        for name, attr in ints.items():
            if env.get(name):
                values[attr] = int(env[name])
        if env.get("GRIDSERVER_TRUSTED_PROXIES"):
            values["trusted_proxies"] = tuple(
                part.strip()
                for part in env["GRIDSERVER_TRUSTED_PROXIES"].split(",")
                if part.strip()
            )
        if env.get(ENV_SEEDS_DIR):
            values["seeds_dir"] = env[ENV_SEEDS_DIR]
        if env.get("GRIDSERVER_MIN_CLIENT_VERSION"):
            values["min_client_version"] = env["GRIDSERVER_MIN_CLIENT_VERSION"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(settings, **values)  # type: ignore[arg-type]


def parse_version(text: str) -> tuple[int, ...]:
    """``"1.2.3"`` → ``(1, 2, 3)``, trailing zeros dropped (``"0.2"`` == ``"0.2.0"``); a
    pre-release or local part (``0.3.0rc1``, ``0.3.0.dev2+g1a2b``) counts as the release
    before it (``(0, 2, …)``-sized: it sorts below ``0.3.0``). Anything unparsable sorts
    before every release."""
    match = re.match(r"\s*(\d+(?:\.\d+)*)(.*)$", text or "")
    if match is None:
        return (-1,)
    numbers = [int(part) for part in match.group(1).split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    if match.group(2).strip():  # rc/dev/+local: just below the release it leads to
        return (*numbers[:-1], numbers[-1] - 1, 2**31) if numbers[-1] > 0 else (*numbers, -1)
    return tuple(numbers)
