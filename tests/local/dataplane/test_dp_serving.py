"""The data plane serves compiled configs on real sockets, in front of real echo pods."""

from __future__ import annotations

import json
import socket
from collections import Counter
from collections.abc import Callable, Iterator, Sequence

import httpx
import pytest
from dataplane_builders import Services, listener, match, route

from conformance.local.addresses import LoopbackAddresses
from conformance.local.faults import ActiveFaults
from conformance.local.gateway import faults_dataplane as F
from conformance.local.gateway.config import (
    ApplyResult,
    Backend,
    DataPlaneConfig,
    Endpoint,
    GatewayConfig,
    ListenerConfig,
    ListenerKey,
)
from conformance.local.gateway.dataplane import DataPlane, bind_listening_socket
from conformance.local.loop import BackgroundLoop


class Gateway:
    def __init__(self, loop: BackgroundLoop, address: str, faults: ActiveFaults, **kwargs: object) -> None:
        self.address = address
        self.plane = DataPlane(loop, faults, **kwargs)  # type: ignore[arg-type]
        self.client = httpx.Client(timeout=5)

    def apply(self, *listeners: ListenerConfig) -> ApplyResult:
        config = DataPlaneConfig((GatewayConfig("infra", "gw", self.address, tuple(listeners)),))
        return self.plane.apply(config)

    def get(self, path: str = "/", host: str = "example.com", port: int = 8080, **kwargs: object) -> httpx.Response:
        headers = {"Host": host, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
        return self.client.get(f"http://{self.address}:{port}{path}", headers=headers, **kwargs)  # type: ignore[arg-type]

    def close(self) -> None:
        self.client.close()
        self.plane.stop()


@pytest.fixture
def make_gateway(loop: BackgroundLoop, addresses: LoopbackAddresses) -> Iterator[Callable[..., Gateway]]:
    made: list[Gateway] = []

    def make(*faults: str, **kwargs: object) -> Gateway:
        gateway = Gateway(
            loop, addresses.gateway_address(f"infra/gw{len(made)}"), ActiveFaults(frozenset(faults)), **kwargs
        )
        made.append(gateway)
        return gateway

    yield make
    for gateway in made:
        gateway.close()


def simple(backends: Sequence[Backend], *, port: int = 8080) -> ListenerConfig:
    return listener("http", [route("r", match(), backends=[backends])], port=port)


def pod_of(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    pod: str = response.json()["pod"]
    return pod


def service_of(response: httpx.Response) -> str:
    return pod_of(response).rsplit("-", 2)[0]


def test_forwards_the_request_as_received(make_gateway: Callable[..., Gateway], services: Services) -> None:
    gateway = make_gateway()
    assert gateway.apply(simple([services.backend("infra-backend-v1")])) == ApplyResult()
    response = gateway.client.post(
        f"http://{gateway.address}:8080/a//b?x=1&y=%20",
        content=b"payload",
        headers={
            "Host": "example.com:8080",
            "X-Forwarded-For": "10.0.0.1",
            "Connection": "keep-alive, X-Hop",
            "X-Hop": "dropped",
            "Keep-Alive": "timeout=5",
            "X-Echo-Set-Header": "X-From-Backend: yes",
            "X-Custom": "kept",
        },
    )
    body = response.json()
    assert body["path"] == "/a//b?x=1&y=%20"
    assert body["host"] == "example.com:8080"
    assert body["method"] == "POST"
    assert body["namespace"] == "infra" and body["pod"].startswith("infra-backend-v1-")
    echoed = body["headers"]
    assert echoed["X-Forwarded-For"] == ["10.0.0.1, 127.0.0.1"]
    assert echoed["X-Forwarded-Proto"] == ["http"]
    assert echoed["X-Custom"] == ["kept"]
    assert echoed["Content-Length"] == ["7"]
    for hop in ("Connection", "X-Hop", "Keep-Alive"):
        assert hop not in echoed
    assert response.headers["x-from-backend"] == "yes"
    assert response.headers["content-type"] == "application/json"


def test_endpoints_are_balanced(make_gateway: Callable[..., Gateway], services: Services) -> None:
    gateway = make_gateway()
    gateway.apply(simple([services.backend("infra-backend-v1")]))
    pods = Counter(pod_of(gateway.get()) for _ in range(10))
    assert sorted(pods.values()) == [5, 5]


def test_listener_and_route_selection(make_gateway: Callable[..., Gateway], services: Services) -> None:
    gateway = make_gateway()
    v1, v2, v3 = (services.backend(f"infra-backend-v{i}") for i in (1, 2, 3))
    gateway.apply(
        listener("apex", [route("a", match(), backends=[[v1]])], "bar.com"),
        listener("wild", [route("w", match(), backends=[[v2]])], "*.bar.com"),
        listener(
            "any",
            [
                route("n", match("/v3"), backends=[[v3]]),
                route("h", match(), hostnames=["only.example.com"], backends=[[v1]]),
            ],
        ),
    )
    assert service_of(gateway.get(host="bar.com")) == "infra-backend-v1"
    assert service_of(gateway.get(host="x.y.bar.com:8080")) == "infra-backend-v2"
    assert service_of(gateway.get("/v3/x", host="example.com")) == "infra-backend-v3"
    assert service_of(gateway.get(host="only.example.com")) == "infra-backend-v1"
    not_found = gateway.get(host="example.com")
    assert not_found.status_code == 404
    assert not_found.headers["content-type"].startswith("text/plain")


def test_hostname_only_listeners_answer_404_for_other_hosts(
    make_gateway: Callable[..., Gateway], services: Services
) -> None:
    gateway = make_gateway()
    gateway.apply(listener("apex", [route("a", match(), backends=[[services.backend("infra-backend-v1")]])], "bar.com"))
    assert gateway.get(host="foo.com").status_code == 404


def test_weights_split_traffic(make_gateway: Callable[..., Gateway], services: Services) -> None:
    gateway = make_gateway()
    backends = [
        services.backend("infra-backend-v1", 70),
        services.backend("infra-backend-v2", 30),
        services.backend("infra-backend-v3", 0),
    ]
    counts: Counter[str] = Counter()
    for _ in range(20):
        # Controllers re-apply unchanged configs often; that must not restart the weighted rotation.
        gateway.apply(simple(backends))
        counts.update(service_of(gateway.get()) for _ in range(25))
    assert counts == {"infra-backend-v1": 350, "infra-backend-v2": 150}


def test_weights_ignored_fault_spreads_evenly(make_gateway: Callable[..., Gateway], services: Services) -> None:
    gateway = make_gateway(F.WEIGHTS_IGNORED)
    backends = [services.backend("infra-backend-v1", 70), services.backend("infra-backend-v3", 0)]
    gateway.apply(simple(backends))
    counts = Counter(service_of(gateway.get()) for _ in range(20))
    assert counts == {"infra-backend-v1": 10, "infra-backend-v3": 10}


def invalid(name: str) -> Backend:
    return Backend("Service", "infra", name, 8080, 1, invalid="BackendNotFound")


@pytest.mark.parametrize(
    ("fault", "status"),
    [(None, 500), (F.INVALID_BACKEND_503, 503)],
)
def test_invalid_backends_answer_500(
    make_gateway: Callable[..., Gateway], services: Services, fault: str | None, status: int
) -> None:
    gateway = make_gateway(*([fault] if fault else []))
    gateway.apply(simple([invalid("missing")]))
    assert gateway.get().status_code == status
    gateway.apply(simple([invalid("missing"), services.backend("infra-backend-v2")]))
    codes = Counter(gateway.get().status_code for _ in range(10))
    assert codes == {status: 5, 200: 5}


@pytest.mark.parametrize(
    ("backends", "status"),
    [
        ([], 500),
        ([Backend("Service", "infra", "zero", 8080, 0, (Endpoint("127.0.0.1", 9, "p"),))], 500),
        ([Backend("Service", "infra", "no-endpoints", 8080, 1)], 503),
    ],
)
def test_rules_that_cannot_forward(make_gateway: Callable[..., Gateway], backends: list[Backend], status: int) -> None:
    gateway = make_gateway()
    gateway.apply(simple(backends))
    assert gateway.get().status_code == status


def test_upstream_failures(
    make_gateway: Callable[..., Gateway], services: Services, addresses: LoopbackAddresses
) -> None:
    gateway = make_gateway()
    down = Backend("Service", "infra", "down", 8080, 1, (Endpoint(addresses.pod_address("infra/down"), 3000, "down"),))
    gateway.apply(simple([down]))
    assert gateway.get().status_code == 503
    gateway.apply(simple([services.backend("infra-backend-v3")]))
    # The echo /retry endpoint resets the connection (TCP RST) instead of answering.
    assert gateway.get("/retry/x?uuid=gw-reset&succeedAfter=1").status_code == 502
    assert gateway.get("/retry/x?uuid=gw-reset&succeedAfter=1").status_code == 200


def test_host_header_fault(make_gateway: Callable[..., Gateway], services: Services) -> None:
    clean, broken = make_gateway(), make_gateway(F.HOST_HEADER_NOT_PRESERVED)
    backend = services.backend("infra-backend-v2")
    clean.apply(simple([backend]))
    broken.apply(simple([backend]))
    assert clean.get(host="example.com").json()["host"] == "example.com"
    endpoint = backend.endpoints[0]
    assert broken.get(host="example.com").json()["host"] == f"{endpoint.address}:{endpoint.port}"


def test_reapply_swaps_ports_and_routes(make_gateway: Callable[..., Gateway], services: Services) -> None:
    gateway = make_gateway()
    v1, v2 = services.backend("infra-backend-v1"), services.backend("infra-backend-v2")
    gateway.apply(simple([v1], port=8080), simple([v1], port=8081))
    assert service_of(gateway.get(port=8081)) == "infra-backend-v1"  # keeps a connection to 8081 open
    result = gateway.apply(simple([v2], port=8081), simple([v2], port=8082))
    assert result == ApplyResult()
    with pytest.raises(httpx.ConnectError):
        gateway.get(port=8080)
    assert service_of(gateway.get(port=8081)) == "infra-backend-v2"  # same connection, new config
    assert service_of(gateway.get(port=8082)) == "infra-backend-v2"
    gateway.apply()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://{gateway.address}:8082/", timeout=5)


def test_only_http_listeners_are_served_for_now(make_gateway: Callable[..., Gateway], services: Services) -> None:
    gateway = make_gateway()
    https = listener(
        "https", [route("r", match(), backends=[[services.backend("infra-backend-v1")]])], port=8443, protocol="HTTPS"
    )
    assert gateway.apply(https) == ApplyResult()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://{gateway.address}:8443/", timeout=5)


def test_unprivileged_ports_fall_back_to_an_ephemeral_port(
    make_gateway: Callable[..., Gateway], services: Services
) -> None:
    def unprivileged(address: str, port: int) -> socket.socket:
        if 0 < port < 1024:
            raise PermissionError(13, "Permission denied")
        return bind_listening_socket(address, port)

    gateway = make_gateway(bind=unprivileged)
    result = gateway.apply(simple([services.backend("infra-backend-v1")], port=80))
    assert result.errors == {}
    (where, (address, port)), *_ = result.connect_to.items()
    assert where == (gateway.address, 80) and address == gateway.address and port >= 1024
    assert service_of(gateway.get(port=port)) == "infra-backend-v1"
    assert gateway.apply(simple([services.backend("infra-backend-v2")], port=80)).connect_to == result.connect_to


def test_a_port_that_cannot_be_bound_is_reported(make_gateway: Callable[..., Gateway], services: Services) -> None:
    gateway = make_gateway()
    squatter = bind_listening_socket(gateway.address, 8090)
    try:
        result = gateway.apply(simple([services.backend("infra-backend-v1")], port=8090), simple([], port=8091))
    finally:
        squatter.close()
    assert list(result.errors) == [ListenerKey("infra", "gw", "http")]
    assert f"{gateway.address}:8090" in result.errors[ListenerKey("infra", "gw", "http")]
    assert gateway.get(port=8091).status_code == 500  # the other port serves (its rule has no backends)


def raw_exchange(address: str, port: int, request: bytes) -> bytes:
    with socket.create_connection((address, port), timeout=5) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_http10_without_host_and_absolute_form(make_gateway: Callable[..., Gateway], services: Services) -> None:
    gateway = make_gateway()
    backend = services.backend("infra-backend-v2")
    gateway.apply(
        listener("http", [route("r", match("/abs"), hostnames=["abs.example.com"], backends=[[backend]])]),
        simple([backend], port=8081),
    )
    head, _, body = raw_exchange(gateway.address, 8081, b"GET /old HTTP/1.0\r\n\r\n").partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    endpoint = backend.endpoints[0]
    assert json.loads(body)["host"] == f"{endpoint.address}:{endpoint.port}"
    request = b"GET http://abs.example.com/abs?q=1 HTTP/1.1\r\nHost: abs.example.com\r\nConnection: close\r\n\r\n"
    head, _, body = raw_exchange(gateway.address, 8080, request).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert json.loads(body)["path"] == "/abs?q=1"
