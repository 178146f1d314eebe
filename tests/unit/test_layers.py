"""The dependency rule of ARCHITECTURE.md: nothing below ui/ imports PySide6, and the
domain imports neither persistence nor network libraries."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "gridclient"

FORBIDDEN = {
    "domain": {"PySide6", "shiboken6", "sqlalchemy", "sqlcipher3", "requests", "keyring"},
    "storage": {"PySide6", "shiboken6", "requests", "keyring"},
    "sync": {"PySide6", "shiboken6"},
}


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports(layer: str) -> None:
    offenders = {}
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        bad = _imported_roots(path) & FORBIDDEN[layer]
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert not offenders, f"forbidden imports below ui/: {offenders}"


def test_layers_load_without_qt() -> None:
    """Importing every module of domain/, storage/ and sync/ must not pull Qt in
    indirectly (through another gridclient module)."""
    modules = [
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for layer in FORBIDDEN
        for p in sorted((PACKAGE / layer).rglob("*.py"))
    ]
    # Alembic's env and revision scripts only run inside a migration; the AST check above
    # covers them.
    modules = [m.removesuffix(".__init__") for m in modules if ".migrations" not in m]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "print(sorted(k for k in sys.modules if k.split('.')[0] in ('PySide6', 'shiboken6')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
