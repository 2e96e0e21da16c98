"""How the data plane reaches backends (TLS per BackendTLSPolicy, h2c, WebSocket) and validates clients."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from dataplane_builders import listener, match, route

from conformance.certificates import KeyPair, make_ca, make_leaf
from conformance.local.addresses import LoopbackAddresses
from conformance.local.faults import ActiveFaults
from conformance.local.gateway import faults_tls as ft
from conformance.local.gateway.config import (
    Backend,
    BackendTLS,
    DataPlaneConfig,
    Endpoint,
    GatewayConfig,
    ListenerConfig,
    TLSConfig,
)
from conformance.local.gateway.dataplane import DataPlane
from conformance.local.gateway.upstreams import certificate_problem, dns_name_matches
from conformance.local.loop import BackgroundLoop
from conformance.local.pods.echo import EchoContainer
from conformance.local.pods.logs import ContainerLog
from conformance.probes.websocket import WebSocketClient, WebSocketError

HTTP_PORT = 8080
HTTPS_PORT = 8443


@dataclass
class Backends:
    ca: KeyPair
    client_ca: KeyPair
    client: KeyPair
    tls: Endpoint
    """An echo pod serving HTTPS on 8443 (abc.example.com, other.example.com, a spiffe URI) that asks for
    client certificates from ``client_ca``."""
    plain: Endpoint
    h2c: Endpoint


@pytest.fixture(scope="module")
def pki() -> tuple[KeyPair, KeyPair, KeyPair, KeyPair]:
    ca, client_ca = make_ca(), make_ca()
    leaf = make_leaf(["abc.example.com", "spiffe://abc.example.com/test-identity", "other.example.com"], ca=ca)
    return ca, client_ca, leaf, make_leaf([], ca=client_ca, client=True)


@pytest.fixture
def backends(
    loop: BackgroundLoop, addresses: LoopbackAddresses, tmp_path: Path, pki: tuple[KeyPair, KeyPair, KeyPair, KeyPair]
) -> Iterator[Backends]:
    ca, client_ca, leaf, client = pki
    for name, data in (("crt", leaf.cert_pem), ("key", leaf.key_pem), ("ca", client_ca.cert_pem)):
        (tmp_path / name).write_bytes(data)
    env = {
        "POD_NAME": "tls-backend-5d8f7c9b4d-abcde",
        "NAMESPACE": "infra",
        "TLS_SERVER_CERT": str(tmp_path / "crt"),
        "TLS_SERVER_PRIVKEY": str(tmp_path / "key"),
        "TLS_CLIENT_CACERTS": str(tmp_path / "ca"),
    }
    address = addresses.pod_address("infra/tls-backend")
    container = EchoContainer(address, env, ContainerLog())
    loop.run(container.start())
    pod = env["POD_NAME"]
    yield Backends(
        ca, client_ca, client, Endpoint(address, 8443, pod), Endpoint(address, 3000, pod), Endpoint(address, 3001, pod)
    )
    loop.run(container.stop())


class Plane:
    def __init__(self, loop: BackgroundLoop, address: str, faults: ActiveFaults) -> None:
        self.address = address
        self.plane = DataPlane(loop, faults)

    def apply(self, *listeners: ListenerConfig, client: TLSConfig | None = None) -> None:
        gateway = GatewayConfig("infra", "gw", self.address, tuple(listeners), backend_client_certificate=client)
        result = self.plane.apply(DataPlaneConfig((gateway,)))
        assert not result.errors, result.errors

    def url(self, path: str = "/", port: int = HTTP_PORT, scheme: str = "http") -> str:
        return f"{scheme}://{self.address}:{port}{path}"


@pytest.fixture
def make_plane(loop: BackgroundLoop, addresses: LoopbackAddresses) -> Iterator[Callable[..., Plane]]:
    made: list[Plane] = []

    def make(*faults: str) -> Plane:
        plane = Plane(loop, addresses.gateway_address(f"infra/gw{len(made)}"), ActiveFaults(frozenset(faults)))
        made.append(plane)
        return plane

    yield make
    for plane in made:
        plane.plane.stop()


def backend(endpoint: Endpoint, *, tls: BackendTLS | None = None, app_protocol: str | None = None) -> Backend:
    return Backend("Service", "infra", "svc", 443, 1, (endpoint,), app_protocol=app_protocol, tls=tls)


def http_listener(target: Backend) -> ListenerConfig:
    return listener("http", [route("r", match(), backends=[[target]])], port=HTTP_PORT)


def policy(ca: KeyPair, hostname: str = "abc.example.com", sans: tuple[tuple[str, str], ...] = ()) -> BackendTLS:
    return BackendTLS("infra/policy", hostname, ca.cert_pem, sans)


# --- backend TLS -----------------------------------------------------------------------------------


def test_backend_tls_sends_sni_and_checks_ca_and_names(make_plane: Callable[..., Plane], backends: Backends) -> None:
    plane = make_plane()
    plane.apply(http_listener(backend(backends.tls, tls=policy(backends.ca))))
    body = httpx.get(plane.url("/x"), timeout=5).json()
    assert body["tls"]["serverName"] == "abc.example.com" and body["path"] == "/x"
    for broken in (policy(make_ca()), policy(backends.ca, hostname="mismatch.example.com")):
        plane.apply(http_listener(backend(backends.tls, tls=broken)))
        assert httpx.get(plane.url(), timeout=5).status_code == 503
    invalid = BackendTLS("infra/policy", "abc.example.com", b"", invalid="no valid CA certificate")
    plane.apply(http_listener(backend(backends.tls, tls=invalid)))
    assert httpx.get(plane.url(), timeout=5).status_code == 502


@pytest.mark.parametrize(
    ("sans", "ok"),
    [
        ((("Hostname", "abc.example.com"),), True),
        ((("Hostname", "dce.example.com"),), False),
        ((("URI", "spiffe://abc.example.com/test-identity"),), True),
        ((("URI", "spiffe://def.example.com/test-identity"),), False),
        ((("URI", "spiffe://def.example.com/x"), ("Hostname", "other.example.com")), True),
    ],
)
def test_subject_alt_names_replace_the_hostname_check(
    make_plane: Callable[..., Plane], backends: Backends, sans: tuple[tuple[str, str], ...], ok: bool
) -> None:
    plane = make_plane()
    plane.apply(http_listener(backend(backends.tls, tls=policy(backends.ca, hostname="abc.example.com", sans=sans))))
    assert (httpx.get(plane.url(), timeout=5).status_code == 200) is ok


def test_gateway_client_certificate_is_presented(make_plane: Callable[..., Plane], backends: Backends) -> None:
    plane = make_plane()
    client = TLSConfig(backends.client.cert_pem, backends.client.key_pem)
    plane.apply(http_listener(backend(backends.tls, tls=policy(backends.ca))), client=client)
    body = httpx.get(plane.url(), timeout=5).json()
    assert body["tls"]["peerCertificates"] == [backends.client.cert_pem.decode()]
    broken = make_plane(ft.BACKEND_CLIENT_CERT_NOT_SENT)
    broken.apply(http_listener(backend(backends.tls, tls=policy(backends.ca))), client=client)
    assert "peerCertificates" not in httpx.get(broken.url(), timeout=5).json()["tls"]


def test_backend_tls_faults(make_plane: Callable[..., Plane], backends: Backends) -> None:
    no_sni = make_plane(ft.BACKEND_TLS_NO_SNI)
    no_sni.apply(http_listener(backend(backends.tls, tls=policy(backends.ca))))
    assert httpx.get(no_sni.url(), timeout=5).json()["tls"]["serverName"] == ""
    unverified = make_plane(ft.BACKEND_TLS_NOT_VERIFIED)
    unverified.apply(http_listener(backend(backends.tls, tls=policy(make_ca()))))
    assert httpx.get(unverified.url(), timeout=5).status_code == 200
    no_sans = make_plane(ft.BACKEND_TLS_SANS_IGNORED)
    no_sans.apply(http_listener(backend(backends.tls, tls=policy(backends.ca, sans=(("Hostname", "x.example"),)))))
    assert httpx.get(no_sans.url(), timeout=5).status_code == 200


def test_name_checks() -> None:
    assert dns_name_matches("*.example.com", "abc.example.com")
    assert not dns_name_matches("*.example.com", "a.b.example.com")
    assert not dns_name_matches("*.example.com", "example.com")
    tls = BackendTLS("p", "abc.example.com", b"x")
    assert certificate_problem(None, tls, ActiveFaults()) == "the backend presented no certificate"


# --- h2c and WebSocket -----------------------------------------------------------------------------


def test_h2c_backends_get_http2_prior_knowledge(make_plane: Callable[..., Plane], backends: Backends) -> None:
    plane = make_plane()
    plane.apply(http_listener(backend(backends.h2c, app_protocol="kubernetes.io/h2c")))
    with httpx.Client(http1=False, http2=True, timeout=5) as client:  # the client speaks h2c to the gateway too
        response = client.get(plane.url("/h2c?x=1"))
    assert response.status_code == 200 and response.http_version == "HTTP/2"
    body = response.json()
    assert body["proto"] == "HTTP/2.0" and body["path"] == "/h2c?x=1"
    broken = make_plane(ft.H2C_BACKEND_HTTP11)
    broken.apply(http_listener(backend(backends.h2c, app_protocol="kubernetes.io/h2c")))
    assert httpx.get(broken.url(), timeout=5).status_code == 400  # "Expected h2c request"


def test_websocket_upgrades_are_relayed(make_plane: Callable[..., Plane], backends: Backends) -> None:
    plane = make_plane()
    plane.apply(http_listener(backend(backends.plain, app_protocol="kubernetes.io/ws")))
    client = WebSocketClient.connect((plane.address, HTTP_PORT), "gw", "/ws", "ws://gateway/test", 5)
    try:
        for message in ("hello", b"\x01\x02", "again"):
            client.send(message)
            assert client.receive() == message
    finally:
        client.close()
    broken = make_plane(ft.WEBSOCKET_UPGRADE_DROPPED)
    broken.apply(http_listener(backend(backends.plain, app_protocol="kubernetes.io/ws")))
    with pytest.raises(WebSocketError):
        WebSocketClient.connect((broken.address, HTTP_PORT), "gw", "/ws", "ws://gateway/test", 5)


# --- frontend client validation --------------------------------------------------------------------


@pytest.fixture(scope="module")
def frontend() -> tuple[KeyPair, KeyPair, KeyPair, KeyPair]:
    """(server CA, server leaf, client CA, a client signed by it)."""
    ca, client_ca = make_ca(), make_ca()
    return ca, make_leaf(["gw.example.org"], ca=ca), client_ca, make_leaf([], ca=client_ca, client=True)


def https_listener(target: Backend, leaf: KeyPair, client_ca: KeyPair, mode: str) -> ListenerConfig:
    tls = TLSConfig(leaf.cert_pem, leaf.key_pem, client_ca_pem=client_ca.cert_pem, client_validation_mode=mode)
    routes = (route("r", match(), backends=[[target]]),)
    return ListenerConfig("https", HTTPS_PORT, "HTTPS", None, routes, tls)


def fetch(plane: Plane, ca: KeyPair, client: KeyPair | None, tmp: Path) -> tuple[int | None, bool]:
    """(status or None when the connection failed, whether the gateway asked for a certificate)."""
    from conformance.probes.tls import HandshakeRecord, TLSClientOptions, client_context

    record = HandshakeRecord()
    options = TLSClientOptions(
        "gw.example.org", ca.cert_pem, client.cert_pem if client else None, client.key_pem if client else None
    )
    with httpx.Client(verify=client_context(options, record), timeout=5) as http:
        try:
            status: int | None = http.get(
                plane.url(port=HTTPS_PORT, scheme="https"), extensions={"sni_hostname": "gw.example.org"}
            ).status_code
        except (httpx.HTTPError, ssl.SSLError):
            status = None
    return status, record.client_certificate_requested


def test_allow_valid_only_requires_a_certificate_from_the_ca(
    make_plane: Callable[..., Plane], backends: Backends, frontend: tuple[KeyPair, ...], tmp_path: Path
) -> None:
    ca, leaf, client_ca, client = frontend
    plane = make_plane()
    plane.apply(https_listener(backend(backends.plain), leaf, client_ca, "AllowValidOnly"))
    assert fetch(plane, ca, client, tmp_path) == (200, True)
    assert fetch(plane, ca, make_leaf([], ca=make_ca(), client=True), tmp_path)[0] is None
    assert fetch(plane, ca, None, tmp_path)[0] is None
    lax = make_plane(ft.CLIENT_CERT_NOT_REQUESTED)
    lax.apply(https_listener(backend(backends.plain), leaf, client_ca, "AllowValidOnly"))
    assert fetch(lax, ca, None, tmp_path) == (200, False)


def test_allow_insecure_fallback_asks_but_accepts_anyone(
    make_plane: Callable[..., Plane], backends: Backends, frontend: tuple[KeyPair, ...], tmp_path: Path
) -> None:
    ca, leaf, client_ca, client = frontend
    plane = make_plane()
    plane.apply(https_listener(backend(backends.plain), leaf, client_ca, "AllowInsecureFallback"))
    stranger = make_leaf([], ca=make_ca(), client=True)
    for presented in (client, stranger, None):
        assert fetch(plane, ca, presented, tmp_path) == (200, True)
    strict = make_plane(ft.INSECURE_FALLBACK_ENFORCED)
    strict.apply(https_listener(backend(backends.plain), leaf, client_ca, "AllowInsecureFallback"))
    assert fetch(strict, ca, stranger, tmp_path)[0] is None


def test_changing_the_validation_rebuilds_the_port(
    make_plane: Callable[..., Plane], backends: Backends, frontend: tuple[KeyPair, ...], tmp_path: Path
) -> None:
    ca, leaf, client_ca, _ = frontend
    plane = make_plane()
    plane.apply(https_listener(backend(backends.plain), leaf, client_ca, "AllowValidOnly"))
    assert fetch(plane, ca, None, tmp_path)[0] is None
    plane.apply(https_listener(backend(backends.plain), leaf, client_ca, "AllowInsecureFallback"))
    assert fetch(plane, ca, None, tmp_path)[0] == 200


def test_an_http11_only_backend_declared_h2c_is_a_bad_gateway(
    make_plane: Callable[..., Plane], backends: Backends
) -> None:
    plane = make_plane()
    plane.apply(http_listener(backend(backends.plain, app_protocol="kubernetes.io/h2c")))
    assert httpx.get(plane.url(), timeout=5).status_code == 502


def test_misdirected_requests_are_routed_under_the_fault(
    make_plane: Callable[..., Plane], backends: Backends, frontend: tuple[KeyPair, ...]
) -> None:
    ca, _, _, _ = frontend
    leaf = make_leaf(["a.example.org", "b.example.org"], ca=ca)
    tls = TLSConfig(leaf.cert_pem, leaf.key_pem)

    def listeners() -> tuple[ListenerConfig, ...]:
        return tuple(
            ListenerConfig(
                name,
                HTTPS_PORT,
                "HTTPS",
                f"{name}.example.org",
                (route(name, match(), backends=[[backend(backends.plain)]]),),
                tls,
            )
            for name in ("a", "b")
        )

    context = ssl.create_default_context(cadata=ca.cert_pem.decode())
    for faults, status in (((), 421), ((ft.MISDIRECTED_NOT_DETECTED,), 200)):
        plane = make_plane(*faults)
        plane.apply(*listeners())
        with httpx.Client(verify=context, timeout=5) as client:
            response = client.get(
                plane.url(port=HTTPS_PORT, scheme="https"),
                headers={"Host": "b.example.org"},
                extensions={"sni_hostname": "a.example.org"},
            )
        assert response.status_code == status, faults
