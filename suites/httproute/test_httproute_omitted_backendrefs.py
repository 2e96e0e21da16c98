"""Port of conformance/tests/httproute-omitted-backendrefs.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteNoBackendRefs",
    description=(
        "Requests matched by a rule whose backendRefs are omitted or empty get a 500 instead of falling "
        "through to another rule, while a sibling rule with a backend still forwards"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("httproute-omitted-backendrefs.yaml",),
)

ROUTE = NamespacedName(INFRA_NS, "omitted-backendrefs")
CASES = (
    ExpectedResponse(request=Request(path="/forward"), backend=INFRA_BACKEND_V1, namespace=INFRA_NS),
    ExpectedResponse(request=Request(path="/omitted-no-forward"), response=Response(status_code=500)),
    ExpectedResponse(request=Request(path="/empty-no-forward"), response=Response(status_code=500)),
)


def test_httproute_omitted_backendrefs(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [ROUTE])
    http.expect_each(address, CASES, subtests)
