"""A data plane in front of echo pods, for tests of filters, timeouts, retries and mirrors.

One :class:`FilterEnv` per test module: echo pods (infra-backend-v1 with two replicas, v2, v3) with
their logs, and gateways (one per fault set) that serve a single listener on port 8080. Rules are
built from the route JSON a test would write (filters, timeouts, retry), so the tests read like the
HTTPRoutes they are about.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from conformance.local.addresses import LoopbackAddresses, reserve_second_octet
from conformance.local.faults import ActiveFaults
from conformance.local.gateway.config import (
    Backend,
    DataPlaneConfig,
    Endpoint,
    GatewayConfig,
    ListenerConfig,
    Match,
    RouteConfig,
    RouteRef,
    Rule,
)
from conformance.local.gateway.dataplane import DataPlane
from conformance.local.loop import BackgroundLoop
from conformance.local.pods.echo import EchoContainer
from conformance.local.pods.logs import ContainerLog

PORT = 8080
SERVICES = (("infra-backend-v1", 2), ("infra-backend-v2", 1), ("infra-backend-v3", 1))
CLEAN = ActiveFaults()
REF = RouteRef("HTTPRoute", "infra", "route", "2024-01-01T00:00:00Z")


@dataclass(frozen=True)
class Answer:
    """What a client saw, reduced to what filter tests compare."""

    status: int
    headers: tuple[tuple[str, str], ...]
    """Response headers, lower-cased names, in order."""
    echo: Mapping[str, Any] = field(default_factory=dict)
    """The echo backend's JSON (empty when the gateway answered itself)."""

    def header(self, name: str) -> str | None:
        values = [v for n, v in self.headers if n == name.lower()]
        return ",".join(values) if values else None

    @property
    def seen_headers(self) -> dict[str, list[str]]:
        headers: dict[str, list[str]] = self.echo.get("headers", {})
        return headers

    @property
    def pod(self) -> str:
        return str(self.echo.get("pod", ""))


class FilterEnv:
    def __init__(self) -> None:
        self.loop = BackgroundLoop("filter-tests")
        self.loop.start()
        octet, self._reservation = reserve_second_octet()
        self.addresses = LoopbackAddresses(octet)
        self.logs: dict[str, list[ContainerLog]] = {}
        self.endpoints: dict[str, tuple[Endpoint, ...]] = {}
        self._containers: list[EchoContainer] = []
        self._gateways: dict[frozenset[str], tuple[DataPlane, str]] = {}
        self.client = httpx.Client(timeout=10, limits=httpx.Limits(max_keepalive_connections=0))
        for service, replicas in SERVICES:
            found = []
            for index in range(replicas):
                pod = f"{service}-7c9d8f6b5a-f{index}xyz"
                address = self.addresses.pod_address(f"infra/{pod}")
                log = ContainerLog()
                container = EchoContainer(address, {"POD_NAME": pod, "NAMESPACE": "infra"}, log)
                self.loop.run(container.start())
                self._containers.append(container)
                self.logs.setdefault(service, []).append(log)
                found.append(Endpoint(address, 3000, pod))
            self.endpoints[service] = tuple(found)

    def close(self) -> None:
        self.client.close()
        for plane, _ in self._gateways.values():
            plane.stop()
        for container in self._containers:
            self.loop.run(container.stop())
        self.loop.stop()
        self._reservation.close()

    def backend(self, name: str, *, weight: int = 1, filters: Sequence[Mapping[str, Any]] = ()) -> Backend:
        return Backend("Service", "infra", name, PORT, weight, self.endpoints[name], filters=tuple(map(dict, filters)))

    def gateway(self, faults: ActiveFaults) -> tuple[DataPlane, str]:
        if faults.names not in self._gateways:
            address = self.addresses.gateway_address(f"infra/gw-{len(self._gateways)}")
            self._gateways[faults.names] = (DataPlane(self.loop, faults), address)
        return self._gateways[faults.names]

    def send(
        self,
        rules: Sequence[Rule],
        path: str = "/",
        *,
        faults: ActiveFaults = CLEAN,
        method: str = "GET",
        headers: Mapping[str, str] | None = None,
        host: str = "example.com",
    ) -> Answer:
        """Serve a route of ``rules`` and send one request through it."""
        plane, address = self.gateway(faults)
        route = RouteConfig(REF, (), tuple(rules))
        plane.apply(
            DataPlaneConfig(
                (GatewayConfig("infra", "gw", address, (ListenerConfig("l", PORT, "HTTP", None, (route,)),)),)
            )
        )
        response = self.client.request(
            method, f"http://{address}:{PORT}{path}", headers={"Host": host, **(headers or {})}
        )
        echo = response.json() if response.headers.get("content-type") == "application/json" else {}
        return Answer(response.status_code, tuple(response.headers.multi_items()), echo)

    def log_count(self, service: str, text: str, *, settle: float = 0.3) -> int:
        """Lines of ``service``'s echo logs containing ``text``, after mirrors had time to arrive."""
        deadline = time.monotonic() + settle
        count = 0
        while True:
            count = sum(log.read().count(text) for log in self.logs[service])
            if count or time.monotonic() >= deadline:
                return count
            time.sleep(0.02)


def rule(
    *filters: Mapping[str, Any],
    backends: Sequence[Backend] = (),
    path: str = "/",
    path_type: str = "PathPrefix",
    index: int = 0,
    mirrors: Sequence[Backend] = (),
    timeouts: Mapping[str, Any] | None = None,
    retry: Mapping[str, Any] | None = None,
    match: Match | None = None,
) -> Rule:
    return Rule(
        REF,
        index,
        (match or Match(path_type=path_type, path_value=path),),
        filters=tuple(dict(f) for f in filters),
        backends=tuple(backends),
        timeouts=dict(timeouts) if timeouts is not None else None,
        retry=dict(retry) if retry is not None else None,
        mirrors=tuple(mirrors),
    )


def request_headers(**operations: Any) -> dict[str, Any]:
    return {"type": "RequestHeaderModifier", "requestHeaderModifier": operations}


def response_headers(**operations: Any) -> dict[str, Any]:
    return {"type": "ResponseHeaderModifier", "responseHeaderModifier": operations}


def redirect(**spec: Any) -> dict[str, Any]:
    return {"type": "RequestRedirect", "requestRedirect": spec}


def rewrite(**spec: Any) -> dict[str, Any]:
    return {"type": "URLRewrite", "urlRewrite": spec}


def mirror(name: str, **share: Any) -> dict[str, Any]:
    return {"type": "RequestMirror", "requestMirror": {"backendRef": {"name": name, "port": PORT}, **share}}


def cors(**spec: Any) -> dict[str, Any]:
    return {"type": "CORS", "cors": spec}


def env_fixture() -> Iterator[FilterEnv]:
    env = FilterEnv()
    try:
        yield env
    finally:
        env.close()
