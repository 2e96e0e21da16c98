"""Port of conformance/tests/httproute-invalid-nonexistent-backendref.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteInvalidNonExistentBackendRef",
    description=(
        "An HTTPRoute whose only backendRef names a missing Service is accepted, "
        "reports ResolvedRefs=False/BackendNotFound, and its requests get a 500"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("httproute-invalid-nonexistent-backendref.yaml",),
)


def test_httproute_invalid_nonexistent_backendref(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "invalid-nonexistent-backend-ref")
    gateway_address = kube.gateway_and_routes_must_be_accepted(SAME_NAMESPACE_GATEWAY, [route])

    with subtests.test(msg="ResolvedRefs is False with reason BackendNotFound"):
        kube.route_must_have_condition(
            route, SAME_NAMESPACE_GATEWAY, Condition("ResolvedRefs", "False", "BackendNotFound")
        )

    with subtests.test(msg="requests get a 500"):
        http.expect_eventually_consistent_response(
            gateway_address,
            ExpectedResponse(request=Request(method="GET", path="/"), response=Response(status_code=500)),
        )
