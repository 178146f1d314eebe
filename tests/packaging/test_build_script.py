"""packaging/build.py's pieces that need no PyInstaller run, and where the code looks for
its data frozen and unfrozen."""

from __future__ import annotations

import importlib.util
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from gridclient import __version__
from gridclient.resources_path import resource_path

ROOT = Path(__file__).resolve().parents[2]


def load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gridclient_build", ROOT / "packaging" / "build.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = load_build()


def test_the_version_comes_from_the_package() -> None:
    assert build.version() == __version__
    assert build.version_tuple("1.2") == (1, 2, 0, 0)
    assert build.version_tuple("0.1.0rc2") == (0, 1, 2, 0)


def test_the_windows_version_resource_names_the_product_and_version() -> None:
    text = build.version_resource("1.4.2")
    assert "filevers=(1, 4, 2, 0)" in text
    assert "StringStruct('ProductVersion', '1.4.2')" in text
    assert "网格通" in text
    compile(text, "version_info.txt", "eval")  # PyInstaller evaluates it


def test_build_info_is_written(tmp_path: Path) -> None:
    version_file, info_file = build.write_build_files(tmp_path, "9.9.9")
    assert version_file.exists()
    assert '"version": "9.9.9"' in info_file.read_text(encoding="utf-8")


def fake_bundle(root: Path, *, skip: str = "") -> Path:
    bundle = root / "gridclient"
    data = bundle / "_internal"
    for rel in build.REQUIRED:
        if rel != skip:
            (data / rel).parent.mkdir(parents=True, exist_ok=True)
            (data / rel).write_text("x")
    plugins = data / "PySide6" / "Qt" / "plugins"
    for rel in build.REQUIRED_QT_PLUGINS.get(sys.platform, ()):
        (plugins / rel).parent.mkdir(parents=True, exist_ok=True)
        (plugins / rel).write_text("x")
    return bundle


def test_a_complete_bundle_passes_the_check(tmp_path: Path) -> None:
    assert build.check_bundle(fake_bundle(tmp_path)) == []


@pytest.mark.parametrize(
    "missing",
    [
        "gridclient/storage/migrations/versions/r0001_domain_tables.py",
        "resources/translations/gridclient_zh_CN.qm",
        "gridserver/migrations/env.py",
    ],
)
def test_a_bundle_without_a_file_the_code_loads_from_disk_fails(
    tmp_path: Path, missing: str
) -> None:
    assert build.check_bundle(fake_bundle(tmp_path, skip=missing)) == [missing]


def test_the_user_guide_its_images_and_qt_catalogue_are_required_in_the_bundle() -> None:
    assert "resources/help/user-guide.md" in build.REQUIRED
    assert "resources/translations/qtbase_zh_CN.qm" in build.REQUIRED
    files = build.user_guide_files()
    images = [target for _source, target in files if target.endswith(".png")]
    assert "resources/help/screenshots/lock.png" in images and len(images) >= 10
    assert all(source.is_file() for source, _target in files)  # every image it shows exists


def test_the_spec_bundles_the_user_guide_and_qt_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the spec's top half (its data list) with PyInstaller's build steps stubbed."""
    import PyInstaller.utils.hooks as hooks  # the [packaging] extra

    monkeypatch.setattr(hooks, "copy_metadata", lambda _name: [])
    monkeypatch.setattr(hooks, "collect_data_files", lambda _name: [])
    monkeypatch.setattr(hooks, "collect_submodules", lambda _name: [])
    seen: dict[str, object] = {}

    def analysis(*_args: object, **kwargs: object) -> object:
        seen.update(kwargs)
        return type("A", (), {"pure": [], "scripts": [], "binaries": [], "datas": []})()

    def stub(*_args: object, **_kwargs: object) -> None:
        return None

    namespace = {
        "SPECPATH": str(ROOT / "packaging"),
        "Analysis": analysis,
        "PYZ": stub,
        "EXE": stub,
        "COLLECT": stub,
    }
    source = (ROOT / "packaging" / "gridclient.spec").read_text(encoding="utf-8")
    exec(compile(source, "gridclient.spec", "exec"), namespace)
    datas = seen["datas"]
    assert isinstance(datas, list)
    placed = {(Path(src).name, dest.replace("\\", "/")) for src, dest in datas}
    assert ("qtbase_zh_CN.qm", "resources/translations") in placed
    assert ("user-guide.md", "resources/help") in placed
    assert ("lock.png", "resources/help/screenshots") in placed
    for src, _dest in datas:
        assert Path(src).exists(), src


def test_every_client_migration_is_required_in_the_bundle() -> None:
    versions = ROOT / "gridclient" / "storage" / "migrations" / "versions"
    for revision in versions.glob("r*.py"):
        assert f"gridclient/storage/migrations/versions/{revision.name}" in build.REQUIRED


def test_the_zip_holds_the_folder(tmp_path: Path) -> None:
    bundle = fake_bundle(tmp_path)
    target = tmp_path / "out.zip"
    build.make_zip(bundle, target)
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
    assert "gridclient/_internal/build_info.json" in names
    assert not target.with_name("out.zip.partial").exists()


def test_resources_are_found_unfrozen_and_frozen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    icon = resource_path("icons", "gridclient.png")
    assert icon == ROOT / "resources" / "icons" / "gridclient.png"
    assert icon.is_file()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert (
        resource_path("icons", "gridclient.png")
        == tmp_path / "resources" / "icons" / "gridclient.png"
    )


def test_the_icon_exists_in_both_formats() -> None:
    icons = ROOT / "resources" / "icons"
    assert (icons / "gridclient.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (icons / "gridclient.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
