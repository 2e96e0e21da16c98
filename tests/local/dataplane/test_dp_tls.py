"""HTTPS listeners: the data plane terminates TLS, picks the certificate by SNI, and routes by Host."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import ssl
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import h11
import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from dataplane_builders import Services, listener, match, route

from conformance.certificates import KeyPair, make_ca, make_leaf
from conformance.local.addresses import LoopbackAddresses
from conformance.local.faults import ActiveFaults
from conformance.local.gateway import faults_dataplane as F
from conformance.local.gateway.config import (
    ApplyResult,
    Backend,
    DataPlaneConfig,
    GatewayConfig,
    ListenerConfig,
    ListenerKey,
    TLSConfig,
)
from conformance.local.gateway.dataplane import DataPlane
from conformance.local.gateway.tls import CertificateStore, TLSListener, TLSPort, TLSSession
from conformance.local.loop import BackgroundLoop

PORT = 8443


@dataclass(frozen=True)
class Certs:
    ca: KeyPair
    fallback: KeyPair
    second: KeyPair
    wildcard: KeyPair
    fourth: KeyPair
    shared: KeyPair
    """Self-signed, like the suite's tls-validity-checks-certificate (``*``, ``*.org``, ``*.wildcard.org``)."""


@pytest.fixture(scope="module")
def certs() -> Certs:
    ca = make_ca()
    return Certs(
        ca=ca,
        fallback=make_leaf(["fallback.example.net"], ca=ca),
        second=make_leaf(["second-example.org"], ca=ca),
        wildcard=make_leaf(["*.wildcard.org"], ca=ca),
        fourth=make_leaf(["fourth-example.wildcard.org"], ca=ca),
        shared=make_leaf(["*", "*.org", "*.wildcard.org"]),
    )


def der(pair: KeyPair) -> bytes:
    return pair.certificate.public_bytes(serialization.Encoding.DER)


def tls(pair: KeyPair) -> TLSConfig:
    return TLSConfig(certificate_pem=pair.cert_pem, key_pem=pair.key_pem)


def https(name: str, hostname: str | None, pair: KeyPair, backend: Backend | None, port: int = PORT) -> ListenerConfig:
    routes = (route(name, match(), backends=[[backend]]),) if backend else ()
    return ListenerConfig(name, port, "HTTPS", hostname, routes, tls(pair))


def base_listeners(certs: Certs, services: Services, *, fallback: bool = True) -> list[ListenerConfig]:
    """Like the suite's same-namespace-with-https-listener Gateway, one certificate per listener."""
    v1, v2, v3 = (services.backend(f"infra-backend-v{i}") for i in (1, 2, 3))
    found = [
        https("https", None, certs.fallback, v1),
        https("https-with-hostname", "second-example.org", certs.second, v2),
        https("https-with-wildcard-hostname", "*.wildcard.org", certs.wildcard, v3),
        https("https-with-hostname-matching-wildcard", "fourth-example.wildcard.org", certs.fourth, v1),
    ]
    return found if fallback else found[1:]


class Gateway:
    def __init__(self, loop: BackgroundLoop, address: str, faults: ActiveFaults) -> None:
        self.address = address
        self.plane = DataPlane(loop, faults)

    def apply(self, *listeners: ListenerConfig) -> ApplyResult:
        return self.plane.apply(DataPlaneConfig((GatewayConfig("infra", "gw", self.address, tuple(listeners)),)))

    def handshake(self, sni: str | None, alpn: Sequence[str] = ("http/1.1",), port: int = PORT) -> ssl.SSLSocket:
        """A TLS connection that accepts any certificate, to look at which one is served."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.set_alpn_protocols(list(alpn))
        sock = socket.create_connection((self.address, port), timeout=5)
        try:
            return context.wrap_socket(sock, server_hostname=sni)
        except BaseException:
            sock.close()
            raise

    def served(self, sni: str | None) -> bytes | None:
        """The certificate (DER) the handshake with this SNI gets, or None if the handshake fails."""
        try:
            with self.handshake(sni) as conn:
                return conn.getpeercert(binary_form=True)
        except (ssl.SSLError, ConnectionResetError):
            return None

    def client(self, verify: ssl.SSLContext) -> httpx.Client:
        return httpx.Client(verify=verify, timeout=5)

    def get(self, verify: ssl.SSLContext, sni: str, host: str, path: str = "/", port: int = PORT) -> httpx.Response:
        # A client per call: httpx pools connections by URL origin, not by SNI.
        with self.client(verify) as client:
            return client.get(
                f"https://{self.address}:{port}{path}", headers={"Host": host}, extensions={"sni_hostname": sni}
            )


@pytest.fixture
def make_gateway(loop: BackgroundLoop, addresses: LoopbackAddresses) -> Iterator[Callable[..., Gateway]]:
    made: list[Gateway] = []

    def make(*faults: str) -> Gateway:
        gateway = Gateway(loop, addresses.gateway_address(f"infra/tls{len(made)}"), ActiveFaults(frozenset(faults)))
        made.append(gateway)
        return gateway

    yield make
    for gateway in made:
        gateway.plane.stop()


def trusting(certs: Certs) -> ssl.SSLContext:
    return ssl.create_default_context(cadata=certs.ca.cert_pem.decode())


def service_of(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    pod: str = response.json()["pod"]
    return pod.rsplit("-", 2)[0]


def exchange(conn: ssl.SSLSocket, client: h11.Connection, host: str) -> tuple[int, bytes]:
    """One GET on a kept-alive connection: (status, body)."""
    if client.our_state is h11.DONE:
        client.start_next_cycle()
    conn.sendall(client.send(h11.Request(method="GET", target="/x", headers=[("Host", host)])))
    conn.sendall(client.send(h11.EndOfMessage()))
    status, body = 0, b""
    while True:
        event = client.next_event()
        if event is h11.NEED_DATA:
            client.receive_data(conn.recv(65536))
        elif isinstance(event, h11.Response):
            status = event.status_code
        elif isinstance(event, h11.Data):
            body += bytes(event.data)
        elif isinstance(event, h11.EndOfMessage):
            return status, body


def dns_names(certificate: bytes) -> list[str]:
    extension = x509.load_der_x509_certificate(certificate).extensions.get_extension_for_class(
        x509.SubjectAlternativeName
    )
    return extension.value.get_values_for_type(x509.DNSName)


def name_matches(pattern: str, host: str) -> bool:
    """RFC 6125 wildcard matching without OpenSSL's refusal of ``*.org`` (one label after the star)."""
    if pattern.startswith("*."):
        label, _, rest = host.partition(".")
        return bool(label) and rest == pattern[2:]
    return pattern == host


SNI_CHOICES = {
    "second-example.org": "second",
    "foo.wildcard.org": "wildcard",
    "a.b.wildcard.org": "wildcard",
    "fourth-example.wildcard.org": "fourth",
    "wildcard.org": "fallback",
    "unknown.example.com": "fallback",
    None: "fallback",
}


def test_sni_selects_the_listener_certificate(
    make_gateway: Callable[..., Gateway], services: Services, certs: Certs
) -> None:
    gateway = make_gateway()
    assert gateway.apply(*base_listeners(certs, services)) == ApplyResult()
    for sni, expected in SNI_CHOICES.items():
        assert gateway.served(sni) == der(getattr(certs, expected)), sni
    with gateway.handshake("second-example.org", alpn=("h2", "http/1.1")) as conn:
        assert conn.selected_alpn_protocol() == "h2"  # HTTP/2 is offered
    # Full verification against the CA, hostname included, for a name each certificate covers.
    verify = trusting(certs)
    assert service_of(gateway.get(verify, "second-example.org", "second-example.org")) == "infra-backend-v2"
    assert service_of(gateway.get(verify, "x.wildcard.org", "x.wildcard.org")) == "infra-backend-v3"
    assert service_of(gateway.get(verify, "fallback.example.net", "fallback.example.net")) == "infra-backend-v1"
    with pytest.raises(httpx.ConnectError, match=r"(?i)hostname"):  # served the fallback certificate
        gateway.get(verify, "wildcard.org", "wildcard.org")


def test_without_a_fallback_listener_unknown_or_missing_sni_fails(
    make_gateway: Callable[..., Gateway], services: Services, certs: Certs
) -> None:
    gateway = make_gateway()
    gateway.apply(*base_listeners(certs, services, fallback=False))
    with pytest.raises(ssl.SSLError):  # asyncio drops the connection without flushing the alert
        gateway.handshake("unknown.example.com").close()
    assert gateway.served(None) is None
    assert gateway.served("unknown.example.com") is None
    assert gateway.served("wildcard.org") is None
    assert gateway.served("foo.wildcard.org") == der(certs.wildcard)


def test_requests_route_by_host_inside_tls(
    make_gateway: Callable[..., Gateway], services: Services, certs: Certs
) -> None:
    gateway = make_gateway()
    gateway.apply(*base_listeners(certs, services))
    verify = trusting(certs)
    response = gateway.get(verify, "second-example.org", "second-example.org:8443", "/a//b?x=1")
    body = response.json()
    assert service_of(response) == "infra-backend-v2"
    assert body["host"] == "second-example.org:8443"
    assert body["path"] == "/a//b?x=1"
    assert body["headers"]["X-Forwarded-Proto"] == ["https"]
    # A Host that belongs to another listener than the SNI's is misdirected (421).
    assert gateway.get(verify, "second-example.org", "foo.wildcard.org").status_code == 421
    assert gateway.get(verify, "second-example.org", "elsewhere.example.com").status_code == 421
    # No SNI at all: the no-hostname listener's certificate, routing by Host, keep-alive works.
    with gateway.handshake(None) as conn:
        assert conn.getpeercert(binary_form=True) == der(certs.fallback)
        client = h11.Connection(h11.CLIENT)
        for _ in range(2):
            status, raw = exchange(conn, client, "second-example.org")
            assert status == 200
            assert json.loads(raw)["pod"].startswith("infra-backend-v2-")


def test_suite_gateway_with_one_shared_certificate(
    make_gateway: Callable[..., Gateway], services: Services, certs: Certs
) -> None:
    """same-namespace-with-https-listener as the suite creates it: four listeners, one Secret."""
    gateway = make_gateway()
    listeners = [
        ListenerConfig(item.name, item.port, item.protocol, item.hostname, item.routes, tls(certs.shared))
        for item in base_listeners(certs, services)
    ]
    assert gateway.apply(*listeners) == ApplyResult()
    verify = ssl.create_default_context(cadata=certs.shared.cert_pem.decode())
    verify.check_hostname = False  # OpenSSL refuses "*.org"; the name is checked below
    for host, service in (("second-example.org", "infra-backend-v2"), ("foo.wildcard.org", "infra-backend-v3")):
        with gateway.client(verify) as client:
            response = client.get(
                f"https://{gateway.address}:{PORT}/", headers={"Host": host}, extensions={"sni_hostname": host}
            )
            stream = response.extensions["network_stream"]
            served = stream.get_extra_info("ssl_object").getpeercert(True)
        assert any(name_matches(name, host) for name in dns_names(served)), host
        assert service_of(response) == service


def test_sni_ignored_fault_changes_only_the_certificate(
    make_gateway: Callable[..., Gateway], services: Services, certs: Certs
) -> None:
    clean, broken = make_gateway(), make_gateway(F.TLS_LISTENER_SNI_IGNORED)
    listeners = base_listeners(certs, services)
    listeners = [listeners[2], *listeners[:2], listeners[3]]  # the wildcard listener first
    for gateway in (clean, broken):
        assert gateway.apply(*listeners) == ApplyResult()
    changed = {sni for sni in SNI_CHOICES if clean.served(sni) != broken.served(sni)}
    assert changed == {sni for sni, expected in SNI_CHOICES.items() if expected != "wildcard"}
    assert all(broken.served(sni) == der(certs.wildcard) for sni in SNI_CHOICES)
    lax = ssl.create_default_context(cadata=certs.ca.cert_pem.decode())
    lax.check_hostname = False
    for host in ("second-example.org", "foo.wildcard.org", "fourth-example.wildcard.org", "other.example.com"):
        assert service_of(clean.get(lax, host, host)) == service_of(broken.get(lax, host, host)), host


def test_reapply_keeps_serving_and_swaps_certificates(
    make_gateway: Callable[..., Gateway], services: Services, certs: Certs
) -> None:
    gateway = make_gateway()
    v2, v3 = services.backend("infra-backend-v2"), services.backend("infra-backend-v3")
    gateway.apply(https("https", None, certs.fallback, v2))
    verify = trusting(certs)
    with gateway.client(verify) as client:

        def get() -> httpx.Response:
            url = f"https://{gateway.address}:{PORT}/"
            return client.get(url, headers={"Host": "a.example"}, extensions={"sni_hostname": "fallback.example.net"})

        first = get()
        assert service_of(first) == "infra-backend-v2"
        for _ in range(3):  # unchanged re-applies must not disturb anything
            assert gateway.apply(https("https", None, certs.fallback, v2)) == ApplyResult()
        assert gateway.apply(
            https("https", None, certs.fallback, v3), https("h", "second-example.org", certs.second, v2)
        ) == (ApplyResult())
        second = get()
        assert service_of(second) == "infra-backend-v3"  # new routes ...
        assert second.extensions["network_stream"] is first.extensions["network_stream"]  # ... same connection
    assert gateway.served("second-example.org") == der(certs.second)  # new handshakes see the new listener
    # The certificate of a listener changes: new handshakes get the new one.
    gateway.apply(https("https", None, certs.fourth, v3))
    assert gateway.served(None) == der(certs.fourth)


def test_protocol_changes_and_conflicts(make_gateway: Callable[..., Gateway], services: Services, certs: Certs) -> None:
    gateway = make_gateway()
    v1 = services.backend("infra-backend-v1")
    plain = listener("http", [route("r", match(), backends=[[v1]])], port=PORT)
    assert gateway.apply(plain) == ApplyResult()
    assert httpx.get(f"http://{gateway.address}:{PORT}/", headers={"Host": "a"}, timeout=5).status_code == 200
    assert gateway.apply(https("https", None, certs.fallback, v1)) == ApplyResult()  # HTTP -> HTTPS
    assert gateway.served(None) == der(certs.fallback)
    result = gateway.apply(https("https", None, certs.fallback, v1), plain)
    keys = {ListenerKey("infra", "gw", "https"), ListenerKey("infra", "gw", "http")}
    assert set(result.errors) == keys
    assert all("conflict" in reason for reason in result.errors.values())
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((gateway.address, PORT), timeout=5).close()
    assert gateway.apply(plain) == ApplyResult()  # HTTPS -> HTTP
    assert httpx.get(f"http://{gateway.address}:{PORT}/", headers={"Host": "a"}, timeout=5).status_code == 200


def test_unusable_certificates_are_reported(
    make_gateway: Callable[..., Gateway], services: Services, certs: Certs
) -> None:
    gateway = make_gateway()
    v1 = services.backend("infra-backend-v1")
    mismatched = ListenerConfig(
        "bad", PORT, "HTTPS", "second-example.org", (), TLSConfig(certs.second.cert_pem, certs.fourth.key_pem)
    )
    result = gateway.apply(https("https", None, certs.fallback, v1), mismatched)
    assert list(result.errors) == [ListenerKey("infra", "gw", "bad")]
    assert "BEGIN" not in result.errors[ListenerKey("infra", "gw", "bad")]
    assert gateway.served("second-example.org") == der(certs.fallback)  # the bad listener is not served


def test_stop_closes_the_port_and_removes_the_key_directory(
    make_gateway: Callable[..., Gateway], services: Services, certs: Certs
) -> None:
    gateway = make_gateway()
    gateway.apply(*base_listeners(certs, services))
    directory = gateway.plane._certificates.directory
    assert directory is not None
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    assert os.listdir(directory) == []  # PEM files are deleted as soon as they are loaded
    gateway.plane.stop()
    assert not os.path.exists(directory)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((gateway.address, PORT), timeout=5).close()


def test_the_handshake_records_the_sni_choice_for_later_421_detection(services: Services, certs: Certs) -> None:
    store = CertificateStore()
    try:
        listeners = base_listeners(certs, services)
        port = TLSPort(
            [TLSListener(item, store.context_for(item.tls)) for item in listeners if item.tls], ActiveFaults()
        )
        client_context = trusting(certs)
        for sni, expected in (("Foo.Wildcard.org", listeners[2]), (None, listeners[0])):
            server_in, server_out, client_in, client_out = (ssl.MemoryBIO() for _ in range(4))
            server = port.server_context.wrap_bio(server_in, server_out, server_side=True)
            client_context.check_hostname = sni is not None
            client = client_context.wrap_bio(client_in, client_out, server_hostname=sni)
            for _ in range(10):  # pump the handshake between the two in-memory ends
                for end in (client, server):
                    with contextlib.suppress(ssl.SSLWantReadError):
                        end.do_handshake()
                server_in.write(client_out.read())
                client_in.write(server_out.read())
            assert port.session_of(server) == TLSSession(sni.lower() if sni else None, expected)
        assert port.session_of(None) is None
    finally:
        store.close()
