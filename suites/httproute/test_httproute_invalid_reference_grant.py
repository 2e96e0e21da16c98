"""Port of conformance/tests/httproute-invalid-reference-grant.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_NS, SAME_NAMESPACE_GATEWAY, WEB_BACKEND, WEB_BACKEND_NS

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteInvalidReferenceGrant",
    description=(
        "ReferenceGrants that get the namespace, a from group/kind/namespace or a to group/kind/name wrong do "
        "not permit a cross-namespace backendRef: ResolvedRefs is False (RefNotPermitted) and requests get a 500"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.REFERENCE_GRANT),
    manifests=("httproute-invalid-reference-grant.yaml",),
)

ROUTE = NamespacedName(INFRA_NS, "reference-grant")


def test_httproute_invalid_reference_grant(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    address = kube.gateway_and_routes_must_be_accepted(SAME_NAMESPACE_GATEWAY, [ROUTE])

    with subtests.test(msg="ResolvedRefs is False with reason RefNotPermitted"):
        kube.route_must_have_condition(
            ROUTE, SAME_NAMESPACE_GATEWAY, Condition("ResolvedRefs", "False", "RefNotPermitted")
        )
    with subtests.test(msg="requests do not reach web-backend"):
        http.expect_eventually_consistent_response(
            address,
            ExpectedResponse(
                request=Request(method="GET", path="/"),
                response=Response(status_code=500),
                backend=WEB_BACKEND,
                namespace=WEB_BACKEND_NS,
            ),
        )
