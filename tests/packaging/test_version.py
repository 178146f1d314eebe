"""One version source (gridclient.__version__) reaches pyproject, the server, the build,
the installer, the HTTP headers and the changelog; min_client_version compares releases
and pre-releases as designed."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
from setuptools.config.pyprojecttoml import read_configuration

import gridcore
import gridserver
from gridclient import __version__
from gridclient.sync.transport import Transport
from gridserver.config import parse_version
from tests.packaging.test_build_script import build

ROOT = Path(__file__).resolve().parents[2]


def test_the_version_is_0_3_0_this_round() -> None:
    assert __version__ == "0.7.0"


@pytest.mark.parametrize("project", [".", "gridcore", "gridserver"])
def test_the_three_distributions_release_together(project: str) -> None:
    """gridcore, gridclient and gridserver are built from one commit at one version; each
    pyproject reads its package's ``__version__``, and the three agree."""
    pyproject = ROOT / project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in text
    assert not re.search(r"^version\s*=\s*\"", text, re.MULTILINE)
    with contextlib.chdir(pyproject.parent):
        config = read_configuration(pyproject, expand=True)
    assert config["project"]["version"] == __version__
    assert gridcore.__version__ == gridserver.__version__ == __version__


def test_server_build_and_headers_use_it() -> None:
    assert gridserver.__version__ == __version__
    assert build.version() == __version__
    assert f"StringStruct('ProductVersion', '{__version__}')" in build.version_resource(
        build.version()
    )
    headers = Transport("https://grid.example.cn")._session.headers
    assert headers["User-Agent"] == f"GridClient/{__version__}"
    assert headers["X-Grid-Client-Version"] == __version__


def test_the_changelog_starts_with_this_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    first = re.search(r"^## (\S+)", text, re.MULTILINE)
    assert first is not None and first.group(1) == __version__


def test_the_installer_is_named_and_registered_with_the_exe_version() -> None:
    raw = (ROOT / "packaging" / "windows" / "gridclient.iss").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Inno Setup reads non-ASCII UTF-8 with a BOM
    iss = raw.decode("utf-8-sig")
    assert 'GetStringFileInfo(AddBackslash(SourcePath) + SourceDir + "\\" + AppExe, ' in iss
    assert '"ProductVersion")' in iss
    assert "OutputBaseFilename=gridclient-{#AppVersion}-setup" in iss
    assert "AppVersion={#AppVersion}" in iss  # 程序和功能's DisplayVersion
    assert "MinVersion=10.0.17763" in iss
    assert "SignTool=gridsign" in iss and "#ifdef Sign" in iss
    assert "{param:SETTINGS}" in iss and "SetupLogging=yes" in iss
    # The machine-wide policy file /SETTINGS= installs survives an uninstall (IT guide, 卸载):
    # Inno Setup's uninstaller removes every [Files] entry without uninsneveruninstall.
    (settings,) = [
        line for line in iss.splitlines() if line.startswith('Source: "{param:SETTINGS}"')
    ]
    assert "{commonappdata}\\GridClient" in settings and "uninsneveruninstall" in settings


def test_versions_compare_releases_and_pre_releases() -> None:
    assert parse_version("0.2") == parse_version("0.2.0")
    assert parse_version("0.1.9") < parse_version("0.2.0rc1") < parse_version("0.2.0")
    assert parse_version("0.2.0.dev3+g1a2b3c") < parse_version("0.2.0")
    assert parse_version("0.2.0") < parse_version("0.10.0")
    assert parse_version("garbage") < parse_version("0.0.1")
    assert parse_version(__version__) >= parse_version("0.1.0")  # the server's default


def test_glibc_floor_reads_the_highest_symbol_version(tmp_path: Path) -> None:
    bundle = tmp_path / "gridclient"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "gridclient").write_bytes(b"\x7fELF" + b"\0GLIBC_2.17\0GLIBC_2.2.5\0")
    (bundle / "_internal" / "libQt6Core.so.6").write_bytes(b"\x7fELF\0GLIBC_2.34\0")
    (bundle / "_internal" / "notes.txt").write_bytes(b"GLIBC_9.99\0")  # not an ELF file
    assert build.glibc_floor(bundle) == "2.34"
    (bundle / "gridclient.exe").unlink(missing_ok=True)
    assert build.glibc_floor(tmp_path / "empty") is None


def test_signing_runs_only_with_a_certificate(tmp_path: Path) -> None:
    bundle = tmp_path / "gridclient"
    bundle.mkdir()
    (bundle / "gridclient.exe").write_bytes(b"MZ")
    assert build.sign_executables(bundle, {}) == []
    assert build.iscc_command({}) == r"iscc packaging\windows\gridclient.iss"
    cert = tmp_path / "code.pfx"
    cert.write_bytes(b"pfx")
    env = {build.SIGN_CERT_ENV: str(cert), build.SIGN_PASSWORD_ENV: "s3cret"}
    command = build.sign_command(str(cert), env)
    assert command[:4] == ["signtool", "sign", "/fd", "sha256"]
    assert command[command.index("/p") : command.index("/p") + 2] == ["/p", "s3cret"]
    line = build.iscc_command(env)
    assert line.startswith('iscc /DSign "/Sgridsign=signtool sign') and "s3cret" not in line
    assert "%GRIDCLIENT_SIGN_PASSWORD%" in line
