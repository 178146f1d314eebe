"""``gridclient report`` and ``gridclient import`` against a store in a data dir."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from gridclient.__main__ import main
from gridclient.demo.local import load_dataset
from gridclient.domain.enums import EntityKind
from gridclient.storage import Store
from gridclient.storage.store import store_path
from tests.unit.reports.pdftext import pdf_text, squeeze
from tests.unit.reports.sample import GRID1_CODE, TOWNSHIP_CODE, Sample
from tests.unit.reports.test_importer import messy_roster
from tests.unit.storage.factories import CHEAP_KDF

PASSWORD = "pw-测试"


@pytest.fixture
def data_dir(tmp_path: Path, sample: Sample, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "data"
    for user in ("township01", "worker01"):
        path = store_path(root, "demo.local", user)
        with Store.create(
            path, PASSWORD, username=user, server_url="demo.local", kdf=CHEAP_KDF
        ) as s:
            load_dataset(s, sample.dataset)
    monkeypatch.setenv("GRIDCLIENT_PASSWORD", PASSWORD)
    return root


def _report(data_dir: Path, user: str, *extra: str) -> int:
    return main(
        [
            "--data-dir",
            str(data_dir),
            "report",
            *extra,
            "--area",
            TOWNSHIP_CODE,
            "--from",
            "2026-09-01",
            "--to",
            "2026-09-30",
            "--user",
            user,
        ]
    )


def test_report_pdf_and_xlsx(data_dir: Path, tmp_path: Path, sample: Sample) -> None:
    pdf = tmp_path / "summary.pdf"
    assert _report(data_dir, "township01", "网格走访情况汇总表", "--pdf", str(pdf)) == 0
    text = squeeze(pdf_text(pdf))
    assert "网格走访情况汇总表" in text and "东村第一网格" in text and "第1页共1页" in text

    full = tmp_path / "full.xlsx"
    masked = tmp_path / "masked.xlsx"
    assert _report(data_dir, "township01", "roster", "--group", "残疾人", "--xlsx", str(full)) == 0
    assert (
        _report(data_dir, "worker01", "roster", "--group", "disabled", "--xlsx", str(masked)) == 0
    )
    ids = {}
    for name, path in (("full", full), ("masked", masked)):
        sheet = load_workbook(path).active
        assert sheet is not None
        ids[name] = [r[5] for r in sheet.iter_rows(min_row=5, max_row=7, values_only=True)]
    assert all("*" not in i for i in ids["full"]) and all("********" in i for i in ids["masked"])


def test_report_errors(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.pdf"
    assert _report(data_dir, "township01", "roster", "--pdf", str(out)) == 1
    assert "--group" in capsys.readouterr().err
    assert (
        main(
            [
                "--data-dir",
                str(data_dir),
                "report",
                "visits",
                "--area",
                "9",
                "--pdf",
                str(out),
                "--user",
                "township01",
            ]
        )
        == 1
    )
    assert "找不到区域" in capsys.readouterr().err
    assert _report(data_dir, "nobody", "visits", "--pdf", str(out)) == 1
    assert "找不到用户" in capsys.readouterr().err


def test_import_dry_run_then_real(
    data_dir: Path, tmp_path: Path, sample: Sample, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "花名册.xlsx"
    existing = next(r for r in sample.dataset.residents if r.name == "张建国")
    messy_roster(roster, existing.id_number)
    path = store_path(data_dir, "demo.local", "worker01")

    def residents() -> int:
        with Store.open(path, PASSWORD) as store, store.read() as repos:
            return repos.records.counts()[EntityKind.RESIDENT]

    before = residents()
    base = ["--data-dir", str(data_dir), "import", str(roster), "--user", "worker01"]
    assert main([*base, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "可导入 6 行，有错误 7 行" in out and "未写入" in out
    assert (tmp_path / "花名册_错误行.xlsx").exists()
    assert residents() == before
    assert main(base) == 1  # two grids in this store: --grid is needed
    assert "--grid" in capsys.readouterr().err
    assert main([*base, "--grid", GRID1_CODE]) == 0
    assert "新建 3 户、6 人" in capsys.readouterr().out
    assert residents() == before + 6
