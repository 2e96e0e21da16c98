"""echo-basic's other servers: HTTPS with the tls block, h2c on the second port, WebSocket on /ws."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import h2.config
import h2.connection
import h2.events
import httpx
import pytest

from conformance.certificates import KeyPair, make_ca, make_leaf
from conformance.local.addresses import LoopbackAddresses
from conformance.local.loop import BackgroundLoop
from conformance.local.pods.echo import EchoContainer
from conformance.local.pods.logs import ContainerLog
from conformance.probes.websocket import WebSocketClient, WebSocketError


@dataclass
class TLSEcho:
    address: str
    ca: KeyPair
    client: KeyPair
    container: EchoContainer


@pytest.fixture
def tls_echo(loop: BackgroundLoop, addresses: LoopbackAddresses, tmp_path: Path) -> Iterator[TLSEcho]:
    ca = make_ca()
    leaf = make_leaf(["abc.example.com", "spiffe://abc.example.com/test-identity"], ca=ca)
    client = make_leaf([], ca=ca, client=True)
    (tmp_path / "crt").write_bytes(leaf.cert_pem)
    (tmp_path / "key").write_bytes(leaf.key_pem)
    (tmp_path / "ca").write_bytes(ca.cert_pem)
    env = {
        "POD_NAME": "tls-backend-abc-1",
        "NAMESPACE": "infra",
        "TLS_SERVER_CERT": str(tmp_path / "crt"),
        "TLS_SERVER_PRIVKEY": str(tmp_path / "key"),
        "TLS_CLIENT_CACERTS": str(tmp_path / "ca"),
    }
    address = addresses.pod_address("infra/tls-backend")
    container = EchoContainer(address, env, ContainerLog())
    loop.run(container.start())
    yield TLSEcho(address, ca, client, container)
    loop.run(container.stop())


def _context(echo: TLSEcho, client: KeyPair | None, tmp_path: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(cadata=echo.ca.cert_pem.decode())
    if client is not None:
        (tmp_path / "c.crt").write_bytes(client.cert_pem)
        (tmp_path / "c.key").write_bytes(client.key_pem)
        context.load_cert_chain(tmp_path / "c.crt", tmp_path / "c.key")
    return context


def test_tls_echo_serves_all_three_ports_and_reports_the_tls_block(tls_echo: TLSEcho, tmp_path: Path) -> None:
    assert tls_echo.container.ports == [3000, 3001, 8443]
    context = _context(tls_echo, tls_echo.client, tmp_path)
    with httpx.Client(verify=context, timeout=5) as client:
        response = client.get(f"https://{tls_echo.address}:8443/x", extensions={"sni_hostname": "abc.example.com"})
    body = response.json()
    assert body["httpPort"] == "3000" and body["pod"] == "tls-backend-abc-1"
    tls = body["tls"]
    assert tls["serverName"] == "abc.example.com"
    assert tls["version"].startswith("TLSv1.")
    assert tls["cipherSuite"]
    assert tls["peerCertificates"] == [tls_echo.client.cert_pem.decode()]
    plain = httpx.get(f"http://{tls_echo.address}:3000/x", timeout=5).json()
    assert "tls" not in plain


def test_client_certificates_are_optional_but_verified_when_given(tls_echo: TLSEcho, tmp_path: Path) -> None:
    without = _context(tls_echo, None, tmp_path)
    with httpx.Client(verify=without, timeout=5) as client:
        body = client.get(f"https://{tls_echo.address}:8443/", extensions={"sni_hostname": "abc.example.com"}).json()
    assert "peerCertificates" not in body["tls"]
    stranger = make_leaf([], ca=make_ca(), client=True)
    with (
        httpx.Client(verify=_context(tls_echo, stranger, tmp_path), timeout=5) as client,
        pytest.raises(httpx.HTTPError),
    ):
        client.get(f"https://{tls_echo.address}:8443/", extensions={"sni_hostname": "abc.example.com"})


def test_h2c_port_speaks_http2_with_prior_knowledge_only(tls_echo: TLSEcho) -> None:
    refused = httpx.get(f"http://{tls_echo.address}:3001/", timeout=5)
    assert refused.status_code == 400 and refused.text == "Expected h2c request"
    with httpx.Client(http1=False, http2=True, timeout=5) as client:
        response = client.get(f"http://{tls_echo.address}:3001/h2?q=1", headers={"X-Test": "a"})
    body = response.json()
    assert response.http_version == "HTTP/2"
    assert body["proto"] == "HTTP/2.0" and body["path"] == "/h2?q=1"
    assert body["host"] == f"{tls_echo.address}:3001" and body["headers"]["X-Test"] == ["a"]


def test_h2c_upgrade_from_http11_answers_on_stream_one(tls_echo: TLSEcho) -> None:
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    settings = conn.initiate_upgrade_connection()  # the client's SETTINGS travel in HTTP2-Settings
    with socket.create_connection((tls_echo.address, 3001), timeout=5) as sock:
        sock.sendall(
            b"GET /up HTTP/1.1\r\nHost: echo\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
            b"HTTP2-Settings: " + settings + b"\r\n\r\n"
        )
        data = b""
        while b"\r\n\r\n" not in data:
            data += sock.recv(65536)
        head, _, rest = data.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101")
        sock.sendall(conn.data_to_send())
        body, status = b"", ""
        events = conn.receive_data(rest)
        while True:
            for event in events:
                if isinstance(event, h2.events.ResponseReceived):
                    status = dict(event.headers)[b":status"].decode()
                elif isinstance(event, h2.events.DataReceived):
                    body += event.data
                elif isinstance(event, h2.events.StreamEnded):
                    assert status == "200"
                    assert b'"path": "/up"' in body and b'"proto": "HTTP/2.0"' in body
                    return
            sock.sendall(conn.data_to_send())
            events = conn.receive_data(sock.recv(65536))


def test_websocket_echo_returns_text_and_binary(tls_echo: TLSEcho) -> None:
    client = WebSocketClient.connect((tls_echo.address, 3000), "echo", "/ws", "ws://gateway/test", 5)
    try:
        client.send("Websocket Support!")
        assert client.receive() == "Websocket Support!"
        client.send(bytes([1, 2, 3, 4, 5, 6, 7]))
        assert client.receive() == bytes([1, 2, 3, 4, 5, 6, 7])
    finally:
        client.close()


def test_websocket_needs_an_origin(tls_echo: TLSEcho) -> None:
    with pytest.raises(WebSocketError, match="instead of 101"):
        WebSocketClient.connect((tls_echo.address, 3000), "echo", "/ws", "", 5)
