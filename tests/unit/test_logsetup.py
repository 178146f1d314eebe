from __future__ import annotations

import logging
from pathlib import Path

from gridclient.logsetup import redact, setup_logging


def test_redact_masks_ids_phones_and_tokens() -> None:
    text = "id 11010519491231002X old 110105491231002 tel 13812345678 Bearer abcdefghijkl123"
    out = redact(text)
    assert "11010519491231002X" not in out and "110105********002X" in out
    assert "110105491231002" not in out
    assert "13812345678" not in out and "138****5678" in out
    assert "abcdefghijkl123" not in out


def test_log_file_never_holds_the_raw_numbers(tmp_path: Path) -> None:
    path = setup_logging(tmp_path, "DEBUG")
    logging.getLogger("gridclient.test").warning(
        "resident %s phone %s", "440524188001010014", "13912345678"
    )
    for handler in logging.getLogger().handlers:
        handler.flush()
    content = path.read_text(encoding="utf-8")
    assert "440524188001010014" not in content and "13912345678" not in content
    assert "440524********0014" in content
