"""Where files live and what IT staff configure.

Settings by kind (STYLE.md §9): user data, logs and backups in the platform's per-user
directories (``platformdirs``), all under ``--data-dir`` when given; IT settings in an
INI file beside the executable or in the machine-wide config directory; secrets only in
the keyring; preferences and window state in QSettings (ui/).
"""

from __future__ import annotations

import codecs
import logging
import re
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
    user_config_dir: Path

    @classmethod
    def resolve(cls, data_dir: Path | None = None) -> Paths:
        """Per-user platform directories, or everything under ``data_dir`` (tests and
        portable installs)."""
        if data_dir is not None:
            root = data_dir.expanduser().resolve()
            return cls(root, root / "logs", root)
        dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
        return cls(
            Path(dirs.user_data_dir),
            Path(dirs.user_log_dir),
            Path(dirs.user_config_dir),
        )

    def ensure(self) -> Paths:
        for path in (self.data_dir, self.log_dir, self.user_config_dir):
            path.mkdir(parents=True, exist_ok=True)
        return self


@dataclass(frozen=True, slots=True)
class SettingsProblem:
    """One thing wrong in an IT settings file: where (file, line), what, and how to fix
    it, in Chinese for IT staff."""

    path: str
    line: int | None
    message: str
    fix: str = ""

    def text(self) -> str:
        where = f"{self.path} 第 {self.line} 行" if self.line else self.path
        fix = f"（{self.fix}）" if self.fix else ""
        return f"{where}：{self.message}{fix}"


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
    #: Settings files that exist, readable or not (a file that exists means "not the demo").
    files: tuple[str, ...] = field(default=(), compare=False)
    #: Keys the machine-wide file locks (policy): nothing else overrides them.
    locked: frozenset[str] = field(default=frozenset(), compare=False)
    problems: tuple[SettingsProblem, ...] = field(default=(), compare=False)

    @property
    def demo_by_default(self) -> bool:
        """The demo starts by itself only on a machine with no settings file at all and
        no server given on the command line."""
        return not self.server_url and not self.files

    def refusal(self) -> str | None:
        """Why the application must not start (Chinese, naming the files, lines and the
        fix), or None. A settings file exists but leaves no usable ``server_url``: starting
        the demo instead would let real residents be typed into the demo."""
        if self.server_url or not self.files:
            return None
        lines = ["找不到可用的服务器地址（server_url），网格通不能启动。", ""]
        lines.append("已找到的设置文件：")
        lines.extend(f"  {f}" for f in self.files)
        if self.problems:
            lines += ["", "问题："]
            lines.extend(f"  {p.text()}" for p in self.problems)
        lines += [
            "",
            "修改方法：在设置文件的 [gridclient] 节中写一行",
            "  server_url = https://服务器地址",
            "保存为 UTF-8 编码后重新启动。只想试用演示版时，用 gridclient --demo 启动。",
        ]
        return "\n".join(lines)


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


#: How to fix a bad value of each setting (Chinese, for IT).
FIXES: dict[str, str] = {
    "server_url": "应写成 server_url = https://服务器地址",
    "ca_bundle": "填写 CA 证书（PEM）文件的完整路径，或留空",
    "proxy": "应写成 proxy = http://代理地址:端口，或留空",
    "auto_lock_minutes": f"填写 1 到 {MAX_AUTO_LOCK_MINUTES} 之间的整数",
    "language": "填写 zh_CN 或 en",
    "log_level": "填写 INFO（或 DEBUG、WARNING、ERROR）",
}
SECTION = "gridclient"
POLICY_SECTION = "policy"
LOCKED_KEY = "locked"

_SECTION_LINE = re.compile(r"^\[\s*([^\]]*?)\s*\]\s*(?:[;#].*)?$")
_KEY_LINE = re.compile(r"^([A-Za-z_][\w.-]*)\s*[=:]\s*(.*)$")
_INLINE_COMMENT = re.compile(r"\s+[;#].*$")


def decode_settings(data: bytes) -> tuple[str, str]:
    """The text of a settings file and the encoding it was read with: UTF-8 with or
    without BOM, UTF-16 with BOM (PowerShell's ``>``) or without, else GBK/GB18030
    (Notepad's "ANSI" on a Chinese Windows). Raises ``UnicodeDecodeError``."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "UTF-8 (BOM)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "UTF-16"
    if len(data) >= 2 and b"\x00" in data[:2]:
        return data.decode("utf-16-le" if data[1] == 0 else "utf-16-be"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "GBK"


@dataclass(frozen=True, slots=True)
class _Entry:
    value: str
    line: int


def _parse_ini(
    text_: str, where: str
) -> tuple[dict[str, dict[str, _Entry]], list[SettingsProblem]]:
    """Sections (lower-cased names) of ``key = value`` entries with their line numbers,
    and what is wrong. Like ``configparser``: ``;``/``#`` comments, ``=`` or ``:``,
    indented continuation lines; also inline comments after a space. Unlike it, nothing
    wrong drops the whole file: each problem is reported with its line and the rest is
    used."""
    sections: dict[str, dict[str, _Entry]] = {}
    problems: list[SettingsProblem] = []
    duplicates: dict[tuple[str, str], list[_Entry]] = {}
    section: str | None = None
    last: tuple[str, str] | None = None
    for number, raw in enumerate(text_.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped[0] in ";#":
            continue
        if raw[:1].isspace() and last is not None and section is not None:
            entry = sections[section][last[1]]
            joined = f"{entry.value} {_INLINE_COMMENT.sub('', stripped)}".strip()
            sections[section][last[1]] = _Entry(joined, entry.line)
            continue
        if match := _SECTION_LINE.match(stripped):
            section = match.group(1).strip().lower()
            sections.setdefault(section, {})
            last = None
            if section not in (SECTION, POLICY_SECTION):
                problems.append(
                    SettingsProblem(
                        where,
                        number,
                        f"未知的节 [{match.group(1)}]，其中的设置未使用",
                        "节名应为 [gridclient]",
                    )
                )
            continue
        match = _KEY_LINE.match(stripped)
        if match is None:
            problems.append(
                SettingsProblem(
                    where,
                    number,
                    f"无法识别的行：{stripped[:60]}",
                    "每行应为 名称 = 值，注释行以 ; 开头",
                )
            )
            last = None
            continue
        key, value = match.group(1).lower(), _INLINE_COMMENT.sub("", match.group(2)).strip()
        if section is None:
            problems.append(
                SettingsProblem(
                    where,
                    number,
                    f"设置项 {key} 写在了 [gridclient] 节之前，未使用",
                    "在文件开头加一行 [gridclient]",
                )
            )
            continue
        entries = sections[section]
        if key in entries:
            duplicates.setdefault((section, key), [entries[key]]).append(_Entry(value, number))
        entries[key] = _Entry(value, number)
        last = (section, key)
    for (section_name, key), seen in duplicates.items():
        lines = "、".join(str(e.line) for e in seen)
        if len({e.value for e in seen}) == 1:
            problems.append(
                SettingsProblem(
                    where, seen[-1].line, f"{key} 重复出现（第 {lines} 行）", "只保留一行"
                )
            )
            continue
        del sections[section_name][key]
        problems.append(
            SettingsProblem(
                where,
                seen[-1].line,
                f"{key} 重复出现（第 {lines} 行）且值不同，本文件中的 {key} 未使用",
                "只保留一行",
            )
        )
    return sections, problems


def _read_settings_file(
    path: Path, *, policy_allowed: bool
) -> tuple[dict[str, object], dict[str, object], list[SettingsProblem]]:
    """The values and the locked values (policy) of one file, and its problems."""
    where = str(path)
    try:
        text_, _encoding = decode_settings(path.read_bytes())
    except OSError as exc:
        return {}, {}, [SettingsProblem(where, None, f"无法读取：{exc.strerror or exc}")]
    except UnicodeDecodeError:
        return (
            {},
            {},
            [
                SettingsProblem(
                    where,
                    None,
                    "无法识别文件编码",
                    "用记事本“另存为”，编码选 UTF-8",
                )
            ],
        )
    sections, problems = _parse_ini(text_, where)
    if SECTION not in sections and POLICY_SECTION not in sections:
        problems.append(
            SettingsProblem(where, None, "没有 [gridclient] 节", "在文件开头加一行 [gridclient]")
        )

    def parsed(entries: dict[str, _Entry], section: str) -> dict[str, object]:
        out: dict[str, object] = {}
        for key, entry in entries.items():
            if key == LOCKED_KEY and section == SECTION:
                continue
            if key not in PARSERS:
                problems.append(
                    SettingsProblem(
                        where,
                        entry.line,
                        f"未知的设置项 {key}，未使用",
                        f"可用的设置项：{'、'.join(PARSERS)}",
                    )
                )
                continue
            try:
                out[key] = parse_setting(key, entry.value)
            except BadSetting as exc:
                fix = FIXES[key]
                if key == "server_url" and entry.value and "://" not in entry.value:
                    fix = f"应写成 server_url = https://{entry.value}"
                problems.append(SettingsProblem(where, entry.line, f"{key}：{exc}", fix))
        return out

    values = parsed(sections.get(SECTION, {}), SECTION)
    locked: dict[str, object] = {}
    policy = sections.get(POLICY_SECTION)
    locked_entry = sections.get(SECTION, {}).get(LOCKED_KEY)
    if not policy_allowed:
        if locked_entry is not None:
            problems.append(
                SettingsProblem(
                    where, locked_entry.line, "locked 只在本机所有用户的设置文件中有效，未使用"
                )
            )
        if policy is not None:
            problems.append(
                SettingsProblem(where, None, "[policy] 只在本机所有用户的设置文件中有效，未使用")
            )
        return values, locked, problems
    if locked_entry is not None:
        for name in filter(
            None, (n.strip().lower() for n in re.split(r"[,，\s]+", locked_entry.value))
        ):
            if name not in PARSERS:
                problems.append(
                    SettingsProblem(where, locked_entry.line, f"locked 中的 {name} 不是设置项")
                )
            elif name in values:
                locked[name] = values[name]
            else:
                problems.append(
                    SettingsProblem(
                        where,
                        locked_entry.line,
                        f"locked 中的 {name} 在本文件中没有可用的值，未锁定",
                        f"在 [gridclient] 节中写上 {name} = 值",
                    )
                )
    if policy is not None:
        policy_values = parsed(policy, POLICY_SECTION)
        values.update(policy_values)
        locked.update(policy_values)
    return values, locked, problems


def load_it_settings(files: list[Path], *, policy_file: Path | None = None) -> ITSettings:
    """Merge the INI files in order (later wins), except the keys that ``policy_file``
    (the machine-wide file) locks: those keep its value whatever comes later.

    Nothing here is fatal and nothing is logged: every problem (file, line, what, fix)
    is kept in ``problems`` for the caller to log once logging is set up
    (:func:`log_settings`) and, when no ``server_url`` is left while a file exists,
    to refuse to start (:meth:`ITSettings.refusal`).
    """
    settings = ITSettings()
    used: list[str] = []
    present: list[str] = []
    problems: list[SettingsProblem] = []
    locked: dict[str, object] = {}
    for path in files:
        if not path.is_file():
            continue
        present.append(str(path))
        is_policy = policy_file is not None and path == policy_file
        values, file_locked, file_problems = _read_settings_file(path, policy_allowed=is_policy)
        problems.extend(file_problems)
        for key in [k for k in values if k in locked]:
            if values[key] != locked[key]:
                problems.append(
                    SettingsProblem(
                        str(path),
                        None,
                        f"{key} 已由本机所有用户的设置文件锁定（policy），本文件中的值未使用",
                    )
                )
            del values[key]
        locked.update(file_locked)
        if values or file_locked:
            used.append(str(path))
        settings = replace(settings, **values)  # type: ignore[arg-type]
    return replace(
        settings,
        sources=tuple(used),
        files=tuple(present),
        locked=frozenset(locked),
        problems=tuple(problems),
    )


def log_settings(settings: ITSettings, logger: logging.Logger = log) -> None:
    """Write where the settings came from and every problem to the log (call it right
    after logging is set up: the settings are read before, to know the log level)."""
    logger.info(
        "IT settings files found %s, used %s, locked by policy %s",
        list(settings.files),
        list(settings.sources),
        sorted(settings.locked),
    )
    for problem in settings.problems:
        logger.warning("IT settings: %s", problem.text())


def apply_overrides(settings: ITSettings, overrides: Mapping[str, object | None]) -> ITSettings:
    """``settings`` with the command line's values on top (``None`` = not given), except
    for keys locked by policy (reported in ``problems``).

    Values are parsed like the INI's; command-line values are checked by the argument
    parser already, so a bad one here is a programming error and raises ``BadSetting``.
    """
    values: dict[str, object] = {}
    problems: list[SettingsProblem] = []
    for key, value in overrides.items():
        if value is None:
            continue
        if key not in PARSERS:
            raise KeyError(f"unknown IT setting {key!r}")
        parsed = parse_setting(key, str(value))
        if key in settings.locked:
            if parsed != getattr(settings, key):
                problems.append(
                    SettingsProblem(
                        COMMAND_LINE,
                        None,
                        f"{key} 已由本机所有用户的设置文件锁定（policy），命令行的值未使用",
                    )
                )
            continue
        values[key] = parsed
    if problems:
        settings = replace(settings, problems=(*settings.problems, *problems))
    if not values:
        return settings
    return replace(settings, sources=(*settings.sources, COMMAND_LINE), **values)  # type: ignore[arg-type]


def effective_settings(
    paths: Paths, overrides: Mapping[str, object | None] | None = None
) -> ITSettings:
    """The settings in force: command line > user INI > INI beside the executable >
    machine-wide INI > defaults; keys the machine-wide INI locks (policy) beat all."""
    files = it_settings_files(paths)
    settings = load_it_settings(files, policy_file=files[0])
    return apply_overrides(settings, overrides or {})


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
        elif f.name in ("sources", "files"):
            value = list(value)
        elif f.name == "locked":
            value = sorted(value)
        elif f.name == "problems":
            value = [p.text() for p in value]
        out[f.name] = value
    return out
