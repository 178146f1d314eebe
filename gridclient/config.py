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
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

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
    """Candidate INI files, lowest precedence first: machine-wide, beside the executable,
    then the user's own."""
    machine = Path(platformdirs.site_config_dir(APP_NAME, appauthor=False)) / INI_NAME
    if getattr(sys, "frozen", False):
        beside = Path(sys.executable).resolve().parent / INI_NAME
    else:
        beside = Path(__file__).resolve().parent.parent / INI_NAME
    return [machine, beside, paths.user_config_dir / INI_NAME]


def load_it_settings(files: list[Path]) -> ITSettings:
    """Merge the INI files in order (later wins). A malformed file or value is logged and
    skipped, never fatal: a typo by IT must not lock a grid worker out of their data."""
    settings = ITSettings()
    used: list[str] = []
    known = {f.name: f for f in fields(ITSettings) if f.name != "sources"}
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
            continue
        used.append(str(path))
        values: dict[str, object] = {}
        for key, raw in parser.items("gridclient"):
            if key not in known:
                log.warning("unknown IT setting %r in %s", key, path)
                continue
            if key == "auto_lock_minutes":
                try:
                    minutes = int(raw)
                except ValueError:
                    log.warning("auto_lock_minutes in %s is not a number: %r", path, raw)
                    continue
                values[key] = max(1, minutes)
            else:
                values[key] = raw.strip()
        settings = replace(settings, **values)  # type: ignore[arg-type]
    return replace(settings, sources=tuple(used))
