"""Every visible string has a Chinese translation, and the built catalogue is current."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "gridclient_zh_CN.ts"


def _i18n():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("i18n", ROOT / "packaging" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_source_string_is_translated() -> None:
    problems = _i18n().problems(TS)
    assert problems == [], "run `python packaging/i18n.py` and translate:\n" + "\n".join(problems)


def test_committed_catalogue_matches_its_source(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.qm"
    tool = Path(sys.executable).parent / "pyside6-lrelease"
    subprocess.run([str(tool), "-silent", str(TS), "-qm", str(fresh)], check=True)
    assert fresh.read_bytes() == TS.with_suffix(".qm").read_bytes(), (
        "gridclient_zh_CN.qm is stale: run `python packaging/i18n.py`"
    )
