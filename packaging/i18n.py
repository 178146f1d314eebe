"""Refresh the translation sources and build the catalogues.

    python packaging/i18n.py            # lupdate (.py → .ts) then lrelease (.ts → .qm)
    python packaging/i18n.py --check    # fail if the .ts lacks a string or a translation

The ``.ts`` files under ``resources/translations`` are the source of truth for the
Chinese text (edit them with Qt Linguist, ``pyside6-linguist``); the ``.qm`` files are
built from them and committed so a source checkout runs without a build step.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = ["zh_CN"]


def sources() -> list[Path]:
    ui = sorted((ROOT / "gridclient" / "ui").rglob("*.py"))
    return [*ui, ROOT / "gridclient" / "app.py"]


def _tool(name: str) -> str:
    exe = Path(sys.executable).parent / f"pyside6-{name}"
    if exe.exists():
        return str(exe)
    found = shutil.which(f"pyside6-{name}")
    if found is None:
        raise SystemExit(f"pyside6-{name} not found; install PySide6")
    return found


def lupdate(ts: Path, *, obsolete: bool = False) -> None:
    args = [_tool("lupdate"), *map(str, sources()), "-ts", str(ts), "-silent"]
    if not obsolete:
        args.insert(-2, "-no-obsolete")
    subprocess.run(args, check=True, cwd=ROOT)


def lrelease(ts: Path) -> Path:
    qm = ts.with_suffix(".qm")
    subprocess.run([_tool("lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
    return qm


def problems(ts: Path) -> list[str]:
    """Messages without a finished translation, and strings the sources have that the
    .ts lacks (i.e. lupdate was not run after a change)."""
    found = []
    for message in ET.parse(ts).getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        numerus = message.get("numerus") == "yes"
        if translation is None:
            found.append(f"no translation: {source!r}")
            continue
        kind = translation.get("type")
        if kind in ("obsolete", "vanished"):
            continue
        text = (
            "".join(f.text or "" for f in translation.iter("numerusform"))
            if numerus
            else (translation.text or "")
        )
        if kind == "unfinished" or not text.strip():
            found.append(f"untranslated: {source!r}")
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / ts.name
        shutil.copy(ts, fresh)
        lupdate(fresh)
        have = {m.findtext("source") for m in ET.parse(ts).getroot().iter("message")}
        for message in ET.parse(fresh).getroot().iter("message"):
            if message.findtext("source") not in have:
                found.append(f"missing from {ts.name}: {message.findtext('source')!r}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    status = 0
    for lang in LANGUAGES:
        ts = TRANSLATIONS / f"gridclient_{lang}.ts"
        if args.check:
            for problem in problems(ts):
                print(f"{ts.name}: {problem}")
                status = 1
        else:
            lupdate(ts)
            print(lrelease(ts))
    return status


if __name__ == "__main__":
    sys.exit(main())
