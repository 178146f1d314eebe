"""``gridclient report event-ledger|event-stats`` with --ledger/--category/--state/--overdue."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from gridclient.__main__ import main
from gridclient.demo.local import load_dataset
from gridclient.storage import Store
from gridclient.storage.store import store_path
from tests.unit.reports.event_sample import TOWNSHIP, build_event_sample
from tests.unit.reports.pdftext import pdf_text, squeeze
from tests.unit.storage.factories import CHEAP_KDF

PASSWORD = "pw-测试"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "data"
    path = store_path(root, "demo.local", "township01")
    with Store.create(
        path, PASSWORD, username="township01", server_url="demo.local", kdf=CHEAP_KDF
    ) as s:
        load_dataset(s, build_event_sample().dataset)
    monkeypatch.setenv("GRIDCLIENT_PASSWORD", PASSWORD)
    return root


def _report(data_dir: Path, *extra: str) -> int:
    return main(
        [
            "--data-dir",
            str(data_dir),
            "report",
            *extra,
            "--area",
            TOWNSHIP,
            "--from",
            "2026-09-01",
            "--to",
            "2026-09-30",
            "--user",
            "township01",
        ]
    )


def _numbers(path: Path) -> list[str]:
    sheet = load_workbook(path).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row]
    return [c for c in cells if isinstance(c, str) and c.startswith("2026-100-")]


def test_each_ledger_on_its_own(data_dir: Path, tmp_path: Path) -> None:
    expected = {
        "意见建议": ["2026-100-00004", "2026-100-00005"],
        "利益诉求账": ["2026-100-00002", "2026-100-00003", "2026-100-00006"],  # + e7 待编号
        "complaint": ["2026-100-00001", "2026-100-00007"],
    }
    for ledger, numbers in expected.items():
        out = tmp_path / f"{ledger}.xlsx"
        assert _report(data_dir, "事件台账", "--ledger", ledger, "--xlsx", str(out)) == 0
        assert _numbers(out) == numbers, ledger


def test_overdue_list_and_category_stats(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "done-late.pdf"
    args = ("event-ledger", "--state", "已办结", "--overdue", "--pdf", str(out))
    assert _report(data_dir, *args) == 0
    text = squeeze(pdf_text(out))
    assert "超期办结" in text and "2026-100-00001" in text and "2026-100-00002" not in text
    stats = tmp_path / "stats.pdf"
    assert _report(data_dir, "事件办理统计", "--category", "01001", "--pdf", str(stats)) == 0
    text = squeeze(pdf_text(stats))
    assert "邻里纠纷" in text and "消防安全隐患" not in text


def test_bad_filters_say_why(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.pdf"
    with pytest.raises(SystemExit):
        _report(data_dir, "event-ledger", "--ledger", "四本账", "--pdf", str(out))
    assert "未知的台账" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _report(data_dir, "event-ledger", "--state", "半办结", "--pdf", str(out))
    assert "未知的状态" in capsys.readouterr().err
    assert _report(data_dir, "visit-summary", "--overdue", "--pdf", str(out)) == 1
    assert "只用于事件台账和事件办理统计" in capsys.readouterr().err
    assert not out.exists()
