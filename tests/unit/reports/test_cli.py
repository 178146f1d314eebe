"""``gridclient report`` and ``gridclient import`` against a store in a data dir."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gridclient.__main__ import main
from gridclient.demo.local import load_dataset
from gridclient.reports.data import stored_role
from gridclient.storage import Store
from gridclient.storage.store import store_path
from gridclient.storage.syncmeta import SyncKey
from gridclient.sync.session import Profile
from gridcore.domain.enums import EntityKind, Gender, Role
from gridcore.protocol import Scope
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


def test_household_by_number_and_masked_copy(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--household`` takes the 户号 a clerk has on paper (or the internal id);
    ``--masked`` masks the numbers even for township staff."""
    pdf = tmp_path / "one.pdf"
    assert _report(data_dir, "township01", "visits", "--household", "1001", "--pdf", str(pdf)) == 0
    text = squeeze(pdf_text(pdf))
    assert "入户走访登记表（户号1001东村1组1号）" in text and "了解养老金发放情况" in text
    assert "宣传防诈骗" not in text  # another household's visit
    assert _report(data_dir, "township01", "visits", "--household", "9999", "--pdf", str(pdf)) == 1
    assert "找不到户号或住户编号为“9999”的住户" in capsys.readouterr().err
    masked = tmp_path / "masked.xlsx"
    assert (
        _report(
            data_dir, "township01", "roster", "--group", "残疾人", "--masked", "--xlsx", str(masked)
        )
        == 0
    )
    sheet = load_workbook(masked).active
    assert sheet is not None
    ids = [r[5] for r in sheet.iter_rows(min_row=5, max_row=7, values_only=True)]
    assert ids and all("********" in str(i) for i in ids)


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


def test_import_reads_the_sheet_asked_for_and_stops_on_warnings(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.unit.reports.test_real_rosters import _book, _id

    roster = _book(
        tmp_path / "第二页.xlsx",
        [[1, "冯一", _id(601, date(1990, 1, 1), Gender.MALE), None, "子", None, "0601",
          "东村6号", None, None, None]],
        before=["说明"],
    )  # fmt: skip
    base = ["--data-dir", str(data_dir), "import", str(roster), "--user", "worker01"]
    base += ["--grid", GRID1_CODE, "--sheet", "2"]
    assert main(base) == 1  # no 户主 in the household: the clerk must confirm
    captured = capsys.readouterr()
    assert (
        "工作表“花名册”" in captured.out and "提示，第 2 行：该户（第2行）没有户主" in captured.out
    )
    assert "--accept-warnings" in captured.err
    assert main([*base, "--accept-warnings"]) == 0
    assert "新建 1 户、1 人" in capsys.readouterr().out
    assert main([*base[:-1], "人口"]) == 1
    assert "没有工作表“人口”；共有：说明、花名册" in capsys.readouterr().err


def _roster_ids(data_dir: Path, tmp_path: Path, user: str, server: str) -> list[str]:
    out = tmp_path / f"{user}-{len(server)}.xlsx"
    args = ["--data-dir", str(data_dir), "report", "roster", "--group", "残疾人"]
    args += ["--area", TOWNSHIP_CODE, "--xlsx", str(out), "--user", user, "--server", server]
    assert main(args) == 0
    sheet = load_workbook(out).active
    assert sheet is not None
    return [str(r[5]) for r in sheet.iter_rows(min_row=5, max_row=7, values_only=True)]


@pytest.mark.parametrize(
    ("role", "masked"), [(Role.TOWNSHIP, False), (Role.ADMIN, False), (Role.WORKER, True)]
)
def test_role_from_the_login_decides_masking(
    tmp_path: Path,
    sample: Sample,
    monkeypatch: pytest.MonkeyPatch,
    role: Role,
    masked: bool,
) -> None:
    """A real server's user: the role the login saved in the store (as ``log_in`` does)
    decides; without a saved login everyone sees masked numbers."""
    root = tmp_path / "data"
    server = "https://grid.example.cn"
    monkeypatch.setenv("GRIDCLIENT_PASSWORD", PASSWORD)
    for user, saved in (("staff", True), ("nobody", False)):
        with Store.create(store_path(root, server, user), PASSWORD, kdf=CHEAP_KDF) as s:
            load_dataset(s, sample.dataset)
            if saved:
                scope = Scope(
                    area_id=None, area_code=None, area_name="和平镇", unrestricted=False, grids=[]
                )
                with s.write() as repos:
                    profile = Profile(user, "张干部", role, scope)
                    repos.sync_state.set(SyncKey.PROFILE, profile.to_json())
                assert stored_role(s) is role
            else:
                assert stored_role(s) is None
    staff = _roster_ids(root, tmp_path, "staff", server)
    assert staff and all(("********" in i) is masked for i in staff)
    assert all("********" in i for i in _roster_ids(root, tmp_path, "nobody", server))


def test_saved_role_wins_over_the_demo_account(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """township01 is a township account in the demo, but its store says worker."""
    path = store_path(data_dir, "demo.local", "township01")
    with Store.open(path, PASSWORD) as s, s.write() as repos:
        scope = Scope(area_id=None, area_code=None, area_name="", unrestricted=False, grids=[])
        repos.sync_state.set(
            SyncKey.PROFILE, Profile("township01", "x", Role.WORKER, scope).to_json()
        )
    assert all("********" in i for i in _roster_ids(data_dir, tmp_path, "township01", "demo.local"))


def _report_for(data_dir: Path, *extra: str) -> int:
    area = ["--area", TOWNSHIP_CODE, "--user", "township01"]
    return main(["--data-dir", str(data_dir), "report", *extra, *area])


@pytest.mark.parametrize(
    ("option", "value", "period"),
    [
        ("--month", "2026-09", "2026年9月1日至2026年9月30日"),
        ("--quarter", "2026Q3", "2026年7月1日至2026年9月30日"),
        ("--quarter", "2026-q3", "2026年7月1日至2026年9月30日"),
        ("--year", "2026", "2026年1月1日至2026年12月31日"),
    ],
)
def test_report_for_a_month_quarter_or_year(
    data_dir: Path, tmp_path: Path, option: str, value: str, period: str
) -> None:
    pdf = tmp_path / "ledger.pdf"
    assert _report_for(data_dir, "事件台账", option, value, "--pdf", str(pdf)) == 0
    text = squeeze(pdf_text(pdf))
    assert f"统计期间：{period}" in text and "事件台账" in text


def test_report_period_errors(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = str(tmp_path / "x.pdf")
    with pytest.raises(SystemExit) as bad:
        _report_for(data_dir, "visits", "--quarter", "2026Q5", "--pdf", pdf)
    assert bad.value.code == 2 and "季度格式应为 YYYYQn" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _report_for(data_dir, "visits", "--month", "2026-09", "--year", "2026", "--pdf", pdf)
    assert "not allowed with" in capsys.readouterr().err
    code = _report_for(data_dir, "visits", "--year", "2026", "--from", "2026-01-01", "--pdf", pdf)
    assert code == 1 and "不能与 --from/--to 同时使用" in capsys.readouterr().err
    assert not Path(pdf).exists()


def test_household_roster_from_the_command_line(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "低保.xlsx"
    args = ["--data-dir", str(data_dir), "report", "重点户花名册", "--area", TOWNSHIP_CODE]
    args += ["--xlsx", str(out), "--user", "township01"]
    assert main(args) == 1
    assert "--program" in capsys.readouterr().err
    assert main([*args, "--program", "五保"]) == 1
    assert "没有“五保”这类户" in capsys.readouterr().err
    assert main([*args, "--program", "低保户"]) == 0
    assert "重点户花名册（低保户）" in capsys.readouterr().out and out.exists()


def test_mediation_ledger_from_the_command_line(data_dir: Path, tmp_path: Path) -> None:
    """gridclient report 矛盾纠纷调解台账 --pdf/--xlsx: the rows and the 调处成功率."""
    pdf, xlsx = tmp_path / "m.pdf", tmp_path / "m.xlsx"
    assert _report(data_dir, "township01", "矛盾纠纷调解台账", "--pdf", str(pdf)) == 0
    text = squeeze(pdf_text(pdf))
    assert "矛盾纠纷调解台账" in text and "调处成功率66.7%" in text and "王某、赵某" in text
    assert _report(data_dir, "township01", "mediations", "--xlsx", str(xlsx)) == 0
    sheet = load_workbook(xlsx).active
    assert sheet is not None
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "调解成功" in cells and "进行中" in cells
    assert any("调处成功率 66.7%" in c for c in cells)


def test_place_roster_from_the_command_line(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "场所.pdf"
    args = ["--data-dir", str(data_dir), "report", "场所名册", "--area", TOWNSHIP_CODE]
    args += ["--pdf", str(out), "--user", "township01"]
    with pytest.raises(SystemExit) as bad:
        main([*args, "--place-kind", "网吧"])
    assert bad.value.code == 2 and "未知的场所类别：网吧" in capsys.readouterr().err
    assert main([*args, "--place-kind", "出租房屋"]) == 0
    assert "场所名册（出租房屋）" in capsys.readouterr().out and out.exists()
    assert "场所名册（出租房屋）" in squeeze(pdf_text(out))
    ledger = ["--data-dir", str(data_dir), "report", "事件台账", "--area", TOWNSHIP_CODE]
    ledger += ["--pdf", str(tmp_path / "x.pdf"), "--user", "township01"]
    assert main([*ledger, "--place-kind", "出租房屋"]) == 1
    assert "--place-kind 只用于场所名册" in capsys.readouterr().err


def test_monitoring_ledger_from_the_command_line(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = tmp_path / "台账.pdf"
    assert _report_for(data_dir, "防返贫监测台账", "--year", "2026", "--pdf", str(pdf)) == 0
    assert "已生成 防返贫监测台账" in capsys.readouterr().out
    text = squeeze(pdf_text(pdf))
    assert "防返贫监测台账" in text and "统计期间：2026年1月1日至2026年12月31日" in text
    xlsx = tmp_path / "台账.xlsx"
    assert _report_for(data_dir, "monitoring", "--month", "2026-09", "--xlsx", str(xlsx)) == 0
    assert xlsx.exists()
