"""``gridclient self-test`` from source: every check passes here, a broken part is a
✗ line and exit 1, a keyring that cannot keep tokens is a warning (exit 2 only with
``--strict``), and nothing is left in the data directory."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from gridclient import selftest
from gridclient.__main__ import main
from gridclient.config import ITSettings, Paths
from gridclient.selftest import Outcome, run_checks, run_self_test


def outcomes(paths: Paths, settings: ITSettings) -> dict[str, Outcome]:
    return {check.en: check.outcome for check in run_checks(paths, settings)}


def has_chinese_font() -> bool:
    from PySide6.QtGui import QFontDatabase, QGuiApplication

    selftest._ensure_qt_platform()
    QGuiApplication.instance() or QGuiApplication(["test"])
    return bool(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))


@pytest.fixture
def font_ok(monkeypatch: pytest.MonkeyPatch) -> None:
    """For tests about other checks: the CJK font check passes whatever fonts this
    machine has (CI installs fonts-noto-cjk; a bare machine has none)."""
    monkeypatch.setattr(selftest, "check_cjk_font", lambda _scratch: "not under test")


def test_every_check_passes_from_source(tmp_path: Path) -> None:
    paths = Paths.resolve(tmp_path)
    result = outcomes(paths, ITSettings())
    # With a Chinese font the report's Chinese is drawn; without one it is empty boxes
    # and the check says so (CI installs fonts-noto-cjk, so there it must pass).
    font = result.pop("CJK font in reports")
    assert font is (Outcome.OK if has_chinese_font() else Outcome.FAIL)
    assert result.pop("settings file") is Outcome.WARN  # no gridclient.ini: the demo
    for name in (
        "version",
        "data directory writable",
        "encrypted store",
        "migrations",
        "Qt platform plugin",
        "report to PDF",
        "translations",
        "user guide",
    ):
        assert result[name] is Outcome.OK, (name, result)
    assert result["server reachable"] is Outcome.SKIP
    assert result["keyring backend"] in (Outcome.OK, Outcome.WARN)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".selftest")] == []


def test_the_command_prints_one_line_per_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], font_ok: None
) -> None:
    assert main(["self-test", "--data-dir", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 13
    assert all(line[0] in "✓!✗-" for line in lines[:-1])
    assert lines[-1] == "自检通过 / self-test passed"


def test_a_missing_translation_catalogue_fails_the_self_test(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gridclient.resources_path as resources

    monkeypatch.setattr(resources, "_SOURCE_ROOT", tmp_path / "nowhere")
    out = io.StringIO()
    assert run_self_test(Paths.resolve(tmp_path / "data"), ITSettings(), out) == 1
    (line,) = [ln for ln in out.getvalue().splitlines() if "界面翻译" in ln]
    assert line.startswith("✗") and "gridclient_zh_CN.qm" in line


def test_qt_dialog_translations_and_the_user_guide_are_checked(tmp_path: Path) -> None:
    out = io.StringIO()
    run_self_test(Paths.resolve(tmp_path / "data"), ITSettings(), out)
    lines = out.getvalue().splitlines()
    (translations,) = [ln for ln in lines if "界面翻译" in ln]
    assert translations.startswith("✓") and "查找范围" in translations  # QFileDialog's
    (guide,) = [ln for ln in lines if "用户指南" in ln]
    assert guide.startswith("✓") and "user-guide.md" in guide


def test_a_missing_user_guide_fails_the_self_test(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gridclient.ui import help as guide

    monkeypatch.setattr(guide, "user_guide_path", lambda: tmp_path / "gone.md")
    out = io.StringIO()
    assert run_self_test(Paths.resolve(tmp_path / "data"), ITSettings(), out) == 1
    (line,) = [ln for ln in out.getvalue().splitlines() if "用户指南" in ln]
    assert line.startswith("✗") and "gone.md" in line


def test_missing_migrations_fail_the_store_and_migration_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gridclient.storage import migrate

    empty = tmp_path / "migrations"
    empty.mkdir()
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", empty)
    result = outcomes(Paths.resolve(tmp_path / "data"), ITSettings())
    assert result["encrypted store"] is Outcome.FAIL
    assert result["migrations"] is Outcome.FAIL
    assert result["report to PDF"] is Outcome.SKIP


def test_an_unusable_keyring_is_a_warning_and_strict_makes_it_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, font_ok: None
) -> None:
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    paths = Paths.resolve(tmp_path)
    out = io.StringIO()
    assert run_self_test(paths, ITSettings(), out) == 0
    (line,) = [ln for ln in out.getvalue().splitlines() if "系统密钥环" in ln]
    assert line.startswith("!") and "fail.Keyring" in line
    assert run_self_test(paths, ITSettings(), io.StringIO(), strict=True) == 2


class _Health(BaseHTTPRequestHandler):
    body = b'{"status": "ok"}'

    def do_GET(self) -> None:
        ok = self.path == "/api/v1/health"
        self.send_response(200 if ok else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.body if ok else b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_configured_server_is_reached(tmp_path: Path, health_server: str) -> None:
    paths = Paths.resolve(tmp_path)
    assert "/api/v1/health ok" in selftest.check_server(ITSettings(server_url=health_server))
    result = outcomes(paths, ITSettings(server_url=health_server))
    assert result["server reachable"] is Outcome.OK
    dead = outcomes(paths, ITSettings(server_url="http://127.0.0.1:9"))
    assert dead["server reachable"] is Outcome.FAIL


# ------------------------------------------------------------------ CJK font, settings


def _pdf(fonts: dict[str, str]) -> bytes:
    """A minimal PDF whose fonts map glyphs 1… to the given text (ToUnicode bfchar);
    glyph 0 (.notdef, a box) maps to U+3000 and must not count."""
    parts = [b"%PDF-1.4\n"]
    number = 1
    for name, chars in fonts.items():
        pairs = "".join(f"<{gid:04X}> <{ord(ch):04X}>\n" for gid, ch in enumerate(chars, start=1))
        cmap = (
            f"1 beginbfchar\n<0000> <3000>\nendbfchar\n{len(chars)} beginbfchar\n{pairs}endbfchar"
        )
        parts.append(
            f"{number} 0 obj\n<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+{name} "
            f"/ToUnicode {number + 1} 0 R >>\nendobj\n".encode()
        )
        stream = cmap.encode()
        parts.append(
            f"{number + 1} 0 obj\n<< /Length {len(stream)} >>\nstream\n".encode()
            + stream
            + b"\nendstream\nendobj\n"
        )
        number += 2
    return b"".join(parts)


def test_the_fonts_embedded_in_a_pdf_and_what_they_draw_are_read() -> None:
    data = _pdf({"NotoSansCJKsc-Regular": "入户走访登记表", "DejaVuSans": "ABC123"})
    fonts = selftest.pdf_font_text(data)
    assert fonts == {"NotoSansCJKsc-Regular": set("入户走访登记表"), "DejaVuSans": set("ABC123")}


def test_the_cjk_check_fails_when_the_chinese_became_boxes(tmp_path: Path) -> None:
    scratch = selftest._Scratch(tmp_path, report_title="入户走访登记表")
    scratch.report_pdf = tmp_path / "r.pdf"
    scratch.report_pdf.write_bytes(_pdf({"DejaVuSans": "ABC123"}))
    with pytest.raises(RuntimeError, match="empty boxes") as caught:
        selftest.check_cjk_font(scratch)
    assert "fonts-noto-cjk" in str(caught.value) and "DejaVuSans" in str(caught.value)
    scratch.report_pdf.write_bytes(_pdf({"MicrosoftYaHei": "入户走访登记表", "Arial": "1"}))
    assert selftest.check_cjk_font(scratch).startswith("MicrosoftYaHei draws")


def test_the_cjk_check_fails_when_text_would_copy_as_radicals(tmp_path: Path) -> None:
    """A PDF whose ToUnicode map says ⼊ for 入 (a font sharing the glyph, uncorrected):
    on the target machine's fonts, the frozen build's self-test says so."""
    scratch = selftest._Scratch(tmp_path, report_title="入户走访登记表")
    scratch.report_pdf = tmp_path / "r.pdf"
    scratch.report_pdf.write_bytes(_pdf({"MicrosoftYaHei": "⼊⼾⾛访登记表"}))
    with pytest.raises(RuntimeError, match="radicals"):
        selftest.check_cjk_font(scratch)


def test_the_settings_check(tmp_path: Path) -> None:
    from gridclient.config import SettingsProblem

    ini = str(tmp_path / "gridclient.ini")
    problem = SettingsProblem(ini, 3, "server_url：服务器地址应以 https:// 开头", "fix it")
    broken = ITSettings(files=(ini,), problems=(problem,))
    result = outcomes(Paths.resolve(tmp_path / "d"), broken)
    assert result["settings file"] is Outcome.FAIL
    check = selftest._run("s", "s", lambda: selftest.check_settings(broken))
    assert f"{ini} 第 3 行" in check.detail
    warned = ITSettings(server_url="https://g.example.cn", files=(ini,), problems=(problem,))
    assert selftest._run("s", "s", lambda: selftest.check_settings(warned)).outcome is Outcome.WARN
    good = ITSettings(
        server_url="https://g.example.cn", files=(ini,), locked=frozenset({"auto_lock_minutes"})
    )
    detail = selftest.check_settings(good)
    assert ini in detail and "auto_lock_minutes" in detail


def test_as_system_it_leaves_no_profile_behind(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    font_ok: None,
) -> None:
    assert selftest.running_as_system({"USERNAME": "DESKTOP-01$"})
    assert selftest.running_as_system(
        {"USERNAME": "x", "USERPROFILE": r"C:\Windows\system32\config\systemprofile"}
    )
    assert not selftest.running_as_system({"USERNAME": "wang", "USERPROFILE": r"C:\Users\wang"})
    profile = tmp_path / "systemprofile"
    monkeypatch.setattr(selftest, "running_as_system", lambda: True)
    monkeypatch.setattr(Paths, "resolve", _only_with_a_data_dir(Paths.resolve, profile))
    assert main(["self-test"]) == 0
    assert "SYSTEM" in capsys.readouterr().out
    assert not profile.exists()


def _only_with_a_data_dir(resolve: object, profile: Path) -> object:
    """Paths.resolve, except that the per-user default would land in ``profile``."""

    def patched(data_dir: Path | None = None) -> Paths:
        return resolve(data_dir if data_dir is not None else profile)  # type: ignore[operator]

    return staticmethod(patched)
