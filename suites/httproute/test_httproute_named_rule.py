"""Port of conformance/tests/httproute-named-rule.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteNamedRule",
    description="A route whose rules may carry a name is accepted and serves its named and unnamed rules alike",
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_NAMED_ROUTE_RULE),
    manifests=("httproute-named-rule.yaml",),
    provisional=True,
)

CASES = tuple(
    ExpectedResponse(request=Request(path=path), response=Response(status_code=200), namespace=INFRA_NS)
    for path in ("/named", "/unnamed")
)


def test_httproute_named_rule(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "http-named-rules")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    http.expect_each(gateway_address, CASES, subtests)
