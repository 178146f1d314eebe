"""The example reverse-proxy configurations (packaging/server/nginx.conf and Caddyfile)
as shipped, with only the ports and certificate paths filled in: the proxy accepts
them, and a client syncs through them over TLS with a private CA (``--ca-bundle``).
Needs the proxy's binary (PATH, or ``GRIDSERVER_TEST_NGINX`` / ``GRIDSERVER_TEST_CADDY``);
each test is skipped without it."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from gridcore.domain.enums import AreaLevel, Role
from gridserver import admin, auth, migrate
from gridserver.config import Settings
from gridserver.db import Database
from tests.integration.sync.conftest import FAST_ARGON2
from tests.server.test_serve import _free_port

ROOT = Path(__file__).resolve().parents[2]
NGINX = os.environ.get("GRIDSERVER_TEST_NGINX") or shutil.which("nginx")
CADDY = os.environ.get("GRIDSERVER_TEST_CADDY") or shutil.which("caddy")
PASSWORD = "correct horse 1"
CLIENT = [sys.executable, "-m", "gridclient"]
SYNC = ["sync", "--server"]


def _certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A private CA and a server certificate for 127.0.0.1 signed by it."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "网格通测试 CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_file, cert_file, key_file


def _fill(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        assert old in text, f"the example no longer has {old!r}"
        text = text.replace(old, new)
    return text


def _wait(url: str, process: subprocess.Popen[bytes], **kwargs: object) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(url, timeout=1, **kwargs).status_code == 200:  # type: ignore[arg-type]
                return
        except httpx.HTTPError:
            pass
        assert process.poll() is None and time.monotonic() < deadline, f"{url} did not answer"
        time.sleep(0.1)


def _backend(tmp_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    db = Database(url)
    migrate.upgrade(db)
    town = admin.add_area(db, "320101001000", "东街道", AreaLevel.TOWNSHIP, None)
    assert town
    settings = Settings.from_env(database_url=url, argon2=FAST_ARGON2)
    auth.add_user(db, settings, auth.NewUser("t1", Role.TOWNSHIP, "320101001000", ""), PASSWORD)
    db.dispose()
    backend = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "gridserver", "--database", url, "serve", "--port", str(backend)],
        cwd=ROOT,
        env=env,
    )
    _wait(f"http://127.0.0.1:{backend}/api/v1/health", server)
    return server, backend


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """gridserver behind nginx with the example config: (https URL, CA file)."""
    if NGINX is None:
        pytest.skip("no nginx binary")
    server, backend = _backend(tmp_path)
    https, http = _free_port(), _free_port()
    ca, cert, key = _certificates(tmp_path)
    site = _fill(
        (ROOT / "packaging" / "server" / "nginx.conf").read_text(encoding="utf-8"),
        {
            "server 127.0.0.1:8000;": f"server 127.0.0.1:{backend};",
            "listen 443 ssl": f"listen 127.0.0.1:{https} ssl",
            "listen 80;": f"listen 127.0.0.1:{http};",
            "/etc/ssl/gridserver/fullchain.pem": str(cert),
            "/etc/ssl/gridserver/privkey.pem": str(key),
        },
    )
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\n"
        "events {}\n"
        f"http {{ client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy;\n"
        f"  fastcgi_temp_path {tmp_path}/fcgi; uwsgi_temp_path {tmp_path}/uwsgi;\n"
        f"  scgi_temp_path {tmp_path}/scgi; access_log off;\n"
        f"  include {tmp_path}/site.conf; }}\n",
        encoding="utf-8",
    )
    assert NGINX is not None
    command = [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    proxy = subprocess.Popen([*command, "-g", "daemon off;"])
    base = f"https://127.0.0.1:{https}"
    try:
        _wait(f"{base}/api/v1/health", proxy, verify=str(ca))
        yield base, ca
    finally:
        for process in (proxy, server):
            process.terminate()
            process.wait(10)


@pytest.fixture
def caddy(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """gridserver behind Caddy with the example Caddyfile: (https URL, CA file)."""
    if CADDY is None:
        pytest.skip("no caddy binary")
    server, backend = _backend(tmp_path)
    https = _free_port()
    ca, cert, key = _certificates(tmp_path)
    site = _fill(
        (ROOT / "packaging" / "server" / "Caddyfile").read_text(encoding="utf-8"),
        {
            "grid.example.gov.cn {": f"https://127.0.0.1:{https} {{\n\ttls {cert} {key}",
            "reverse_proxy 127.0.0.1:8000": f"reverse_proxy 127.0.0.1:{backend}",
        },
    )
    config = tmp_path / "Caddyfile"
    config.write_text("{\n\tadmin off\n\tauto_https disable_redirects\n}\n" + site)
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    assert CADDY is not None
    checked = subprocess.run(
        [CADDY, "validate", "--config", str(config), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert checked.returncode == 0, checked.stderr[-2000:]
    proxy = subprocess.Popen(
        [CADDY, "run", "--config", str(config), "--adapter", "caddyfile"],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    base = f"https://127.0.0.1:{https}"
    try:
        _wait(f"{base}/api/v1/health", proxy, verify=str(ca))
        yield base, ca
    finally:
        for process in (proxy, server):
            process.terminate()
            process.wait(10)


@pytest.fixture(params=["nginx", "caddy"])
def proxied(request: pytest.FixtureRequest) -> tuple[str, Path]:
    value: tuple[str, Path] = request.getfixturevalue(request.param)
    return value


def test_a_client_syncs_through_the_proxy_with_a_private_ca(
    proxied: tuple[str, Path], tmp_path: Path
) -> None:
    base, ca = proxied
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GRIDCLIENT_PASSWORD": PASSWORD}
    data = tmp_path / "client"
    sync = subprocess.run(
        [*CLIENT, "--ca-bundle", str(ca), "--data-dir", str(data), *SYNC, base, "--user", "t1"],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert sync.returncode == 0, sync.stderr
    assert sync.stdout.startswith("同步成功")
    # Without the CA the certificate is refused (never silently trusted).
    refused = subprocess.run(
        [*CLIENT, "--data-dir", str(data), *SYNC, base, "--user", "t1"],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    # Anything outside /api/ is not served.
    assert httpx.get(f"{base}/", verify=str(ca), timeout=5).status_code == 404
