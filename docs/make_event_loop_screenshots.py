"""Screenshots of the event's closed loop on three laptops (docs/screenshots/event_loop_*.png).

    QT_QPA_PLATFORM=offscreen python docs/make_event_loop_screenshots.py

Runs tests/ui/test_event_loop_ui.py with ``GRIDCLIENT_SCREENSHOTS`` set: a real
``gridserver serve`` process, the grid worker ``w1``, a colleague ``w1c`` and township
staff ``t1`` each signed in on a laptop of their own and driven through the windows, a
sync on every laptop between every step. The test saves each laptop's event dialog after
受理, after 反馈 and at the end of the loop (``event_loop_<point>_<user>.png``), the forms
on the way, and a colleague's step the server refused (``event_loop_refused_w1c``), so
the pictures show exactly what it checked.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from shots import OUT

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    OUT.mkdir(exist_ok=True)
    python_path = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {
        **os.environ,
        "GRIDCLIENT_SCREENSHOTS": str(OUT),
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "PYTHONPATH": os.pathsep.join(python_path),
    }
    test = ROOT / "tests" / "ui" / "test_event_loop_ui.py"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)]
    code = subprocess.run(command, cwd=ROOT, env=env, check=False).returncode
    for path in sorted(OUT.glob("event_loop_*.png")):
        print(path)
    return code


if __name__ == "__main__":
    sys.exit(main())
