"""``gridclient self-test``: does this installation work on this machine?

One line per check, ``✓`` passed, ``!`` warning, ``✗`` failed, in Chinese and English,
and exit status 1 when any check failed (2 with ``--strict`` when only warnings). It
exercises what the packaged application loads from disk or from native libraries:

* the data directory is writable;
* an encrypted store (SQLCipher + Argon2id) is created in a temporary directory under
  the data directory with a random password, written, closed, re-opened and read, and
  the file on disk is checked to be ciphertext;
* the migrations run from the first revision to head (the revision files are loaded
  from disk by Alembic, so a bundle that lacks them fails here);
* a report is built from that store and rendered to PDF (Qt print support, fonts);
* the Qt platform plugin loads, the image format plugins are there, and the Chinese
  translation catalogue loads and translates;
* the keyring backend is named. A keyring that cannot keep tokens (``fail``/``null``, as
  on a Linux server without a desktop session) is a **warning**, not a failure: the
  client still works, it only asks the worker to log in online instead of resuming the
  sync session (see ``gridclient.sync.credentials``);
* the configured server answers ``/api/v1/health`` (skipped when no server is set);
* the IT settings file: a file that leaves no server is a failure (the client refuses to
  start), other problems and "no file at all" (the client starts the demo) are warnings;
* the report's Chinese is drawn with a font that has its glyphs: the fonts embedded in
  the PDF and their ToUnicode maps are read back (a machine without a Chinese font
  writes a valid PDF of empty boxes).

Nothing it creates is left behind; the user's own stores are not opened.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import shutil
import sys
import tempfile
import time
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Any, TextIO

from gridclient import __version__
from gridclient.config import ITSettings, Paths

__all__ = ["Check", "Outcome", "add_self_test_command", "run_checks", "run_self_test"]


class Outcome(Enum):
    OK = "✓"
    WARN = "!"
    FAIL = "✗"
    SKIP = "-"


@dataclass(frozen=True, slots=True)
class Check:
    zh: str
    en: str
    outcome: Outcome
    detail: str
    seconds: float = 0.0

    def line(self) -> str:
        return f"{self.outcome.value} {self.zh} / {self.en}: {self.detail} ({self.seconds:.2f} s)"


class Warning_(Exception):
    """Raised by a check to report a warning rather than a failure."""


class Skipped(Exception):
    """Raised by a check that does not apply here."""


# ------------------------------------------------------------------------------ checks


def _ensure_qt_platform() -> str:
    """A Linux machine without a display cannot load the xcb plugin (Qt would abort the
    process); check with the offscreen plugin there, and say so."""
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return "no display: using offscreen"
    return ""


def check_data_dir(paths: Paths) -> str:
    paths.ensure()
    probe = paths.data_dir / f".selftest-{secrets.token_hex(4)}"
    probe.write_bytes(b"ok")
    probe.unlink()
    return str(paths.data_dir)


@dataclass
class _Scratch:
    """The temporary store the store, migration and report checks share."""

    root: Path
    password: str = ""
    grid_code: str = "999900100100001"
    store_path: Path | None = None
    report_pdf: Path | None = None
    report_title: str | None = None


def check_store(scratch: _Scratch) -> str:
    from gridclient.storage.store import Store
    from gridcore.domain.entities import Area, Household, Visit
    from gridcore.domain.enums import AreaLevel

    scratch.password = secrets.token_urlsafe(16)
    path = scratch.root / "stores" / "selftest.db"
    started = time.perf_counter()
    town = Area(code="999900100000", name="自检镇", level=AreaLevel.TOWNSHIP)
    grid = Area(code=scratch.grid_code, name="自检网格", level=AreaLevel.GRID, parent_id=town.id)
    home = Household(grid_id=grid.id, address="自检路1号", number="0001")
    visit = Visit(
        household_id=home.id,
        grid_id=grid.id,
        visitor="selftest",
        visited_at=datetime.now(UTC),
        content="安装自检",
    )
    created = Store.create(path, scratch.password, username="selftest", server_url="selftest")
    with created, created.unit_of_work(actor="selftest") as uow:
        uow.create(town)
        uow.create(grid)
        uow.create(home)
        uow.append(visit)
    with Store.open(path, scratch.password) as store, store.read() as repos:
        stored = repos.records.get(Household, home.id)
    if stored is None or stored.address != home.address:
        raise RuntimeError("the record written is not read back")
    with path.open("rb") as f:
        if f.read(16) == b"SQLite format 3\x00":
            raise RuntimeError("the store file is not encrypted")
    scratch.store_path = path
    import sqlcipher3

    return (
        f"created, written, re-opened and read in {time.perf_counter() - started:.2f} s; "
        f"file is encrypted (SQLite {sqlcipher3.sqlite_version})"
    )


def check_migrations(scratch: _Scratch) -> str:
    from alembic.script import ScriptDirectory

    from gridclient.storage.engine import create_store_engine
    from gridclient.storage.keys import create_key_file, key_file_for
    from gridclient.storage.migrate import (
        MIGRATIONS_DIR,
        alembic_config,
        current_revision,
        head_revision,
        upgrade,
    )

    scripts = ScriptDirectory.from_config(alembic_config())
    revisions = [r.revision for r in scripts.walk_revisions()][::-1]
    if not revisions:
        raise RuntimeError(f"no migration scripts in {MIGRATIONS_DIR}")
    path = scratch.root / "migrate" / "upgrade.db"
    path.parent.mkdir(parents=True)
    key = create_key_file(key_file_for(path), secrets.token_urlsafe(16))
    engine = create_store_engine(path, key)
    try:
        upgrade(engine, revisions[0])
        if current_revision(engine) != revisions[0]:
            raise RuntimeError(f"not at {revisions[0]} after the first migration")
        upgrade(engine)
        head = current_revision(engine)
    finally:
        engine.dispose()
    if head != head_revision():
        raise RuntimeError(f"at {head} after upgrading, head is {head_revision()}")
    return f"{' → '.join(revisions)} (head {head})"


def check_report(scratch: _Scratch) -> str:
    from gridclient.reports.data import Period, ReportKind, build_report
    from gridclient.reports.render import render_pdf
    from gridclient.storage.store import Store

    if scratch.store_path is None:
        raise Skipped("needs the encrypted store check")
    from gridcore.domain.entities import CST

    # Reports count days in China time: "today" here is China's, whatever the machine's
    # zone (between 16:00 and 24:00 UTC the visit just written is already tomorrow there).
    today = datetime.now(CST).date()
    with Store.open(scratch.store_path, scratch.password) as store:
        report = build_report(
            store, ReportKind.VISIT_REGISTER, scratch.grid_code, Period(today, today)
        )
    if len(report.rows) != 1:
        raise RuntimeError(f"the visit register has {len(report.rows)} rows, expected 1")
    target = scratch.root / "report.pdf"
    pages = render_pdf(report, target)
    data = target.read_bytes()
    if not data.startswith(b"%PDF") or pages < 1:
        raise RuntimeError("the PDF was not written")
    scratch.report_pdf, scratch.report_title = target, report.title
    return f"{report.title}: {pages} page(s), {len(data) // 1024} KiB"


_OBJECT = re.compile(rb"(\d+)\s+0\s+obj\b(.*?)\bendobj", re.DOTALL)
_HEX = rb"<([0-9A-Fa-f]+)>"


def _stream(body: bytes) -> bytes:
    start = body.find(b"stream")
    end = body.rfind(b"endstream")
    if start < 0 or end < 0:
        return b""
    data = body[start + len(b"stream") : end].strip(b"\r\n")
    if b"/FlateDecode" in body[:start]:
        try:
            data = zlib.decompress(data)
        except zlib.error:
            return b""
    return data


def _utf16(hex_text: bytes) -> str:
    return bytes.fromhex(hex_text.decode("ascii")).decode("utf-16-be", errors="replace")


def _cmap_text(cmap: bytes) -> set[str]:
    """Every character a ToUnicode CMap maps a glyph to (glyph 0, .notdef, excluded)."""
    out: set[str] = set()
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for src, dst in re.findall(_HEX + rb"\s*" + _HEX, block):
            if int(src, 16):
                out.update(_utf16(dst))
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.DOTALL):
        for lo, hi, rest in re.findall(_HEX + rb"\s*" + _HEX + rb"\s*(\[[^\]]*\]|<[^>]*>)", block):
            first, last = int(lo, 16), int(hi, 16)
            if rest.startswith(b"["):
                targets = [_utf16(t) for t in re.findall(_HEX, rest)]
                pairs = zip(range(first, last + 1), targets, strict=False)
                out.update("".join(t for gid, t in pairs if gid))
            else:
                base = _utf16(rest[1:-1])
                if base and first:
                    out.update(chr(ord(base[-1]) + i) for i in range(last - first + 1))
    return out


def pdf_font_text(data: bytes) -> dict[str, set[str]]:
    """Each font embedded in a PDF (base name, subset prefix removed) and the characters
    it has glyphs for in this document, from its ToUnicode map. A character drawn as a
    missing-glyph box maps to glyph 0 and so is in no font's set."""
    objects = {int(m.group(1)): m.group(2) for m in _OBJECT.finditer(data)}
    fonts: dict[str, set[str]] = {}
    for body in objects.values():
        base = re.search(rb"/BaseFont\s*/([^\s/>\[]+)", body)
        unicode_ref = re.search(rb"/ToUnicode\s+(\d+)\s+0\s+R", body)
        if base is None or unicode_ref is None:
            continue
        name = base.group(1).decode("latin-1").split("+", 1)[-1]
        cmap = _stream(objects.get(int(unicode_ref.group(1)), b""))
        fonts.setdefault(name, set()).update(_cmap_text(cmap))
    return fonts


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _system_font_covers(name: str, chars: set[str]) -> bool:
    """Whether the installed font whose PostScript name is ``name`` (``NotoSansCJKsc-Bold``
    for the family ``Noto Sans CJK SC``) has glyphs for all of ``chars``."""
    from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QRawFont

    if QGuiApplication.instance() is None:
        return False
    wanted = re.sub(r"[^0-9a-z]", "", name.split("-", 1)[0].lower())
    for family in QFontDatabase.families():
        if re.sub(r"[^0-9a-z]", "", family.lower()) != wanted:
            continue
        raw = QRawFont.fromFont(QFont(family))
        if raw.isValid() and all(raw.supportsCharacter(ch) for ch in chars):
            return True
    return False


def check_cjk_font(scratch: _Scratch) -> str:
    """The report PDF's Chinese text was drawn with a font that has the glyphs (a system
    without a Chinese font prints empty boxes and the PDF check alone passes).

    Read from the PDF: each embedded font's ToUnicode map. A character drawn as a box
    maps to no character at all. A CJK font may share a glyph with a Kangxi radical (⼊
    and 入); the renderer corrects the map, and a radical left in it fails the check
    (text copied from the PDF would not be what was printed: the fonts of the machine,
    e.g. Microsoft YaHei on Windows, decide, so the frozen build checks it there). Any
    character not found counts only if an embedded font, as installed, has a glyph."""
    if scratch.report_pdf is None or scratch.report_title is None:
        raise Skipped("needs the report to PDF check")
    wanted = {ch for ch in scratch.report_title if _is_cjk(ch)}
    fonts = pdf_font_text(scratch.report_pdf.read_bytes())
    radicals = sorted({ch for chars in fonts.values() for ch in chars if _is_radical(ch)})
    if radicals:
        raise RuntimeError(
            "text copied out of the report PDF would read radicals "
            f"({''.join(radicals)}) instead of the characters printed: the ToUnicode "
            "correction (gridclient.reports.tounicode) did not run"
        )
    drawn: set[str] = set()
    for chars in fonts.values():
        drawn |= chars | {unicodedata.normalize("NFKC", ch) for ch in chars}
    missing = wanted - drawn
    if missing and any(_system_font_covers(name, missing) for name in fonts):
        missing = set()
    covering = sorted(name for name, chars in fonts.items() if any(_is_cjk_like(c) for c in chars))
    if missing:
        hint = (
            "安装中文字体：Windows 自带微软雅黑/宋体；Debian/Ubuntu: apt-get install fonts-noto-cjk"
        )
        raise RuntimeError(
            f"the report's Chinese is drawn as empty boxes: no embedded font has "
            f"{''.join(sorted(missing))} (embedded: {', '.join(sorted(fonts)) or 'none'}) — {hint}"
        )
    return f"{', '.join(covering)} draws “{scratch.report_title}”, copies as printed"


def _is_radical(ch: str) -> bool:
    from gridclient.reports.tounicode import is_radical

    return is_radical(ch)


def _is_cjk_like(ch: str) -> bool:
    return _is_cjk(ch) or "\u2e80" <= ch <= "\u2fdf"


def check_settings(settings: ITSettings) -> str:
    refusal = settings.refusal()
    if refusal is not None:
        raise RuntimeError(refusal.replace("\n", " "))
    if not settings.files:
        raise Warning_(
            "no gridclient.ini: the client starts the demo; put IT's file beside the "
            "executable or in the machine-wide directory (docs/it-guide.md)"
        )
    locked = f"; locked by policy: {', '.join(sorted(settings.locked))}" if settings.locked else ""
    used = f"{', '.join(settings.files)}, server {settings.server_url}{locked}"
    if settings.problems:
        raise Warning_(f"{used}; problems: " + " | ".join(p.text() for p in settings.problems))
    return used


def check_qt(note: str) -> str:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import QLibraryInfo, qVersion
    from PySide6.QtGui import QGuiApplication, QImageReader
    from PySide6.QtPrintSupport import QPrinterInfo

    app = QGuiApplication.instance() or QGuiApplication(["gridclient-self-test"])
    assert isinstance(app, QGuiApplication)
    formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
    missing = {"png", "jpeg"} - formats
    if missing:
        raise RuntimeError(f"image format plugins missing: {', '.join(sorted(missing))}")
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    available = sorted(p.name for p in plugins.iterdir()) if plugins.is_dir() else []
    printers = len(QPrinterInfo.availablePrinterNames())
    text = (
        f"Qt {qVersion()} (PySide6 {pyside_version}), platform {app.platformName()}, "
        f"{len(available)} platform plugin(s), {printers} printer(s)"
    )
    return f"{text}; {note}" if note else text


def check_translations() -> str:
    from PySide6.QtCore import QCoreApplication, QTranslator

    from gridclient.resources_path import resource_path

    app = QCoreApplication.instance()
    catalogue = resource_path("translations", "gridclient_zh_CN.qm")
    ours = QTranslator(app)
    if not ours.load(str(catalogue)):
        raise RuntimeError(f"cannot load {catalogue}")
    sample = ours.translate("MainWindow", "Lock (Ctrl+L)")
    if not sample or sample == "Lock (Ctrl+L)":
        raise RuntimeError(f"{catalogue.name} does not translate the main window")
    from gridclient.ui.i18n import qt_translation_dirs

    qt = QTranslator(app)
    if not any(qt.load("qtbase_zh_CN", folder) for folder in qt_translation_dirs()):
        raise Warning_(f"{catalogue.name} ok ({sample}); Qt's own qtbase_zh_CN is missing")
    dialog = qt.translate("QFileDialog", "Look in:")
    if not dialog or dialog == "Look in:":
        raise Warning_(f"{catalogue.name} ok ({sample}); qtbase_zh_CN does not translate dialogs")
    return f"{catalogue.name} and qtbase_zh_CN load (“{sample}”, “{dialog}”)"


def check_user_guide() -> str:
    from gridclient.ui.help import user_guide_path

    guide = user_guide_path()
    text = guide.read_text(encoding="utf-8")  # OSError: fails the check with its message
    if "网格通" not in text:
        raise RuntimeError(f"{guide} is not the user guide")
    return f"{guide.name}（{len(text)} 字）"


def check_keyring() -> str:
    import keyring.backend

    from gridclient.sync.credentials import describe_backend

    described = describe_backend()
    names = sorted(
        {type(b).__module__.rsplit(".", 1)[-1] for b in keyring.backend.get_all_keyring()}
    )
    text = f"{described}; backends found: {', '.join(names) or 'none'}"
    if "unusable" in described or described.startswith("unavailable"):
        raise Warning_(text + " — sign-in is asked online each time (local data unaffected)")
    return text


def check_server(settings: ITSettings) -> str:
    if not settings.server_url:
        raise Skipped("no server configured (server_url)")
    from gridclient.sync.transport import Transport

    transport = Transport(
        settings.server_url,
        ca_bundle=settings.ca_bundle or None,
        proxy=settings.proxy or None,
        timeout=(5.0, 10.0),
    )
    started = time.perf_counter()
    if not transport.health():
        raise RuntimeError(f"{transport.api_url}/health does not answer ok")
    return f"{transport.api_url}/health ok in {time.perf_counter() - started:.2f} s"


# ------------------------------------------------------------------------------ runner


def _run(zh: str, en: str, fn: Callable[[], str]) -> Check:
    started = time.perf_counter()
    try:
        detail = fn()
        outcome = Outcome.OK
    except Warning_ as exc:
        outcome, detail = Outcome.WARN, str(exc)
    except Skipped as exc:
        outcome, detail = Outcome.SKIP, str(exc)
    except Exception as exc:
        outcome = Outcome.FAIL
        detail = f"{type(exc).__name__}: {exc}"
    return Check(zh, en, outcome, detail, time.perf_counter() - started)


def run_checks(
    paths: Paths, settings: ITSettings, report: Callable[[Check], None] | None = None
) -> list[Check]:
    """Run every check in order (each one is reported as soon as it is done)."""
    note = _ensure_qt_platform()
    done: list[Check] = []

    def add(check: Check) -> None:
        done.append(check)
        if report is not None:
            report(check)

    frozen = "frozen" if getattr(sys, "frozen", False) else "source"
    add(
        Check(
            "版本",
            "version",
            Outcome.OK,
            f"gridclient {__version__} ({frozen}), Python {platform.python_version()}, "
            f"{platform.platform()}",
        )
    )
    add(_run("IT 设置文件", "settings file", lambda: check_settings(settings)))
    add(_run("数据目录可写", "data directory writable", lambda: check_data_dir(paths)))
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix=".selftest-", dir=paths.data_dir))
    try:
        scratch = _Scratch(root)
        add(_run("加密数据库", "encrypted store", lambda: check_store(scratch)))
        add(_run("数据库迁移", "migrations", lambda: check_migrations(scratch)))
        add(_run("界面组件", "Qt platform plugin", lambda: check_qt(note)))
        add(_run("报表生成 PDF", "report to PDF", lambda: check_report(scratch)))
        add(_run("报表中文字体", "CJK font in reports", lambda: check_cjk_font(scratch)))
        add(_run("界面翻译", "translations", check_translations))
        add(_run("用户指南", "user guide", check_user_guide))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    add(_run("系统密钥环", "keyring backend", check_keyring))
    add(_run("连接服务器", "server reachable", lambda: check_server(settings)))
    return done


def run_self_test(paths: Paths, settings: ITSettings, out: TextIO, *, strict: bool = False) -> int:
    """Print one line per check; 1 if any failed, 2 if ``strict`` and any warned."""

    def show(check: Check) -> None:
        print(check.line(), file=out, flush=True)

    checks = run_checks(paths, settings, show)
    failed = [c for c in checks if c.outcome is Outcome.FAIL]
    warned = [c for c in checks if c.outcome is Outcome.WARN]
    if failed:
        print(f"自检未通过：{len(failed)} 项失败 / self-test FAILED", file=out)
        return 1
    if warned and strict:
        print(f"自检有 {len(warned)} 项警告 / self-test has warnings (--strict)", file=out)
        return 2
    print("自检通过 / self-test passed", file=out)
    return 0


def _command(args: argparse.Namespace) -> int:
    from gridclient.cli import start_command

    for stream in (sys.stdout, sys.stderr):  # a console whose code page lacks ✓
        reconfigure: Any = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    if getattr(args, "data_dir", None) is None and running_as_system():
        # An installer or a management agent (SCCM, Intune) runs this as SYSTEM: check
        # in a temporary directory instead of creating a GridClient profile (data, logs)
        # in the system account's profile.
        with tempfile.TemporaryDirectory(prefix="gridclient-selftest-") as scratch:
            args.data_dir = Path(scratch)
            paths, settings = start_command(args)
            print(f"以 SYSTEM 账户运行：使用临时目录 {scratch}（结束后删除）", file=sys.stdout)
            try:
                return run_self_test(paths, settings, sys.stdout, strict=args.strict)
            finally:
                _close_log_file()
    paths, settings = start_command(args)
    return run_self_test(paths, settings, sys.stdout, strict=args.strict)


def running_as_system(environ: dict[str, str] | None = None) -> bool:
    """Windows' SYSTEM account (the computer account ``NAME$``, profile under
    ``system32\\config\\systemprofile``)."""
    env = dict(os.environ if environ is None else environ)
    if sys.platform != "win32" and environ is None:
        return False
    profile = env.get("USERPROFILE", "").lower()
    return env.get("USERNAME", "").endswith("$") or "systemprofile" in profile


def _close_log_file() -> None:
    import logging

    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_gridclient", False)]:
        root.removeHandler(handler)
        handler.close()


def add_self_test_command(commands: Any) -> None:
    parser = commands.add_parser(
        "self-test", help="check this installation: store, migrations, PDF, Qt, keyring, server"
    )
    parser.add_argument("--strict", action="store_true", help="exit 2 on warnings too")
    parser.set_defaults(handler=_command)
