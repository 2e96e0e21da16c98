"""The TLS probes: Go's hostname rules, trust of a CA-signed leaf, client certificates, SNI comparison."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from conformance.certificates import KeyPair, make_ca, make_leaf
from conformance.probes.compare import compare_round_trip
from conformance.probes.expectations import ExpectedRequest, ExpectedResponse, Request
from conformance.probes.roundtrip import CapturedRequest, CapturedResponse, RoundTrip, SentRequest
from conformance.probes.tls import (
    HandshakeRecord,
    TLSClientOptions,
    client_context,
    go_hostname_matches,
    go_hostname_problem,
)


@pytest.mark.parametrize(
    ("pattern", "host", "matches"),
    [
        ("*.org", "example.org", True),  # OpenSSL refuses this one; Go (and upstream's verdicts) accept it
        ("*.org", "a.example.org", False),
        ("*.wildcard.org", "third-example.wildcard.org", True),
        ("*.wildcard.org", "wildcard.org", False),
        ("EXAMPLE.org.", "example.ORG", True),
        ("example.org", "second-example.org", False),
        ("a*.org", "ab.org", False),  # only a whole-label star is a wildcard
        ("", "example.org", False),
    ],
)
def test_go_hostname_matching(pattern: str, host: str, matches: bool) -> None:
    assert go_hostname_matches(pattern, host) is matches


def der(pair: KeyPair) -> bytes:
    return pair.certificate.public_bytes(serialization.Encoding.DER)


def test_go_hostname_problem_uses_dns_and_ip_sans_only() -> None:
    shared = make_leaf(["*", "*.org", "*.wildcard.org"])  # the suite's tls-validity-checks-certificate
    assert go_hostname_problem(der(shared), "example.org") is None
    assert go_hostname_problem(der(shared), "fourth-example.wildcard.org") is None
    problem = go_hostname_problem(der(shared), "example.com")
    assert problem is not None and "not example.com" in problem
    by_ip = make_leaf(["127.0.0.1"])
    assert go_hostname_problem(der(by_ip), "127.0.0.1") is None
    assert go_hostname_problem(der(by_ip), "127.0.0.2") is not None
    client = make_leaf([], client=True)  # no SAN at all: Go never falls back to the CN
    assert go_hostname_problem(der(client), "default") is not None
    assert go_hostname_problem(None, "example.org") == "the server sent no certificate"


class _Server:
    """A one-connection-at-a-time TLS server that answers every connection with b"ok"."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self.context = context
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.peer_certificates: list[bytes | None] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            try:
                with self.context.wrap_socket(conn, server_side=True) as tls:
                    self.peer_certificates.append(tls.getpeercert(binary_form=True))
                    tls.sendall(b"ok")
            except (OSError, ssl.SSLError):
                conn.close()

    def close(self) -> None:
        self.sock.close()


def _server_context(tmp: Path, pair: KeyPair, client_ca: KeyPair | None = None) -> ssl.SSLContext:
    (tmp / "s.crt").write_bytes(pair.cert_pem)
    (tmp / "s.key").write_bytes(pair.key_pem)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp / "s.crt", tmp / "s.key")
    if client_ca is not None:
        context.load_verify_locations(cadata=client_ca.cert_pem.decode())
        context.verify_mode = ssl.CERT_REQUIRED
    return context


@pytest.fixture
def ca() -> KeyPair:
    return make_ca()


@pytest.fixture
def served(tmp_path: Path, ca: KeyPair) -> Iterator[tuple[_Server, KeyPair, KeyPair]]:
    """A server for abc.example.com (signed by ``ca``) that requires client certificates from ``ca``."""
    leaf = make_leaf(["abc.example.com", "*.org"], ca=ca)
    client = make_leaf([], ca=ca, client=True)
    server = _Server(_server_context(tmp_path, leaf, client_ca=ca))
    yield server, leaf, client
    server.close()


def _talk(port: int, context: ssl.SSLContext, sni: str) -> bytes:
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as sock,
        context.wrap_socket(sock, server_hostname=sni) as tls,
    ):
        return tls.recv(10)


def test_a_ca_signed_leaf_can_be_trusted_directly(served: tuple[_Server, KeyPair, KeyPair]) -> None:
    server, leaf, client = served
    # Trusting the leaf itself (as upstream does for passthrough tests) needs VERIFY_X509_PARTIAL_CHAIN.
    options = TLSClientOptions("abc.example.com", leaf.cert_pem, client.cert_pem, client.key_pem)
    record = HandshakeRecord()
    assert _talk(server.port, client_context(options, record), "abc.example.com") == b"ok"
    assert record.client_certificate_requested
    assert server.peer_certificates[-1] == der(client)


def test_star_dot_org_is_accepted_and_other_names_refused(
    served: tuple[_Server, KeyPair, KeyPair], ca: KeyPair
) -> None:
    server, _, client = served
    options = TLSClientOptions("example.org", ca.cert_pem, client.cert_pem, client.key_pem)
    assert _talk(server.port, client_context(options), "example.org") == b"ok"
    wrong = TLSClientOptions("other.example.com", ca.cert_pem, client.cert_pem, client.key_pem)
    with pytest.raises(ssl.SSLCertVerificationError, match=r"not other\.example\.com"):
        _talk(server.port, client_context(wrong), "other.example.com")


def test_untrusted_server_is_refused(served: tuple[_Server, KeyPair, KeyPair]) -> None:
    server, _, client = served
    options = TLSClientOptions("abc.example.com", make_ca().cert_pem, client.cert_pem, client.key_pem)
    with pytest.raises(ssl.SSLCertVerificationError):
        _talk(server.port, client_context(options), "abc.example.com")


def test_no_certificate_request_is_recorded_when_the_server_asks_none(tmp_path: Path, ca: KeyPair) -> None:
    leaf = make_leaf(["abc.example.com"], ca=ca)
    server = _Server(_server_context(tmp_path, leaf))
    try:
        record = HandshakeRecord()
        assert _talk(
            server.port, client_context(TLSClientOptions("abc.example.com", ca.cert_pem), record), "abc.example.com"
        )
        assert not record.client_certificate_requested
    finally:
        server.close()


def test_client_context_needs_a_name_and_trust() -> None:
    with pytest.raises(ValueError, match="server name"):
        client_context(TLSClientOptions("", b"x"))
    with pytest.raises(ValueError, match="trusted certificates"):
        client_context(TLSClientOptions("example.org", b""))


def _round_trip(tls: dict[str, object]) -> RoundTrip:
    sent = SentRequest("GET", "http://gw/", "abc.example.com", {}, "http", "/")
    captured = CapturedRequest(path="/", host="abc.example.com", method="GET", tls=tls)
    return RoundTrip(sent, captured, CapturedResponse(200, {}, "HTTP/1.1"), 0.0)


def test_sni_and_client_cert_are_compared_from_the_request_without_expected_request() -> None:
    request = Request(path="/", host="abc.example.com", sni="abc.example.com", client_cert="PEM")
    good = _round_trip({"serverName": "abc.example.com", "peerCertificates": ["PEM"]})
    assert compare_round_trip(ExpectedResponse(request=request), good) is None
    no_sni = _round_trip({"serverName": "", "peerCertificates": ["PEM"]})
    assert "expected SNI" in (compare_round_trip(ExpectedResponse(request=request), no_sni) or "")
    no_cert = _round_trip({"serverName": "abc.example.com"})
    assert "client certificate" in (compare_round_trip(ExpectedResponse(request=request), no_cert) or "")
    # An ExpectedRequest replaces the Request: its empty SNI is not checked.
    relaxed = ExpectedResponse(request=request, expected_request=ExpectedRequest(path="/"))
    assert compare_round_trip(relaxed, no_sni) is None
