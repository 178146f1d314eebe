"""PDF text for assertions: pdftotext per page, verbatim. The text is not normalised:
what a clerk copies out of the PDF is what the assertions see (see
gridclient/reports/tounicode.py for the radical code points Qt used to write)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    match = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert match is not None
    return int(match.group(1))


def pdf_text(path: Path, page: int | None = None) -> str:
    command = ["pdftotext", "-raw"]
    if page is not None:
        command += ["-f", str(page), "-l", str(page)]
    out = subprocess.run([*command, str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def squeeze(text: str) -> str:
    """Without any whitespace: table cells may be spread or wrapped by the layout."""
    return re.sub(r"\s+", "", text)
