"""Before Qt can abort: a machine without a display gets a clear message, and missing
xcb libraries are named with the apt-get line that installs them (issue 14)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from gridclient import __main__ as cli
from gridclient.platform_check import _xcb_plugin, gui_problem, missing_libraries

LDD = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxkbcommon-x11.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibweird.so.9 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)
"""


def _problem(env: dict[str, str], ldd: str = LDD) -> str | None:
    return gui_problem(env, platform="linux", plugin=lambda: Path("libqxcb.so"), ldd=lambda _: ldd)


def test_missing_xcb_libraries_are_named_with_the_apt_get_line() -> None:
    text = _problem({"DISPLAY": ":0"})
    assert text is not None
    assert (
        "sudo apt-get install libweird.so.9 libxcb-cursor0 libxcb-icccm4 libxkbcommon-x11-0" in text
    )
    assert "libxcb-cursor.so.0" in text and "apt-file" in text


def test_nothing_to_say_when_the_libraries_are_there_or_qt_is_told_otherwise() -> None:
    assert _problem({"DISPLAY": ":0"}, ldd="\tlibc.so.6 => /lib/libc.so.6 (0x1)\n") is None
    assert _problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert _problem({"WAYLAND_DISPLAY": "wayland-0"}) is None
    assert gui_problem({}, platform="win32") is None


def test_a_headless_machine_gets_a_clear_message() -> None:
    text = _problem({})
    assert text is not None and "DISPLAY" in text and "self-test" in text and "offscreen" in text


def test_the_real_plugin_is_found_and_checked_with_ldd() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("Linux only")
    plugin = _xcb_plugin()
    assert plugin is not None and plugin.name == "libqxcb.so"
    assert isinstance(missing_libraries(plugin), list)  # [] on a machine with Qt's deps


def test_the_gui_start_stops_before_qt_with_the_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    assert cli.main(["--demo", "--data-dir", str(tmp_path)]) == cli.NO_DISPLAY
    assert "没有图形界面" in capsys.readouterr().err
