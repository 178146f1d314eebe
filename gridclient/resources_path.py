"""Where the top-level ``resources/`` folder is, frozen or not.

In a PyInstaller build the spec copies ``resources/`` into the bundle, which unpacks to
``sys._MEIPASS``; from a source checkout it is the folder beside the ``gridclient``
package.
"""

from __future__ import annotations

import sys
from pathlib import Path

_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """The path of ``resources/<parts…>`` for this installation (not checked to exist)."""
    bundle = getattr(sys, "_MEIPASS", None)
    root = Path(bundle) if getattr(sys, "frozen", False) and bundle else _SOURCE_ROOT
    return root.joinpath("resources", *parts)
