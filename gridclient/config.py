"""Where files live and what IT staff configure.

Settings by kind (STYLE.md §9): user data, logs and backups in the platform's per-user
directories (``platformdirs``), all under ``--data-dir`` when given; IT settings in an
INI file beside the executable or in the machine-wide config directory; secrets only in
the keyring; preferences and window state in QSettings (ui/).
"""

from __future__ import annotations

import configparser
import logging
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import platformdirs

APP_NAME = "GridClient"
INI_NAME = "gridclient.ini"

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Paths:
    data_dir: Path
    log_dir: Path
    backup_dir: Path
    user_config_dir: Path

    @classmethod
    def resolve(cls, data_dir: Path | None = None) -> Paths:
        """Per-user platform directories, or everything under ``data_dir`` (tests and
        portable installs)."""
        if data_dir is not None:
            root = data_dir.expanduser().resolve()
            return cls(root, root / "logs", root / "backups", root)
        dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
        return cls(
            Path(dirs.user_data_dir),
            Path(dirs.user_log_dir),
            Path(dirs.user_data_dir) / "backups",
            Path(dirs.user_config_dir),
        )

    def ensure(self) -> Paths:
        for path in (self.data_dir, self.log_dir, self.backup_dir, self.user_config_dir):
            path.mkdir(parents=True, exist_ok=True)
        return self


@dataclass(frozen=True, slots=True)
class ITSettings:
    """What IT staff set per installation; never secrets."""

    server_url: str = ""
    ca_bundle: str = ""
    proxy: str = ""
    auto_lock_minutes: int = 10
    language: str = "zh_CN"
    log_level: str = "INFO"
    sources: tuple[str, ...] = field(default=(), compare=False)

    @property
    def demo_by_default(self) -> bool:
        """With no server configured the first run is the demo with its embedded server."""
        return not self.server_url


def it_settings_files(paths: Paths) -> list[Path]:
    """Candidate INI files, lowest precedence first: machine-wide
    (``C:\\ProgramData\\GridClient\\gridclient.ini``, ``/etc/xdg/GridClient/…``), beside the
    executable (the installer puts IT's file there), then the user's own (in the user
    config directory, or the ``--data-dir``)."""
    machine = Path(platformdirs.site_config_dir(APP_NAME, appauthor=False)) / INI_NAME
    if getattr(sys, "frozen", False):
        beside = Path(sys.executable).resolve().parent / INI_NAME
    else:
        beside = Path(__file__).resolve().parent.parent / INI_NAME
    return [machine, beside, paths.user_config_dir / INI_NAME]


LANGUAGES = ("zh_CN", "en")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
MAX_AUTO_LOCK_MINUTES = 24 * 60
COMMAND_LINE = "command line"


class BadSetting(ValueError):
    """A setting's value is unusable; the message says why, in Chinese, for IT."""


def _url(value: str, schemes: tuple[str, ...], what: str) -> str:
    parts = urlsplit(value)
    if parts.scheme.lower() not in schemes or not parts.hostname:
        allowed = "、".join(f"{s}://" for s in schemes)
        raise BadSetting(f"{what}应以 {allowed} 开头并包含主机名")
    try:
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        raise BadSetting(f"{what}的端口不是数字") from None
    return value


def _server_url(value: str) -> str:
    return _url(value, ("https", "http"), "服务器地址") if value else ""


def _ca_bundle(value: str) -> str:
    if value and not Path(value).expanduser().is_file():
        raise BadSetting(f"找不到 CA 证书文件：{value}")
    return str(Path(value).expanduser()) if value else ""


def _proxy(value: str) -> str:
    """As the transport takes it: ``host:port`` means ``http://host:port``."""
    if not value:
        return ""
    _url(value if "://" in value else f"http://{value}", ("http", "https"), "代理地址")
    return value


def _auto_lock_minutes(value: str) -> int:
    try:
        minutes = int(value)
    except ValueError:
        raise BadSetting(f"自动锁定分钟数不是整数：{value!r}") from None
    if not 1 <= minutes <= MAX_AUTO_LOCK_MINUTES:
        raise BadSetting(f"自动锁定分钟数应在 1 到 {MAX_AUTO_LOCK_MINUTES} 之间：{minutes}")
    return minutes


def _language(value: str) -> str:
    if value not in LANGUAGES:
        raise BadSetting(f"界面语言应为 {' 或 '.join(LANGUAGES)}：{value!r}")
    return value


def _log_level(value: str) -> str:
    level = value.upper()
    if level not in LOG_LEVELS:
        raise BadSetting(f"日志级别应为 {'、'.join(LOG_LEVELS)} 之一：{value!r}")
    return level


#: How each IT setting's text becomes its value; raises :class:`BadSetting`.
PARSERS: dict[str, Callable[[str], object]] = {
    "server_url": _server_url,
    "ca_bundle": _ca_bundle,
    "proxy": _proxy,
    "auto_lock_minutes": _auto_lock_minutes,
    "language": _language,
    "log_level": _log_level,
}


def parse_setting(key: str, raw: str) -> object:
    """The value of IT setting ``key`` from its text; ``KeyError`` for an unknown key,
    :class:`BadSetting` for an unusable value."""
    return PARSERS[key](raw.strip())


def load_it_settings(files: list[Path]) -> ITSettings:
    """Merge the INI files in order (later wins). A malformed file or value is logged and
    skipped — the value from a lower level, or the default, stays — never fatal: a typo
    by IT must not lock a grid worker out of their data."""
    settings = ITSettings()
    used: list[str] = []
    for path in files:
        if not path.is_file():
            continue
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(path, encoding="utf-8-sig")
        except (configparser.Error, UnicodeDecodeError, OSError) as exc:
            log.warning("ignoring IT settings file %s: %s", path, exc)
            continue
        if not parser.has_section("gridclient"):
            log.warning("IT settings file %s has no [gridclient] section; ignored", path)
            continue
        used.append(str(path))
        values: dict[str, object] = {}
        for key, raw in parser.items("gridclient"):
            if key not in PARSERS:
                log.warning("unknown IT setting %r in %s; ignored", key, path)
                continue
            try:
                values[key] = parse_setting(key, raw)
            except BadSetting as exc:
                log.warning(
                    "bad IT setting %s in %s: %s; keeping %r",
                    key,
                    path,
                    exc,
                    getattr(settings, key),
                )
        settings = replace(settings, **values)  # type: ignore[arg-type]
    return replace(settings, sources=tuple(used))


def apply_overrides(settings: ITSettings, overrides: Mapping[str, object | None]) -> ITSettings:
    """``settings`` with the command line's values on top (``None`` = not given).

    Values are parsed like the INI's; command-line values are checked by the argument
    parser already, so a bad one here is a programming error and raises ``BadSetting``.
    """
    values: dict[str, object] = {}
    for key, value in overrides.items():
        if value is None:
            continue
        if key not in PARSERS:
            raise KeyError(f"unknown IT setting {key!r}")
        values[key] = parse_setting(key, str(value))
    if not values:
        return settings
    return replace(settings, sources=(*settings.sources, COMMAND_LINE), **values)  # type: ignore[arg-type]


def effective_settings(
    paths: Paths, overrides: Mapping[str, object | None] | None = None
) -> ITSettings:
    """The settings in force: command line > user INI > INI beside the executable >
    machine-wide INI > defaults."""
    return apply_overrides(load_it_settings(it_settings_files(paths)), overrides or {})


def _without_credentials(url: str) -> str:
    """``url`` without ``user:password@`` and without a query (it may hold a token)."""
    if not url:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    if parts.username:
        netloc = f"***@{netloc}"
    query = "***" if parts.query else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def public_settings(settings: ITSettings) -> dict[str, object]:
    """The settings as a dict safe to show or ship in a diagnostics bundle: no
    credentials in the server or proxy URL."""
    out: dict[str, object] = {}
    for f in fields(ITSettings):
        value = getattr(settings, f.name)
        if f.name in ("server_url", "proxy"):
            value = _without_credentials(str(value))
        elif f.name == "sources":
            value = list(value)
        out[f.name] = value
    return out
