"""Text normalisation shared by the domain validators.

Values typed by grid workers arrive through Chinese IMEs, Excel cells and copy-paste from
WeChat or web pages, so they carry full-width characters (``１３８``, ``Ｘ``, ``（）``),
full-width spaces (U+3000), non-breaking spaces and zero-width characters.  These helpers
remove that noise without touching anything else.
"""

from __future__ import annotations

__all__ = ["strip_all_spaces", "to_halfwidth"]

# U+FF01..U+FF5E are the full-width forms of ASCII U+0021..U+007E (a fixed offset of
# 0xFEE0); U+3000 is the ideographic (full-width) space.  For exactly these code points
# this table gives the same result as unicodedata.normalize("NFKC", ...), but unlike NFKC
# it leaves every other character alone (NFKC would also turn "①" into "1", "²" into "2"
# and decompose "ﬁ" ligatures, which a validator should reject rather than silently fix).
_HALFWIDTH_TABLE: dict[int, int] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_HALFWIDTH_TABLE[0x3000] = 0x20

# Characters that are invisible but are not str.isspace(): zero-width space, zero-width
# non-joiner, zero-width joiner, word joiner and the byte-order mark / zero-width
# no-break space (Excel and Notepad put U+FEFF at the start of CSV files).
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")


def to_halfwidth(text: str) -> str:
    """Convert full-width ASCII forms (U+FF01–U+FF5E) and U+3000 to their ASCII forms.

    ``to_halfwidth("１３８　１２３４")`` → ``"138 1234"``; ``"ｘ"`` → ``"x"``;
    ``"（０１０）"`` → ``"(010)"``.  All other characters are returned unchanged.
    """
    return text.translate(_HALFWIDTH_TABLE)


def strip_all_spaces(text: str) -> str:
    """Remove every whitespace character anywhere in ``text``.

    Removes everything for which ``str.isspace()`` is true (ASCII space, tab, newlines,
    NBSP U+00A0, the full-width space U+3000 and other Unicode spaces) plus the zero-width
    characters U+200B, U+200C, U+200D, U+2060 and U+FEFF.
    """
    return "".join(ch for ch in text if not ch.isspace() and ch not in _INVISIBLE)
