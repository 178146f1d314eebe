"""A demo data directory built once per test session and copied for each test.

Building it (the embedded server's database, an online login and the first full sync)
takes about ten seconds; a copy of the closed directory takes milliseconds, and opening
the copy still starts the embedded server, logs in and syncs (nothing new to pull). Each
test gets its own copy in its ``tmp_path``, so tests stay independent; the template is
never opened again after it is built.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gridclient.config import Paths
from gridclient.demo.bootstrap import DemoSession, open_demo


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-template")
    open_demo(Paths.resolve(folder).ensure()).close()
    # Closed cleanly: every store folded its -wal in, so plain file copies are complete.
    leftovers = [p for p in folder.rglob("*") if p.name.endswith(("-wal", "-journal"))]
    assert not leftovers, f"demo template not closed cleanly: {leftovers}"
    return folder


def open_demo_copy(template: Path, target: Path) -> DemoSession:
    """A fresh copy of the template in ``target``, opened like a later start."""
    shutil.copytree(template, target, dirs_exist_ok=True)
    return open_demo(Paths.resolve(target).ensure())
