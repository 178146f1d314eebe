"""证件: the document a resident's ``id_number`` belongs to (:class:`IdDocumentType`).

A 居民身份证 number (and a 港澳台居民居住证 number, built the same way) is parsed by
:mod:`gridcore.domain.idnumber`: its check digit, birth date and gender. Any other
document (a passport, a 通行证, a foreigner's permanent residence card) is kept as
written, in half-width upper case without spaces, 5–20 letters or digits. The resident
form, the roster importer and the server all check with :func:`check_document`.
"""

from __future__ import annotations

import re

from gridcore.domain import idnumber
from gridcore.domain.enums import IdDocumentType
from gridcore.domain.textnorm import strip_all_spaces, to_halfwidth

__all__ = ["DOCUMENT_WORDS", "check_document", "document_type"]

_OTHER_NUMBER = re.compile(r"^[A-Z0-9]{5,20}$")

#: What a roster's 证件类型 column says → the type.
DOCUMENT_WORDS: dict[str, IdDocumentType] = {
    **{t.label: t for t in IdDocumentType},
    "身份证": IdDocumentType.RESIDENT_ID,
    "居民身份证": IdDocumentType.RESIDENT_ID,
    "二代身份证": IdDocumentType.RESIDENT_ID,
    "港澳台居住证": IdDocumentType.HMT_RESIDENCE_PERMIT,
    "居住证": IdDocumentType.HMT_RESIDENCE_PERMIT,
    "回乡证": IdDocumentType.HK_MACAO_PERMIT,
    "港澳通行证": IdDocumentType.HK_MACAO_PERMIT,
    "台胞证": IdDocumentType.TAIWAN_PERMIT,
    "外国护照": IdDocumentType.PASSPORT,
    "中国护照": IdDocumentType.PASSPORT,
    "永居证": IdDocumentType.FOREIGN_PERMANENT,
    "外国人永久居留证": IdDocumentType.FOREIGN_PERMANENT,
    "其他": IdDocumentType.OTHER,
    # GB/T 2261 / 公安 证件类型代码 most rosters use
    "01": IdDocumentType.RESIDENT_ID,
    "111": IdDocumentType.RESIDENT_ID,
    "414": IdDocumentType.PASSPORT,
    "516": IdDocumentType.HK_MACAO_PERMIT,
    "511": IdDocumentType.TAIWAN_PERMIT,
    "553": IdDocumentType.FOREIGN_PERMANENT,
}


def document_type(text: str) -> IdDocumentType | None:
    """The type a 证件类型 cell names, ``None`` when it names none."""
    return DOCUMENT_WORDS.get(strip_all_spaces(to_halfwidth(text)))


def check_document(kind: IdDocumentType, number: str) -> str:
    """``number`` as stored for a document of ``kind``, or :class:`InvalidIdNumber`
    (its ``str()`` is a Chinese message)."""
    if kind.is_id_number:
        return idnumber.parse(number).number
    text = strip_all_spaces(to_halfwidth(number)).upper()
    if not _OTHER_NUMBER.match(text):
        raise idnumber.InvalidIdNumber(
            idnumber.IdNumberError.CHARACTERS,
            f"{kind.label}号码应为5—20位字母或数字，填写的是“{number.strip()}”",
        )
    return text
