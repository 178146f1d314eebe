"""证件类型: a 居民身份证 number is parsed, any other document's number kept as written."""

from __future__ import annotations

import pytest

from gridcore.domain import idnumber
from gridcore.domain.enums import IdDocumentType as T
from gridcore.domain.iddocument import check_document, document_type


def test_resident_id_numbers_are_parsed_and_others_kept_as_written() -> None:
    assert check_document(T.RESIDENT_ID, "11010519491231002x") == "11010519491231002X"
    assert check_document(T.PASSPORT, " e１２３４ 5678 ") == "E12345678"
    assert check_document(T.HK_MACAO_PERMIT, "H12345678") == "H12345678"
    with pytest.raises(idnumber.InvalidIdNumber):
        check_document(T.RESIDENT_ID, "E12345678")
    with pytest.raises(idnumber.InvalidIdNumber, match="护照号码应为5—20位字母或数字"):
        check_document(T.PASSPORT, "E1")
    with pytest.raises(idnumber.InvalidIdNumber, match="外国人永久居留身份证号码"):
        check_document(T.FOREIGN_PERMANENT, "ABC-12345")


def test_roster_words_and_codes_name_the_type() -> None:
    assert document_type("身份证") is T.RESIDENT_ID
    assert document_type("护 照") is T.PASSPORT
    assert document_type("台胞证") is T.TAIWAN_PERMIT
    assert document_type("414") is T.PASSPORT
    assert document_type("驾驶证") is None
    assert T.HMT_RESIDENCE_PERMIT.is_id_number and not T.PASSPORT.is_id_number
