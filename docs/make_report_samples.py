"""Regenerate docs/reports/*.png: page 1 of each report, from the demo data (S size).

    QT_QPA_PLATFORM=offscreen python docs/make_report_samples.py

Builds the demo township in a temporary store, renders each report to PDF for the
township (the roster of 残疾人 as township staff would print it, then as a grid worker
sees it with masked numbers) and converts page 1 to PNG with ``pdftoppm -r 80``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from gridclient.demo import generate
from gridclient.demo.local import load_dataset
from gridclient.domain.enums import AreaLevel, Role, SpecialGroup
from gridclient.reports.data import Period, ReportKind, build_report
from gridclient.reports.render import render_pdf
from gridclient.storage import Store, keys

OUT = Path(__file__).resolve().parent / "reports"
TODAY = date(2026, 11, 20)
CHEAP_KDF = keys.KdfParams(time_cost=1, memory_cost=8192, parallelism=1)


def main() -> int:
    OUT.mkdir(exist_ok=True)
    dataset = generate("S", today=TODAY)
    township = next(a for a in dataset.areas if a.level is AreaLevel.TOWNSHIP)
    end = TODAY.replace(day=1) - timedelta(days=1)
    period = Period(end.replace(day=1), end)
    with tempfile.TemporaryDirectory() as folder:
        store = Store.create(Path(folder) / "demo.db", "samples", kdf=CHEAP_KDF)
        try:
            load_dataset(store, dataset)
            jobs = [(kind.value, kind, Role.TOWNSHIP) for kind in ReportKind] + [
                ("roster-worker", ReportKind.ROSTER, Role.WORKER)
            ]
            for name, kind, role in jobs:
                report = build_report(
                    store, kind, township.code, period, role=role, group=SpecialGroup.DISABLED
                )
                pdf = Path(folder) / f"{name}.pdf"
                pages = render_pdf(report, pdf)
                target = OUT / name
                subprocess.run(
                    [
                        "pdftoppm",
                        "-png",
                        "-r",
                        "80",
                        "-f",
                        "1",
                        "-l",
                        "1",
                        "-singlefile",
                        str(pdf),
                        str(target),
                    ],
                    check=True,
                )
                print(f"{target}.png: {report.full_title}, {len(report.rows)} rows, {pages} pages")
        finally:
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
