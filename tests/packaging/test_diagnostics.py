"""The diagnostics bundle made from a demo data directory holds no ID numbers, mobile
numbers, tokens or passwords, even when the logs were written with them on purpose."""

from __future__ import annotations

import json
import logging
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from gridclient.__main__ import main
from gridclient.config import ITSettings, Paths
from gridclient.demo.local import load_dataset
from gridclient.diagnostics import build_bundle, scrub, store_state
from gridclient.logsetup import setup_logging
from gridclient.storage.store import Store, store_path
from gridcore.demo.generator import DEMO_PASSWORD, Dataset, generate
from tests.unit.storage.factories import CHEAP_KDF

ID_18 = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
ID_15 = re.compile(r"(?<!\d)\d{15}(?!\d)")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
BEARER = re.compile(r"(?i)bearer\s+(?!\[redacted\])[A-Za-z0-9._~+/=-]{8,}")
TOKEN = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.Zm9yZ2VkLXNpZ25hdHVyZQ"
REFRESH = "rt_9f8e7d6c5b4a39281706f5e4d3c2b1a0"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate("S")


@pytest.fixture
def demo_dir(tmp_path: Path, dataset: Dataset) -> Iterator[tuple[Paths, Store]]:
    """A data directory like the demo's: a filled store and a log with personal data
    written on purpose, through the redacting handler and around it."""
    paths = Paths.resolve(tmp_path / "demo").ensure()
    path = store_path(paths.data_dir, "demo.local", "worker01")
    store = Store.create(path, DEMO_PASSWORD, username="worker01", kdf=CHEAP_KDF)
    load_dataset(store, dataset)
    people = [r for r in dataset.residents if r.id_number and r.phone][:5]
    assert people
    log_path = setup_logging(paths.log_dir, "DEBUG")
    logger = logging.getLogger("gridclient.test.diagnostics")
    for person in people:
        logger.warning("resident %s id %s phone %s", person.name, person.id_number, person.phone)
    logger.info("Authorization: Bearer %s", TOKEN)
    for handler in logging.getLogger().handlers:
        handler.flush()
    # An older build (or a person) wrote these without the redacting formatter.
    raw = [
        f"login worker01 password={DEMO_PASSWORD} refresh_token={REFRESH}",
        f'{{"password": "{DEMO_PASSWORD}", "access_token": "{TOKEN}"}}',
        f"用户密码：{DEMO_PASSWORD}，令牌 token: {TOKEN}",
        f"Authorization: Bearer {TOKEN}",
        *(f"{p.id_number},{p.phone},{p.id_number[:6]}{p.id_number[8:17]}" for p in people),
        f"plain mention of {DEMO_PASSWORD} in a crash",
    ]
    (paths.log_dir / f"{log_path.name}.1").write_text("\n".join(raw), encoding="utf-8")
    (paths.log_dir / "crash.txt").write_text(
        f"Traceback …\nValueError: bad phone {people[0].phone} for {people[0].id_number}",
        encoding="utf-8",
    )
    try:
        yield paths, store
    finally:
        store.close()
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "_gridclient", False)]:
            root.removeHandler(handler)
            handler.close()


def texts(bundle: Path) -> dict[str, str]:
    with zipfile.ZipFile(bundle) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def assert_clean(contents: dict[str, str], dataset: Dataset) -> None:
    numbers = {r.id_number for r in dataset.residents if r.id_number}
    phones = {r.phone for r in dataset.residents if r.phone}
    for name, text in contents.items():
        for pattern in (ID_18, ID_15, MOBILE, BEARER):
            assert not pattern.search(text), (name, pattern.pattern, pattern.search(text))
        for secret in (DEMO_PASSWORD, TOKEN, REFRESH):
            assert secret not in text, (name, secret)
        found = [n for n in numbers | phones if n in text]
        assert not found, (name, found[:3])


def test_bundle_from_the_running_app_has_counts_and_no_personal_data(
    demo_dir: tuple[Paths, Store], dataset: Dataset, tmp_path: Path
) -> None:
    paths, store = demo_dir
    with store.unit_of_work(actor="worker01") as uow:  # one pending op
        home = dataset.households[0]
        home.notes = "诊断测试"
        uow.update(home)
    bundle = build_bundle(
        tmp_path / "out" / "diag.zip",
        log_dir=paths.log_dir,
        data_dir=paths.data_dir,
        settings=ITSettings(server_url="https://svc:hunter22@grid.example.cn"),
        states=[store_state(store)],
    )
    contents = texts(bundle)
    assert {"README.txt", "versions.json", "settings.json", "stores.json"} <= set(contents)
    assert {"logs/gridclient.log", "logs/gridclient.log.1", "logs/crash.txt"} <= set(contents)
    assert_clean(contents, dataset)
    assert "hunter22" not in contents["settings.json"]
    # The redaction left the evidence readable: masked numbers and the log lines.
    assert "[redacted]" in contents["logs/gridclient.log.1"]
    assert re.search(r"\d{6}\*{8}\d{3}[0-9Xx]", contents["logs/crash.txt"])

    stores = json.loads(contents["stores.json"])
    assert [f["file"] for f in stores["files"]] == [store.path.name]
    (state,) = stores["sync_state"]
    assert state["ops"]["pending"] == 1
    assert state["records"]["household"] == len(dataset.households)
    versions = json.loads(contents["versions.json"])
    assert versions["gridclient"] and versions["qt"] and versions["sqlcipher"]["sqlite"]
    assert not (tmp_path / "out" / "diag.zip.partial").exists()


def test_bundle_from_the_command_line_needs_no_password_and_says_so(
    demo_dir: tuple[Paths, Store], dataset: Dataset, tmp_path: Path
) -> None:
    paths, _store = demo_dir
    out = tmp_path / "cli.zip"
    assert main(["diagnostics", "--out", str(out), "--data-dir", str(paths.data_dir)]) == 0
    contents = texts(out)
    assert_clean(contents, dataset)
    stores = json.loads(contents["stores.json"])
    assert stores["sync_state"] is None
    assert "unlocked store" in stores["sync_state_note"]
    assert len(stores["files"]) == 1


def test_scrub_handles_every_secret_shape() -> None:
    text = scrub(
        'password=abc123 pwd: "x y" "refresh_token": "tok-1234567890" 密码：秘密123 '
        "Authorization: Basic dXNlcjpwYXNz\n/home/alice/data",
        home="/home/alice",
    )
    for secret in ("abc123", "tok-1234567890", "秘密123", "dXNlcjpwYXNz", "alice"):
        assert secret not in text
    assert "~/data" in text
