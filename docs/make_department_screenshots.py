"""Screenshots of departments (职能部门) on their own laptops (docs/screenshots/department_*.png).

    QT_QPA_PLATFORM=offscreen python docs/make_department_screenshots.py

Runs tests/ui/test_department_ui.py with ``GRIDCLIENT_SCREENSHOTS`` set: a real
``gridserver serve`` process with a department list, the grid worker, township staff and
the justice office's account each signed in on a laptop of their own. Saved: the
township's 派遣 form with the township's departments dropped down
(``department_dispatch_form``), the department's main window after the dispatch arrived
(``department_main_window``: the events tab only, its department in the heading) and its
event dialog after 退回乡镇 (``department_handed_back``).
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
    test = ROOT / "tests" / "ui" / "test_department_ui.py"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)]
    code = subprocess.run(command, cwd=ROOT, env=env, check=False).returncode
    for path in sorted(OUT.glob("department_*.png")):
        print(path)
    return code


if __name__ == "__main__":
    sys.exit(main())
