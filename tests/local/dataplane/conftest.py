"""Fixtures for the data plane tests: echo pods behind Services."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dataplane_builders import Services

from conformance.local.addresses import LoopbackAddresses
from conformance.local.gateway.config import Endpoint
from conformance.local.loop import BackgroundLoop
from conformance.local.pods.echo import EchoContainer
from conformance.local.pods.logs import ContainerLog


@pytest.fixture
def services(loop: BackgroundLoop, addresses: LoopbackAddresses) -> Iterator[Services]:
    containers: list[EchoContainer] = []
    endpoints: dict[str, tuple[Endpoint, ...]] = {}
    for service, replicas in (("infra-backend-v1", 2), ("infra-backend-v2", 1), ("infra-backend-v3", 1)):
        found = []
        for index in range(replicas):
            pod = f"{service}-5d8f7c9b4d-x{index}abc"
            address = addresses.pod_address(f"infra/{pod}")
            env = {"POD_NAME": pod, "NAMESPACE": "infra", "HTTP_PORT": "3000"}
            container = EchoContainer(address, env, ContainerLog())
            loop.run(container.start())
            containers.append(container)
            found.append(Endpoint(address, 3000, pod))
        endpoints[service] = tuple(found)
    yield Services(endpoints)
    for container in containers:
        loop.run(container.stop())
