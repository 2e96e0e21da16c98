"""Port of conformance/tests/httproute-path-match-order.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_BACKEND_V2, INFRA_BACKEND_V3, INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRoutePathMatchOrder",
    description="Exact path matches win over prefixes and longer prefixes over shorter ones, whatever the rule order",
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("httproute-path-match-order.yaml",),
)

CASES = tuple(
    ExpectedResponse(request=Request(path=path), backend=backend, namespace=INFRA_NS)
    for path, backend in (
        ("/match/exact/one", INFRA_BACKEND_V3),
        ("/match/exact", INFRA_BACKEND_V2),
        ("/match", INFRA_BACKEND_V1),
        ("/match/prefix/one/any", INFRA_BACKEND_V2),
        ("/match/prefix/any", INFRA_BACKEND_V1),
        ("/match/any", INFRA_BACKEND_V3),
    )
)


def test_httproute_path_match_order(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "path-matching-order")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    http.expect_each(gateway_address, CASES, subtests)
