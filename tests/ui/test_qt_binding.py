"""Guard against a Qt binding that corrupts the interpreter.

PySide6 6.12.0 on Python 3.11 returns ``None`` from void methods and ``True`` from
``Signal.emit`` without taking a reference; after about a thousand calls the interpreter
aborts with "bool_dealloc". pyproject.toml excludes that release; this test fails if a
future upgrade brings such a build back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    ping = Signal()


def test_binding_keeps_references_to_none_and_true() -> None:
    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(200):
        probe.setObjectName("probe")
        probe.ping.emit()
    # A little slack for unrelated activity; the broken build loses 200 of each.
    assert none_before - sys.getrefcount(None) < 50
    assert true_before - sys.getrefcount(True) < 50
