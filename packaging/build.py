"""Build the frozen application: ``dist/gridclient/`` and
``dist/gridclient-<version>-<platform>.zip``.

    python packaging/build.py               # one-dir build + zip
    python packaging/build.py --onefile     # dist/onefile/gridclient(.exe), a single file
    python packaging/build.py --no-zip      # skip the zip (CI's self-test needs no zip)

Needs the ``[packaging]`` extra (PyInstaller). Run it from a source checkout with the
project's dependencies installed
(``pip install -e ./gridcore -e ./gridserver -e .[packaging,server]``): the demo's embedded
server is part of the client build. The build is checked before zipping: the
files the frozen code loads from disk (translations, migrations, Qt platform plugins)
must be in the bundle, or the build fails here instead of on an IT desk.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "gridclient.spec"
APP = "gridclient"

#: Files the frozen application reads from disk, relative to the bundle's data root: a few
#: resources and every migration script of both databases (listed from the source tree, so
#: a new revision can never be left out of the bundle).
GUIDE = ROOT / "docs" / "user-guide.md"


def user_guide_files() -> list[tuple[Path, str]]:
    """The user guide (帮助 → 用户指南) and every image it shows: (source file, its path
    in the bundle). The spec copies them; :data:`REQUIRED` checks they arrived."""
    text = GUIDE.read_text(encoding="utf-8")
    images = sorted(set(re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text)))
    files = [(GUIDE, "resources/help/user-guide.md")]
    files += [(GUIDE.parent / image, f"resources/help/{image}") for image in images]
    return files


#: Qt's own catalogue for the default language (QFileDialog, QPrintDialog and the other
#: dialogs of Qt in Chinese), copied beside ours by the spec: the frozen app loads it from
#: there whatever Qt's translations path says in the bundle.
QT_CATALOGUES = ("qtbase_zh_CN.qm",)

REQUIRED = (
    "resources/translations/gridclient_zh_CN.qm",
    *(f"resources/translations/{name}" for name in QT_CATALOGUES),
    *(target for _source, target in user_guide_files()),
    "gridcore/data/catalog.json",
    "gridcore/data/holidays.json",
    "resources/icons/gridclient.png",
    "gridclient/storage/migrations/env.py",
    "gridserver/migrations/env.py",
    *sorted(
        str(path.relative_to(ROOT)).replace("\\", "/")
        for folder in ("gridclient/storage/migrations/versions", "gridserver/migrations/versions")
        for path in (ROOT / folder).glob("*.py")
        if path.name != "__init__.py"
    ),
    "build_info.json",
)
#: Qt plugins the application needs, searched anywhere below the bundle.
REQUIRED_QT_PLUGINS = {
    "linux": ("platforms/libqoffscreen.so", "platforms/libqxcb.so", "printsupport"),
    "win32": ("platforms/qwindows.dll", "platforms/qoffscreen.dll", "printsupport"),
    "darwin": ("platforms/libqcocoa.dylib", "platforms/libqoffscreen.dylib", "printsupport"),
}


def version() -> str:
    namespace: dict[str, str] = {}
    init = (ROOT / "gridclient" / "__init__.py").read_text(encoding="utf-8")
    for line in init.splitlines():
        if line.startswith("__version__"):
            exec(line, namespace)  # a single assignment of a string literal
    return namespace["__version__"]


def platform_tag() -> str:
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    machine = platform.machine().lower().replace("amd64", "x86_64") or "unknown"
    return f"{system}-{machine}"


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def version_tuple(text: str) -> tuple[int, int, int, int]:
    numbers = [int("".join(c for c in part if c.isdigit()) or 0) for part in text.split(".")]
    numbers = [*numbers, 0, 0, 0, 0][:4]
    return (numbers[0], numbers[1], numbers[2], numbers[3])


def version_resource(text: str) -> str:
    """A PyInstaller version-info file: the Windows executable's Details tab."""
    numbers = version_tuple(text)
    strings = {
        "CompanyName": "GridClient",
        "FileDescription": "网格通 GridClient",
        "FileVersion": text,
        "InternalName": APP,
        "LegalCopyright": "Proprietary",
        "OriginalFilename": f"{APP}.exe",
        "ProductName": "网格通 GridClient",
        "ProductVersion": text,
    }
    entries = ",\n".join(f"          StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0,
                    OS=0x40004, fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('080404B0', [
{entries}
    ])]),
    VarFileInfo([VarStruct('Translation', [0x0804, 1200])])
  ]
)
"""


def write_build_files(work: Path, text: str) -> tuple[Path, Path]:
    work.mkdir(parents=True, exist_ok=True)
    version_file = work / "version_info.txt"
    version_file.write_text(version_resource(text), encoding="utf-8")
    info = {
        "version": text,
        "commit": git_commit(),
        "built_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "python": platform.python_version(),
        "platform": platform_tag(),
    }
    info_file = work / "build_info.json"
    info_file.write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    return version_file, info_file


_GLIBC = re.compile(rb"GLIBC_(\d+)\.(\d+)(?:\.(\d+))?\x00")


def glibc_floor(bundle: Path) -> str | None:
    """The oldest glibc the bundle runs on: the highest ``GLIBC_x.y`` symbol version
    any of its ELF files (the executable, Python's and Qt's libraries) requires. None
    for a bundle with no ELF files (Windows, macOS)."""
    highest: tuple[int, int, int] | None = None
    for path in bundle.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        with path.open("rb") as f:
            if f.read(4) != b"\x7fELF":
                continue
            data = f.read()
        for match in _GLIBC.finditer(data):
            found = (int(match[1]), int(match[2]), int(match[3] or 0))
            if highest is None or found > highest:
                highest = found
    if highest is None:
        return None
    major, minor, patch = highest
    return f"{major}.{minor}.{patch}" if patch else f"{major}.{minor}"


SIGN_CERT_ENV = "GRIDCLIENT_SIGN_CERT"
SIGN_PASSWORD_ENV = "GRIDCLIENT_SIGN_PASSWORD"
SIGN_TIMESTAMP_ENV = "GRIDCLIENT_SIGN_TIMESTAMP"
DEFAULT_TIMESTAMP = "http://timestamp.digicert.com"


def sign_command(cert: str, env: dict[str, str] | None = None) -> list[str]:
    """signtool's command line for ``cert`` (a .pfx; its password from
    ``GRIDCLIENT_SIGN_PASSWORD``), SHA-256 with an RFC 3161 timestamp; the file to sign
    is appended."""
    env = dict(os.environ if env is None else env)
    command = ["signtool", "sign", "/fd", "sha256", "/f", cert]
    if env.get(SIGN_PASSWORD_ENV):
        command += ["/p", env[SIGN_PASSWORD_ENV]]
    command += ["/tr", env.get(SIGN_TIMESTAMP_ENV) or DEFAULT_TIMESTAMP, "/td", "sha256"]
    return command


def sign_executables(bundle: Path, env: dict[str, str] | None = None) -> list[Path]:
    """Sign the bundle's .exe files when a certificate is configured
    (``GRIDCLIENT_SIGN_CERT``); returns what was signed (nothing without a certificate).
    Needs Windows' signtool (Windows SDK) on the PATH."""
    env = dict(os.environ if env is None else env)
    cert = env.get(SIGN_CERT_ENV)
    if not cert:
        return []
    if not Path(cert).is_file():
        raise SystemExit(f"{SIGN_CERT_ENV}={cert}: no such certificate file")
    signed = []
    for exe in sorted(bundle.glob("*.exe")):
        subprocess.run([*sign_command(cert, env), str(exe)], check=True)
        signed.append(exe)
    return signed


def iscc_command(env: dict[str, str] | None = None) -> str:
    """The Inno Setup line to run next (on Windows): signed when a certificate is set."""
    env = dict(os.environ if env is None else env)
    script = r"packaging\windows\gridclient.iss"
    cert = env.get(SIGN_CERT_ENV)
    if not cert:
        return f"iscc {script}"
    tool = " ".join(sign_command(cert, {**env, SIGN_PASSWORD_ENV: ""})) + " $f"
    password = f" /p %{SIGN_PASSWORD_ENV}%" if env.get(SIGN_PASSWORD_ENV) else ""
    return f'iscc /DSign "/Sgridsign={tool}{password}" {script}'


def data_root(bundle: Path) -> Path:
    """Where PyInstaller ≥ 6 puts the data of a one-dir build."""
    internal = bundle / "_internal"
    return internal if internal.is_dir() else bundle


def check_bundle(bundle: Path) -> list[str]:
    """What the one-dir bundle lacks (empty when complete)."""
    root = data_root(bundle)
    missing = [rel for rel in REQUIRED if not (root / rel).exists()]
    plugin_dirs = [p for p in root.rglob("plugins") if p.is_dir()]
    for rel in REQUIRED_QT_PLUGINS.get(sys.platform, ()):
        if not any((d / rel).exists() for d in plugin_dirs):
            missing.append(f"Qt plugin {rel}")
    return missing


def directory_size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink())


def make_zip(bundle: Path, target: Path) -> None:
    partial = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(bundle.rglob("*")):
            arcname = Path(bundle.name) / path.relative_to(bundle)
            if path.is_symlink() or path.is_file():
                archive.write(path, arcname)
    os.replace(partial, target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="build the frozen GridClient")
    parser.add_argument("--onefile", action="store_true", help="one executable, no folder")
    parser.add_argument("--no-zip", action="store_true", help="skip the zip of the folder")
    parser.add_argument("--clean", action="store_true", help="clear PyInstaller's cache first")
    parser.add_argument("--dist", type=Path, default=None, help="default: dist/ (dist/onefile/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    args = parser.parse_args(argv)

    if args.dist is None:  # the one-file executable would collide with the one-dir folder
        args.dist = ROOT / "dist" / "onefile" if args.onefile else ROOT / "dist"
    args.dist, args.work = args.dist.resolve(), args.work.resolve()
    text = version()
    version_file, info_file = write_build_files(args.work, text)
    env = dict(
        os.environ,
        GRIDCLIENT_ONEFILE="1" if args.onefile else "",
        GRIDCLIENT_VERSION_FILE=str(version_file) if sys.platform == "win32" else "",
        GRIDCLIENT_BUILD_INFO=str(info_file),
    )
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        str(SPEC),
        "--noconfirm",
        "--log-level=WARN",
        f"--distpath={args.dist}",
        f"--workpath={args.work}",
    ]
    if args.clean:
        command.append("--clean")
    started = time.perf_counter()
    cpu_before = os.times()
    subprocess.run(command, check=True, cwd=ROOT, env=env)
    cpu_after = os.times()
    seconds = time.perf_counter() - started
    cpu = (cpu_after.children_user - cpu_before.children_user) + (
        cpu_after.children_system - cpu_before.children_system
    )

    if args.onefile:
        exe = args.dist / (APP + (".exe" if sys.platform == "win32" else ""))
        print(f"built {exe} ({exe.stat().st_size / 1e6:.1f} MB) in {seconds:.0f} s")
        return 0
    bundle = args.dist / APP
    missing = check_bundle(bundle)
    if missing:
        print("the bundle is incomplete:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1
    size = directory_size(bundle)
    print(
        f"built {bundle} ({size / 1e6:.1f} MB) in {seconds:.0f} s wall, {cpu:.0f} s CPU",
        flush=True,
    )
    floor = glibc_floor(bundle)
    if floor is not None:
        info_path = data_root(bundle) / "build_info.json"
        info = json.loads(info_path.read_text(encoding="utf-8"))
        info["glibc_floor"] = floor
        info_path.write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"needs glibc >= {floor} (Linux distributions with an older glibc cannot run it)")
    if sys.platform == "win32":
        for exe in sign_executables(bundle):
            print(f"signed {exe}")
        print(f"installer: {iscc_command()}")
    if not args.no_zip:
        glibc = f"-glibc{floor}" if floor is not None else ""
        target = args.dist / f"{APP}-{text}-{platform_tag()}{glibc}.zip"
        make_zip(bundle, target)
        print(f"zipped {target} ({target.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
