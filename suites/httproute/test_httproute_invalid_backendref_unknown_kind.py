"""Port of conformance/tests/httproute-invalid-backendref-unknown-kind.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteInvalidBackendRefUnknownKind",
    description=(
        "An HTTPRoute whose backendRef has an unknown group and kind is accepted, "
        "reports ResolvedRefs=False/InvalidKind, and its requests get a 500"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("httproute-invalid-backendref-unknown-kind.yaml",),
)


def test_httproute_invalid_backendref_unknown_kind(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "invalid-backend-ref-unknown-kind")
    gateway_address = kube.gateway_and_routes_must_be_accepted(SAME_NAMESPACE_GATEWAY, [route])

    with subtests.test(msg="ResolvedRefs is False with reason InvalidKind"):
        kube.route_must_have_condition(route, SAME_NAMESPACE_GATEWAY, Condition("ResolvedRefs", "False", "InvalidKind"))

    with subtests.test(msg="requests get a 500"):
        http.expect_eventually_consistent_response(
            gateway_address,
            ExpectedResponse(request=Request(method="GET", path="/v2"), response=Response(status_code=500)),
        )
