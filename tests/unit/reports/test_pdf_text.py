"""Text copied out of every report PDF is the text that was printed: no Kangxi radical
(⽇ for 日, ⼈ for 人) or CJK Radicals Supplement (⻚ for 页) code point, and the words a
clerk searches for found verbatim. pdftotext reads the PDF's ToUnicode maps, as a PDF
viewer's copy and search do; its output is not normalised here."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridclient.reports.data import Report, ReportKind, build_report
from gridclient.reports.render import render_pdf
from gridclient.reports.tounicode import fix_to_unicode, is_radical
from gridclient.storage import Store
from gridcore.domain.enums import Role, SpecialGroup
from tests.unit.reports.pdftext import pdf_text, squeeze
from tests.unit.reports.sample import NOW, PERIOD, TOWNSHIP_CODE


def _every_report() -> list[tuple[str, ReportKind, Role, SpecialGroup | None]]:
    """Every report the app can produce: each kind, and the roster of every group for
    township staff (full numbers) and for a grid worker (masked)."""
    jobs: list[tuple[str, ReportKind, Role, SpecialGroup | None]] = []
    for kind in ReportKind:
        if kind is ReportKind.ROSTER:
            for group in SpecialGroup:
                jobs.append((f"roster-{group.value}", kind, Role.TOWNSHIP, group))
            jobs.append(("roster-worker", kind, Role.WORKER, SpecialGroup.DISABLED))
        else:
            jobs.append((kind.value, kind, Role.TOWNSHIP, None))
    return jobs


def _radicals(text: str) -> list[str]:
    return sorted({c for c in text if is_radical(c)})


def _report(store: Store, kind: ReportKind, role: Role, group: SpecialGroup | None) -> Report:
    program = "monitored" if kind is ReportKind.HOUSEHOLD_ROSTER else None
    return build_report(
        store, kind, TOWNSHIP_CODE, PERIOD, role=role, group=group, program=program, now=NOW
    )


@pytest.mark.parametrize(("name", "kind", "role", "group"), _every_report())
def test_every_report_pdf_copies_as_printed(
    store: Store,
    tmp_path: Path,
    name: str,
    kind: ReportKind,
    role: Role,
    group: SpecialGroup | None,
) -> None:
    report = _report(store, kind, role, group)
    pdf = tmp_path / f"{name}.pdf"
    render_pdf(report, pdf)
    text = pdf_text(pdf)
    assert _radicals(text) == []
    flat = squeeze(text)
    # Every page's footer and the signature lines.
    for word in ("第1页共", "页", "制表人", "审核人", "日期", "打印时间", "数据截至", "填报单位"):
        assert word in flat, word
    assert squeeze(report.full_title) in flat
    for row in report.rows[:5]:
        for cell in row:
            assert squeeze(str(cell)) in flat, cell


def test_known_words_found_verbatim(store: Store, tmp_path: Path) -> None:
    """The words of the defect report: 走访, 老人, 页, 日, 人 as themselves."""
    visits = tmp_path / "visits.pdf"
    render_pdf(_report(store, ReportKind.VISIT_REGISTER, Role.TOWNSHIP, None), visits)
    text = pdf_text(visits)
    assert "入户走访登记表" in text
    assert "走访" in text and "⾛" not in text
    assert "日" in text and "⽇" not in text
    elders = tmp_path / "elders.pdf"
    render_pdf(_report(store, ReportKind.ROSTER, Role.TOWNSHIP, SpecialGroup.ELDERLY_60), elders)
    text = pdf_text(elders)
    assert "老人" in text
    assert "制表人" in text and "⼈" not in text
    assert "第 1 页" in text and "⻚" not in text


def test_shared_glyph_outside_the_radical_blocks(tmp_path: Path) -> None:
    """Noto Sans CJK SC draws 胶 with the glyph of the Extension A character 㬵 (a lower
    code point): the renderer finds that from the font, and 胶 copies as 胶."""
    from datetime import UTC, datetime

    from gridclient.reports.data import Column

    report = Report(
        kind=ReportKind.VISIT_REGISTER,
        unit_name="测试县和平镇人民政府",
        period=PERIOD,
        columns=(Column("序号", 4, numeric=True), Column("走访内容", 30)),
        rows=((1, "橡胶厂老人日间照料，户口页复印"),),
        totals=None,
        printed_at=datetime(2026, 10, 30, 1, 0, tzinfo=UTC),
        data_as_of=None,
    )
    pdf = tmp_path / "glue.pdf"
    render_pdf(report, pdf)
    text = pdf_text(pdf)
    assert "橡胶厂老人日间照料，户口页复印" in squeeze(text)
    assert "㬵" not in text
    assert _radicals(text) == []


# A ToUnicode map as Qt writes it: one array range, one linear range, one bfchar.
_CMAP = (
    b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
    b"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
    b"2 beginbfrange\n<0000> <0000> <0000>\n<0001> <0003> [<2F47> <4EBA> <2EDA> ]\n"
    b"endbfrange\n1 beginbfrange\n<0004> <0005> <2F08>\nendbfrange\n"
    b"1 beginbfchar\n<0006> <3B35>\nendbfchar\n"
    b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
)


def _pdf(cmap: bytes) -> bytes:
    objects = [
        b"<< /Type /Catalog >>",
        b"<< /Type /Font /ToUnicode 3 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
        b"<< /Length 4 >>\nstream\nabcd\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return out


def _objects_at_their_offsets(pdf: bytes) -> None:
    at = pdf.rindex(b"startxref\n")
    xref = int(pdf[at + 10 :].split(b"\n")[0])
    assert pdf[xref:].startswith(b"xref\n")
    rows = pdf[xref:].split(b"\n")[2:7]
    for number, row in enumerate(rows[1:], start=1):
        offset = int(row[:10])
        assert pdf[offset:].startswith(b"%d 0 obj" % number)


def test_fix_rewrites_the_map_and_the_offsets() -> None:
    original = _pdf(_CMAP)
    _objects_at_their_offsets(original)
    fixed = fix_to_unicode(original, drawn=set("日人页儿胶"), replacements={"㬵": "胶"})
    _objects_at_their_offsets(fixed)
    assert b"<0001> <65E5>" in fixed  # ⽇ → 日
    assert b"<0002> <4EBA>" in fixed  # 人 kept
    assert b"<0003> <9875>" in fixed  # ⻚ → 页
    assert b"<0004> <4EBA>" in fixed  # the linear range ⼈⼉ → 人儿
    assert b"<0005> <513F>" in fixed
    assert b"<0006> <80F6>" in fixed  # 㬵 → 胶 from the font's shared glyph
    assert fixed.endswith(b"%%EOF\n")


def test_a_pdf_without_radicals_is_left_as_it_is() -> None:
    clean = _CMAP.replace(b"<2F47>", b"<65E5>").replace(b"<2EDA>", b"<9875>")
    clean = clean.replace(b"<0004> <0005> <2F08>", b"<0004> <0005> <4E00>")
    clean = clean.replace(b"<3B35>", b"<80F6>")
    pdf = _pdf(clean)
    assert fix_to_unicode(pdf, drawn=set("日人页一丁胶")) is pdf
