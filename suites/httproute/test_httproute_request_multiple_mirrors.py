"""Port of conformance/tests/httproute-request-multiple-mirrors.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V2, INFRA_BACKEND_V3, INFRA_NS, SAME_NAMESPACE_GATEWAY
from conformance.probes.mirror import EchoLogs, MirroredBackend, expect_each_mirrored
from conformance.steps.mirror_cases import mirrored_to_v1

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteRequestMultipleMirrors",
    description=(
        "Two RequestMirror filters copy each request to infra-backend-v2 and infra-backend-v3 while "
        "infra-backend-v1 answers it, also when the rule modifies headers"
    ),
    features=(
        FeatureName.GATEWAY,
        FeatureName.HTTP_ROUTE,
        FeatureName.HTTP_ROUTE_REQUEST_MIRROR,
        FeatureName.HTTP_ROUTE_REQUEST_MULTIPLE_MIRRORS,
    ),
    manifests=("httproute-request-multiple-mirrors.yaml",),
)

MIRRORS = (MirroredBackend(INFRA_BACKEND_V2, INFRA_NS), MirroredBackend(INFRA_BACKEND_V3, INFRA_NS))


CASES = (
    mirrored_to_v1("/multi-mirror"),
    mirrored_to_v1("/multi-mirror-and-modify-request-headers", modify_headers=True),
)


def test_httproute_request_multiple_mirrors(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "request-multiple-mirrors")
    gateway_address = kube.gateway_and_routes_must_be_accepted(SAME_NAMESPACE_GATEWAY, [route])
    expect_each_mirrored(http, EchoLogs(kube), gateway_address, CASES, MIRRORS, subtests)
