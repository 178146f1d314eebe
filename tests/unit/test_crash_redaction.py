"""Issue 12 deliver 8: the crash file goes through the same redaction as the log."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CRASH = """
import sys
from pathlib import Path
from gridclient.app import _install_excepthook
from gridclient.config import Paths
paths = Paths.resolve(Path(sys.argv[1])).ensure()
print(paths.log_dir)
_install_excepthook(paths)
resident = {"name": "张三", "id_number": "440524188001010014", "phone": "13912345678"}
raise ValueError(f"cannot save {resident} legacy 110105491231002 Bearer abcdefghijkl1234")
"""


def test_crash_file_is_redacted_like_the_log(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", CRASH, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    crash = Path(done.stdout.strip().splitlines()[0]) / "crash.txt"
    text = crash.read_text(encoding="utf-8")
    assert "ValueError: cannot save" in text  # the traceback is there…
    for secret in ("440524188001010014", "13912345678", "110105491231002", "abcdefghijkl1234"):
        assert secret not in text, secret  # …without the numbers and the token
    assert "440524********0014" in text and "139****5678" in text
