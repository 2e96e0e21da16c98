"""Port of conformance/tests/httproute-exact-path-matching.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_BACKEND_V2, INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteExactPathMatching",
    description="Exact path matches select their backend only for that exact, case-sensitive path",
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("httproute-exact-path-matching.yaml",),
)

CASES = (
    ExpectedResponse(request=Request(path="/one"), backend=INFRA_BACKEND_V1, namespace=INFRA_NS),
    ExpectedResponse(request=Request(path="/two"), backend=INFRA_BACKEND_V2, namespace=INFRA_NS),
    ExpectedResponse(request=Request(path="/"), response=Response(status_code=404)),
    ExpectedResponse(request=Request(path="/one/example"), response=Response(status_code=404)),
    ExpectedResponse(request=Request(path="/two/"), response=Response(status_code=404)),
    ExpectedResponse(request=Request(path="/Two"), response=Response(status_code=404)),
)


def test_httproute_exact_path_matching(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "exact-matching")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    http.expect_each(gateway_address, CASES, subtests)
