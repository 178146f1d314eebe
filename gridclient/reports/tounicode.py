"""Correct the ToUnicode maps of a PDF written by Qt, so its text copies and searches as
the characters that were drawn.

A PDF shows glyphs; what a reader copies or searches comes from each font's ToUnicode
map (glyph → text). Qt writes that map from the font's character map, and when several
code points share one glyph it takes the *lowest*. CJK fonts (Noto Sans CJK, Microsoft
YaHei, …) draw the Kangxi radical ⽇ (U+2F47) and the ideograph 日 (U+65E5) with the same
glyph, and the radical blocks come before the ideographs, so every 日, 人, 走, 页 … in the
PDF copied out as ⽇, ⼈, ⾛, ⻚ and a search for "老人" found nothing. A few fonts also
share a glyph between an Extension A character and a common one (Noto Sans CJK SC: 㬵 and
胶).

:func:`fix_to_unicode` rewrites the maps after Qt has written the file: every target
that was not drawn but shares its glyph with a character that was (``replacements``,
found from the font by the renderer), and every radical code point that was not drawn
(by Unicode's equivalent unified ideograph), becomes the drawn character. Only the
ToUnicode streams, their ``/Length`` and the cross-reference offsets change; what is
printed stays byte for byte the same. No Qt here: the renderer passes what it knows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from pathlib import Path

__all__ = [
    "RADICAL_BLOCKS",
    "equivalent_ideograph",
    "fix_to_unicode",
    "fix_to_unicode_file",
    "is_radical",
]

#: CJK Radicals Supplement and Kangxi Radicals: never what a report means to say.
RADICAL_BLOCKS = ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF))

# CJK Radicals Supplement → the unified ideograph drawn with the same glyph (Unicode's
# EquivalentUnifiedIdeograph data; the same pairs share a glyph in Noto Sans/Serif CJK).
# Kangxi radicals have a compatibility decomposition instead (NFKC), except that the
# simplified-Chinese reading of ⼾ (DOOR) is 户, the glyph SC fonts draw for it.
_SUPPLEMENT = (
    "⺂乛⺃乚⺅亻⺉刂⺋㔾⺎兀⺏尣⺐尢⺒巳⺓幺⺔彑⺕彐⺖忄⺘扌⺙攵⺛旡⺞歺⺟母⺠民⺡氵⺣灬⺤爫⺦丬"
    "⺨犭⺫罒⺭礻⺯糹⺰纟⺱罓⺲罒⺳㓁⺹耂⺺肀⺾艹⺿艹⻁虎⻂衤⻃覀⻄西⻅见⻆角⻈讠⻉贝⻋车⻌辶"
    "⻍辶⻎辶⻐钅⻑長⻒镸⻓长⻔门⻖阝⻘青⻙韦⻚页⻛风⻜飞⻝食⻟飠⻠饣⻢马⻣骨⻤鬼⻥鱼⻦鸟⻧卤"
    "⻨麦⻩黄⻪黾⻫斉⻬齐⻭歯⻮齿⻯竜⻰龙⻱龜⻲亀⻳龟"
)
_EQUIVALENT: dict[str, tuple[str, ...]] = {
    _SUPPLEMENT[i]: (_SUPPLEMENT[i + 1],) for i in range(0, len(_SUPPLEMENT), 2)
}
_EQUIVALENT["⼾"] = ("户", "戶", "戸")


def is_radical(char: str) -> bool:
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in RADICAL_BLOCKS)


def equivalent_ideograph(radical: str, drawn: Collection[str] = ()) -> str | None:
    """The unified ideograph a radical code point stands for in running text: one of its
    equivalents that was drawn, else the first; None when it has none."""
    candidates = _EQUIVALENT.get(radical)
    if candidates is None:
        folded = unicodedata.normalize("NFKC", radical)
        candidates = (folded,) if folded != radical else ()
    for candidate in candidates:
        if candidate in drawn:
            return candidate
    return candidates[0] if candidates else None


_OBJ = re.compile(rb"(\d+) 0 obj\s*")
_TO_UNICODE_REF = re.compile(rb"/ToUnicode\s+(\d+)\s+0\s+R")
_STREAM_HEAD = re.compile(rb"<<\s*/Length\s+(\d+)\s*>>\s*stream\r?\n")
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")
_XREF = re.compile(rb"\nxref\s*\n(\d+) (\d+)\s*\n")
_STARTXREF = re.compile(rb"startxref\s*\n(\d+)")


def _decode(hex_text: bytes) -> str:
    raw = bytes.fromhex(hex_text.decode("ascii"))
    return raw.decode("utf-16-be", errors="surrogatepass")


def _encode(text: str) -> str:
    return text.encode("utf-16-be", errors="surrogatepass").hex().upper()


def _parse_cmap(body: bytes) -> dict[int, str] | None:
    """glyph (CID) → text of a ToUnicode CMap, from its bfchar and bfrange sections; None
    when it holds something this parser does not know (then it is left alone)."""
    mapping: dict[int, str] = {}
    for section in re.finditer(rb"beginbfchar(.*?)endbfchar", body, re.S):
        codes = _HEX.findall(section.group(1))
        if len(codes) % 2:
            return None
        for i in range(0, len(codes), 2):
            mapping[int(codes[i], 16)] = _decode(codes[i + 1])
    for section in re.finditer(rb"beginbfrange(.*?)endbfrange", body, re.S):
        for line in section.group(1).splitlines():
            line = line.strip()
            if not line:
                continue
            match = re.fullmatch(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(.*)", line)
            if match is None:
                return None
            first, last, rest = int(match.group(1), 16), int(match.group(2), 16), match.group(3)
            if rest.startswith(b"["):
                targets = [_decode(h) for h in _HEX.findall(rest)]
                if len(targets) != last - first + 1:
                    return None
                mapping.update(zip(range(first, last + 1), targets, strict=True))
            else:
                start = _HEX.fullmatch(rest.strip())
                if start is None:
                    return None
                text = _decode(start.group(1))
                for offset, cid in enumerate(range(first, last + 1)):
                    mapping[cid] = text[:-1] + chr(ord(text[-1]) + offset) if text else ""
    return mapping


def _write_cmap(mapping: Mapping[int, str]) -> bytes:
    entries = sorted(mapping.items())
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    for start in range(0, len(entries), 100):  # at most 100 entries per section
        block = entries[start : start + 100]
        lines.append(f"{len(block)} beginbfchar")
        lines.extend(f"<{cid:04X}> <{_encode(text)}>" for cid, text in block)
        lines.append("endbfchar")
    lines += [
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return ("\n".join(lines) + "\n").encode("ascii")


def _corrected(
    mapping: dict[int, str], drawn: Collection[str], replacements: Mapping[str, str]
) -> bool:
    changed = False
    for cid, text in mapping.items():
        if len(text) != 1 or text in drawn:
            continue
        better = replacements.get(text)
        if better is None and is_radical(text):
            better = equivalent_ideograph(text, drawn)
        if better is not None and better != text:
            mapping[cid] = better
            changed = True
    return changed


def fix_to_unicode(
    pdf: bytes, drawn: Collection[str] = (), replacements: Mapping[str, str] | None = None
) -> bytes:
    """``pdf`` with its ToUnicode maps corrected (see the module docstring).

    ``drawn``: the characters the document was painted with (a target among them is
    right as it is); ``replacements``: code point Qt will have written → the drawn
    character with the same glyph, from the fonts used. Returns ``pdf`` unchanged when
    there is nothing to correct or the file is not laid out as Qt writes it."""
    references = {int(n) for n in _TO_UNICODE_REF.findall(pdf)}
    if not references:
        return pdf
    xref = list(_XREF.finditer(pdf))
    startxref = list(_STARTXREF.finditer(pdf))
    if len(xref) != 1 or len(startxref) != 1:
        return pdf  # incremental updates or a cross-reference stream: not Qt's layout
    table_at = xref[0].start() + 1
    first, count = int(xref[0].group(1)), int(xref[0].group(2))
    rows_at = xref[0].end()
    rows = pdf[rows_at : rows_at + 20 * count]
    offsets: dict[int, int] = {}
    for i in range(count):
        row = rows[20 * i : 20 * i + 20]
        if row[17:18] == b"n":
            offsets[first + i] = int(row[:10])
    edits: list[tuple[int, int, bytes]] = []  # (start, end, replacement) of each stream
    for number in sorted(references):
        at = offsets.get(number)
        if at is None:
            continue
        obj = _OBJ.match(pdf, at)
        if obj is None or int(obj.group(1)) != number:
            return pdf
        head = _STREAM_HEAD.match(pdf, obj.end())
        if head is None:
            continue  # a filtered or indirect-length stream: Qt writes neither here
        length = int(head.group(1))
        body = pdf[head.end() : head.end() + length]
        mapping = _parse_cmap(body)
        if mapping is None or not _corrected(mapping, drawn, replacements or {}):
            continue
        new_body = _write_cmap(mapping)
        new_head = f"<< /Length {len(new_body)} >>\nstream\n".encode("ascii")
        edits.append((head.start(), head.end() + length, new_head + new_body))
    if not edits:
        return pdf

    def moved(position: int) -> int:
        return position + sum(
            len(new) - (end - start) for start, end, new in edits if end <= position
        )

    parts: list[bytes] = []
    cursor = 0
    for start, end, new in sorted(edits):
        parts += [pdf[cursor:start], new]
        cursor = end
    parts.append(pdf[cursor:table_at])
    out = b"".join(parts)
    table = bytearray(pdf[table_at:rows_at])
    for i in range(count):
        row = rows[20 * i : 20 * i + 20]
        if row[17:18] == b"n":
            row = b"%010d" % moved(int(row[:10])) + row[10:]
        table += row
    tail = pdf[rows_at + 20 * count :]
    tail = _STARTXREF.sub(lambda m: b"startxref\n%d" % len(out), tail)
    return out + bytes(table) + tail


def fix_to_unicode_file(
    path: Path, drawn: Collection[str] = (), replacements: Mapping[str, str] | None = None
) -> None:
    """:func:`fix_to_unicode` on a file, rewritten in place only when something changed."""
    data = path.read_bytes()
    fixed = fix_to_unicode(data, drawn, replacements)
    if fixed is not data:
        path.write_bytes(fixed)
