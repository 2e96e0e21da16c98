"""Port of conformance/tests/httproute-request-mirror.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V2, INFRA_NS, SAME_NAMESPACE_GATEWAY
from conformance.probes.mirror import EchoLogs, MirroredBackend, expect_each_mirrored
from conformance.steps.mirror_cases import mirrored_to_v1

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteRequestMirror",
    description=(
        "A RequestMirror filter copies each request to infra-backend-v2 while infra-backend-v1 answers it, "
        "also when the rule modifies headers"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_REQUEST_MIRROR),
    manifests=("httproute-request-mirror.yaml",),
)

MIRRORS = (MirroredBackend(INFRA_BACKEND_V2, INFRA_NS),)


CASES = (mirrored_to_v1("/mirror"), mirrored_to_v1("/mirror-and-modify-headers", modify_headers=True))


def test_httproute_request_mirror(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "request-mirror")
    gateway_address = kube.gateway_and_routes_must_be_accepted(SAME_NAMESPACE_GATEWAY, [route])
    expect_each_mirrored(http, EchoLogs(kube), gateway_address, CASES, MIRRORS, subtests)
