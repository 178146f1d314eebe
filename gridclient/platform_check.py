"""Before the first window on Linux: is there a display, and can Qt's xcb platform
plugin load? Qt itself aborts the process ("Could not load the Qt platform plugin
xcb") without naming what is missing; this names the Debian/Ubuntu packages to install.
No Qt import here: the check must run before Qt can abort."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

__all__ = ["PACKAGES", "gui_problem", "missing_libraries"]

#: Shared library (soname) → the Debian/Ubuntu package that ships it.
PACKAGES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6",
}

_NOT_FOUND = re.compile(r"^\s*(\S+)\s*=>\s*not found", re.MULTILINE)


def _xcb_plugin() -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        plugin = Path(root) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.exists():
            return plugin
    return None


def _ldd(path: Path) -> str:
    try:
        done = subprocess.run(["ldd", str(path)], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout


def missing_libraries(plugin: Path | None, ldd: Callable[[Path], str] = _ldd) -> list[str]:
    """The sonames the xcb plugin (and the Qt libraries it loads) cannot find."""
    if plugin is None:
        return []
    return sorted(set(_NOT_FOUND.findall(ldd(plugin))))


def gui_problem(
    environ: Mapping[str, str] | None = None,
    *,
    platform: str = sys.platform,
    plugin: Callable[[], Path | None] = _xcb_plugin,
    ldd: Callable[[Path], str] = _ldd,
) -> str | None:
    """Why the window cannot open here (Chinese, with the fix), or None. Only on Linux
    and only when Qt would pick xcb (no ``QT_QPA_PLATFORM`` other than xcb)."""
    env = os.environ if environ is None else environ
    if not platform.startswith("linux"):
        return None
    chosen = env.get("QT_QPA_PLATFORM", "")
    if chosen and not chosen.startswith("xcb"):
        return None
    if not chosen and not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return (
            "没有图形界面：这台电脑没有显示器会话（未设置 DISPLAY 或 WAYLAND_DISPLAY），"
            "网格通的窗口无法显示。\n"
            "  · 在桌面会话中运行 gridclient（或用 ssh -X 转发窗口）；\n"
            "  · 服务器上请用命令行：gridclient self-test、gridclient sync、gridclient status；\n"
            "  · 只做自动化测试时可设 QT_QPA_PLATFORM=offscreen（窗口不可见）。"
        )
    if env.get("WAYLAND_DISPLAY") and not env.get("DISPLAY") and not chosen:
        return None  # Qt uses its Wayland plugin
    missing = missing_libraries(plugin(), ldd)
    if not missing:
        return None
    packages = sorted({PACKAGES.get(name, name) for name in missing})
    unknown = [name for name in missing if name not in PACKAGES]
    lines = [
        "缺少 Qt 图形界面所需的系统库，窗口无法打开：" + "、".join(missing),
        "请安装（Debian/Ubuntu）：",
        f"  sudo apt-get install {' '.join(packages)}",
    ]
    if unknown:
        lines.append("（" + "、".join(unknown) + " 所在的软件包请用 apt-file search 查找）")
    return "\n".join(lines)
