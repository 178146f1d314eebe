"""reports/ may use QtGui/QtCore/QtPrintSupport for rendering only: never QtWidgets, and
the report data and the importer import no Qt at all (not even indirectly)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
REPORTS = ROOT / "gridclient" / "reports"


def _modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_widgets_in_reports() -> None:
    for path in REPORTS.rglob("*.py"):
        assert not any("QtWidgets" in m for m in _modules(path)), path


def test_data_and_importer_load_without_qt() -> None:
    code = (
        "import sys\n"
        "import gridclient.reports.data, gridclient.imports.roster, gridclient.reports.excel\n"
        "import gridclient.imports.cli\n"
        "import gridclient.reports.cli\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
