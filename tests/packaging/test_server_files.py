"""The server's deployment files (packaging/server/) install the server the way CI does:
gridcore and gridserver from the checkout, nothing else (docs/it-guide.md, 第 10 节)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "packaging" / "server"


def test_the_container_installs_gridcore_and_gridserver_from_the_checkout() -> None:
    text = (SERVER / "Containerfile").read_text(encoding="utf-8")
    copied = re.findall(r"^COPY\s+(.+?)\s+\S+\s*$", text, flags=re.MULTILINE)
    sources = [part for line in copied for part in line.split()]
    assert sources, "no COPY line"
    for source in sources:  # the build context is the repository root
        assert (ROOT / source).exists(), source
    assert "gridclient" not in sources  # a server image has no Qt, SQLCipher or keyring
    installs = re.findall(r"pip install (?:--\S+ )*(.+?)(?:\s*&&|$)", text, flags=re.MULTILINE)
    assert len(installs) == 1, installs
    targets = installs[0].split()
    assert targets == ["./gridcore", "./gridserver"], targets
    for target in targets:  # local distributions: nothing is looked up in a package index
        assert (ROOT / target / "pyproject.toml").is_file(), target


def test_the_systemd_units_install_note_matches_the_guide() -> None:
    unit = (SERVER / "gridserver.service").read_text(encoding="utf-8")
    guide = (ROOT / "docs" / "it-guide.md").read_text(encoding="utf-8")
    assert "[server]" not in unit
    assert "/gridcore <source dir>/gridserver" in unit
    assert "/opt/gridserver/bin/pip install /path/to/源码目录/gridcore" in guide
    assert "ExecStart=/opt/gridserver/bin/gridserver serve" in unit
