"""PDF text for assertions: pdftotext per page, NFKC-normalised (Noto CJK PDFs may carry
Kangxi radical code points such as ⾛ for 走)."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

# The font shares one glyph between a character and its variants, and pdftotext may pick
# the variant: fold the ones that occur in our reports (CJK Radicals Supplement has no
# NFKC mapping; 戶 is a separate ideograph).
_FOLD = str.maketrans(
    {
        "戶": "户",
        "⻚": "页",
        "⻓": "长",
        "⻔": "门",
        "⻛": "风",
        "⻋": "车",
        "⻅": "见",
        "⻢": "马",
        "⻘": "青",
        "⻬": "齐",
        "⻜": "飞",
        "⻦": "鸟",
        "⻰": "龙",
        "⻥": "鱼",
        "⻆": "角",
        "⻄": "西",
        "⻩": "黄",
        "⻝": "食",
        "⻨": "麦",
    }
)


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
    return normalise(out.stdout)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_FOLD)


def squeeze(text: str) -> str:
    """Without any whitespace: table cells may be spread or wrapped by the layout."""
    return re.sub(r"\s+", "", normalise(text))
