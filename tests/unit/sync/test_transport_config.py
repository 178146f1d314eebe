"""Construction: server URL rules, TLS verification that cannot be switched off, CA
bundle and proxy from the IT settings reaching the wire."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from gridclient.sync.errors import InvalidServerURL, NetworkError, TLSError
from gridclient.sync.transport import Transport, normalise_server_url
from tests.unit.sync.conftest import FakeClock, Reply, ScriptedServer, json_reply, make_transport


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://Grid.Example.cn", "https://grid.example.cn"),
        (" HTTPS://grid.example.cn:443/ ", "https://grid.example.cn"),
        ("https://grid.example.cn:8443/gov/grid/", "https://grid.example.cn:8443/gov/grid"),
        ("https://grid.example.cn/api/v1", "https://grid.example.cn"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("http://localhost:8765/", "http://localhost:8765"),
        ("http://[::1]:8765", "http://[::1]:8765"),
    ],
)
def test_server_urls_are_normalised(raw: str, expected: str) -> None:
    assert normalise_server_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "http://grid.example.cn",
        "http://10.1.2.3:8000",
        "ftp://grid.example.cn",
        "grid.example.cn",
        "https://",
        "https://user:pw@grid.example.cn",
        "https://grid.example.cn/?x=1",
        "https://grid.example.cn:99999",
        "",
    ],
)
def test_unusable_server_urls_are_refused(raw: str) -> None:
    with pytest.raises(InvalidServerURL) as info:
        Transport(raw)
    assert "https://" in info.value.message


@pytest.mark.parametrize("flag", [False, True])
def test_tls_verification_cannot_be_switched_off(flag: bool) -> None:
    with pytest.raises(TypeError):
        Transport("https://grid.example.cn", ca_bundle=flag)  # type: ignore[arg-type]


def test_default_verify_is_on_and_env_is_not_trusted() -> None:
    transport = Transport("https://grid.example.cn", ca_bundle="")
    assert transport.verify is True
    assert transport._session.verify is True
    assert transport._session.trust_env is False


def test_missing_ca_bundle_is_a_tls_error_naming_the_setting(tmp_path: Path) -> None:
    with pytest.raises(TLSError) as info:
        Transport("https://grid.example.cn", ca_bundle=tmp_path / "missing.pem")
    assert "ca_bundle" in info.value.message and "missing.pem" in info.value.message


# --- a real TLS server with a private CA ---------------------------------------------------


def _issue_certificates(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A private CA and a server certificate for 127.0.0.1 signed by it."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Grid CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([x509.OID_SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = tmp_path / "ca.pem", tmp_path / "srv.pem", tmp_path / "srv.key"
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_path, cert_path, key_path


class _Health(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        body = b'{"status": "ok"}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    ca_path, cert_path, key_path = _issue_certificates(tmp_path)
    httpd = HTTPServer(("127.0.0.1", 0), _Health)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    yield f"https://127.0.0.1:{httpd.server_address[1]}", ca_path
    httpd.shutdown()
    httpd.server_close()


def test_private_ca_is_refused_without_the_bundle(
    tls_server: tuple[str, Path], clock: FakeClock
) -> None:
    url, _ca = tls_server
    transport = make_transport(url, clock)
    with pytest.raises(TLSError) as info:
        transport.health()
    assert "CERTIFICATE_VERIFY_FAILED" in info.value.detail
    assert clock.waits == [], "a certificate problem is not retried"


def test_private_ca_is_accepted_with_it_bundle(
    tls_server: tuple[str, Path], clock: FakeClock
) -> None:
    url, ca = tls_server
    assert make_transport(url, clock, ca_bundle=ca).health() is True


# --- proxy ----------------------------------------------------------------------------------


def test_https_goes_through_the_configured_proxy(server: ScriptedServer, clock: FakeClock) -> None:
    """The proxy sees a CONNECT for the real server; the proxy refusing is a network
    error with a message about the proxy."""
    transport = make_transport(
        "https://grid.example.invalid", clock, proxy=f"127.0.0.1:{server.port}"
    )
    assert transport.proxies == {"https": server.url, "http": server.url}
    server.then(*[Reply(403)] * 4)
    with pytest.raises(NetworkError) as info:
        transport.login("w1", "pw", "dev-1")
    assert [(s.method, s.path) for s in server.seen] == [
        ("CONNECT", "grid.example.invalid:443")
    ] * 4
    assert "代理" in info.value.message


def test_loopback_never_uses_the_proxy(server: ScriptedServer, clock: FakeClock) -> None:
    """The demo's embedded server must be reachable with a corporate proxy configured."""
    transport = make_transport(server.url, clock, proxy="http://127.0.0.1:9")
    assert transport.proxies == {}
    server.then(json_reply(200, {"status": "ok"}))
    assert transport.health() is True


def test_environment_proxies_are_ignored(
    server: ScriptedServer, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """trust_env is off: only IT's INI decides about proxies (and CA bundles)."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent.pem")
    server.then(json_reply(200, {"status": "ok"}))
    assert make_transport(server.url, clock).health() is True
    assert len(server.seen) == 1


def test_invalid_proxy_setting_is_refused() -> None:
    with pytest.raises(InvalidServerURL) as info:
        Transport("https://grid.example.cn", proxy="socks5://127.0.0.1:1080")
    assert "代理" in info.value.message


def test_verify_cannot_be_changed_after_construction() -> None:
    transport = Transport("https://grid.example.cn")
    with pytest.raises(AttributeError):
        transport.verify = False  # type: ignore[misc]


def test_ca_bundle_removed_after_start_is_a_tls_error(
    tls_server: tuple[str, Path], clock: FakeClock, tmp_path: Path
) -> None:
    url, ca = tls_server
    copy = tmp_path / "it-ca.pem"
    copy.write_bytes(ca.read_bytes())
    transport = make_transport(url, clock, ca_bundle=copy)
    assert transport.health() is True
    transport._session.close()  # drop the verified keep-alive connection
    copy.unlink()
    with pytest.raises(TLSError) as info:
        transport.health()
    assert "it-ca.pem" in info.value.message
