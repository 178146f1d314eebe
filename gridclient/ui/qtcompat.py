"""Work-around for a reference-counting bug of the Qt binding on Python 3.11.

The PySide6 6.12 build in use returns ``None`` from every void method, and ``True`` from
``Signal.emit``, without taking a reference, as if they were immortal (they are only
from Python 3.12). On 3.11 each call costs the singleton one reference, and after some
thousands of calls — minutes of normal use, or one busy loop — the interpreter aborts
with "none_dealloc" or "bool_dealloc". The bug is detected, not assumed: on an
unaffected interpreter or binding :func:`pin_singletons` does nothing.

The fix gives ``None``, ``True`` and ``False`` a reference count so large that no
session can exhaust it, which is what Python 3.12 does for them anyway. They are
statically allocated and never freed, so nothing leaks.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

_PROBES = 16
_PIN = 1 << 40
"""References added: at a million lost references a second, thirty years of use."""


class _Probe(QObject):
    ping = Signal()


def binding_drops_references() -> bool:
    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(_PROBES):
        probe.setObjectName("probe")
        probe.ping.emit()
    return (
        none_before - sys.getrefcount(None) >= _PROBES
        or true_before - sys.getrefcount(True) >= _PROBES
    )


def pin_singletons() -> bool:
    """Make ``None``, ``True`` and ``False`` effectively immortal when the binding
    drops references to them (Python < 3.12 only). Idempotent; True when applied."""
    if sys.version_info >= (3, 12) or sys.getrefcount(None) > _PIN // 2:
        return False
    if not binding_drops_references():
        return False
    for singleton in (None, True, False):
        # CPython < 3.12: ob_refcnt is the first field of every object, at id(obj).
        ctypes.c_ssize_t.from_address(id(singleton)).value += _PIN
    return True
