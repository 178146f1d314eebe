"""The dependency rules (README, "Layout"; ARCHITECTURE.md): import-linter checks the
contracts in pyproject.toml (``[tool.importlinter]``) on the whole import graph, lazy
imports inside functions included; the second test proves at run time that the Qt-free
parts really load without Qt, and the server without the client."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")  # import-linter's CLI
    out = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


def _loaded_after_importing(packages: list[str]) -> set[str]:
    modules = []
    for package in packages:
        folder = ROOT.joinpath(*package.split("."))
        for path in sorted(folder.rglob("*.py")):
            if "migrations" in path.parts:
                continue  # Alembic's scripts run only inside a migration
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            modules.append(name.removesuffix(".__init__"))
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "print(' '.join(sorted({k.split('.')[0] for k in sys.modules})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(out.stdout.split())


def test_core_storage_and_sync_load_without_qt() -> None:
    loaded = _loaded_after_importing(["gridcore", "gridclient.storage", "gridclient.sync"])
    assert not loaded & {"PySide6", "shiboken6"}


def test_core_loads_without_database_or_http() -> None:
    loaded = _loaded_after_importing(["gridcore"])
    assert not loaded & {"PySide6", "sqlalchemy", "requests", "gridclient", "gridserver"}


def test_server_loads_without_the_client() -> None:
    loaded = _loaded_after_importing(["gridserver"])
    assert not loaded & {"gridclient", "PySide6", "shiboken6", "keyring", "sqlcipher3"}
