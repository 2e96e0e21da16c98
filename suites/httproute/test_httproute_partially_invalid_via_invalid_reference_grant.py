"""Port of conformance/tests/httproute-partially-invalid-via-invalid-reference-grant.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import APP_BACKEND_NS, APP_BACKEND_V1, INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRoutePartiallyInvalidViaInvalidReferenceGrant",
    description=(
        "A route with one permitted and one unpermitted cross-namespace backend stays accepted with "
        "ResolvedRefs False (RefNotPermitted): the unpermitted rule answers 500, the other still forwards"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.REFERENCE_GRANT),
    manifests=("httproute-partially-invalid-via-invalid-reference-grant.yaml",),
)

ROUTE = NamespacedName(INFRA_NS, "invalid-reference-grant")


def test_httproute_partially_invalid_via_invalid_reference_grant(
    kube: Kube, http: HTTPProbe, subtests: pytest.Subtests
) -> None:
    address = kube.gateway_and_routes_must_be_accepted(SAME_NAMESPACE_GATEWAY, [ROUTE])

    with subtests.test(msg="ResolvedRefs is False with reason RefNotPermitted"):
        kube.route_must_have_condition(
            ROUTE, SAME_NAMESPACE_GATEWAY, Condition("ResolvedRefs", "False", "RefNotPermitted")
        )
    with subtests.test(msg="the rule with the unpermitted backend answers 500"):
        http.expect_eventually_consistent_response(
            address, ExpectedResponse(request=Request(method="GET", path="/v2"), response=Response(status_code=500))
        )
    with subtests.test(msg="the rule with the permitted backend forwards"):
        http.expect_eventually_consistent_response(
            address,
            ExpectedResponse(
                request=Request(method="GET", path="/"),
                response=Response(status_code=200),
                backend=APP_BACKEND_V1,
                namespace=APP_BACKEND_NS,
            ),
        )
