"""Port of conformance/tests/httproute-reference-grant.go (gateway-api v1.6.1)."""

from __future__ import annotations

from conformance import ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_NS, SAME_NAMESPACE_GATEWAY, WEB_BACKEND, WEB_BACKEND_NS

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteReferenceGrant",
    description=(
        "A ReferenceGrant lets an HTTPRoute send traffic to a Service in another namespace; "
        "once the grant is deleted, requests get a 500"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.REFERENCE_GRANT),
    manifests=("httproute-reference-grant.yaml",),
)


def test_httproute_reference_grant(kube: Kube, http: HTTPProbe) -> None:
    route = NamespacedName(INFRA_NS, "reference-grant")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    http.expect_eventually_consistent_response(
        gateway_address,
        ExpectedResponse(
            request=Request(method="GET", path="/"),
            response=Response(status_code=200),
            backend=WEB_BACKEND,
            namespace=WEB_BACKEND_NS,
        ),
    )

    kube.delete("ReferenceGrant", NamespacedName(WEB_BACKEND_NS, "reference-grant"), missing_ok=False)

    http.expect_eventually_consistent_response(
        gateway_address,
        ExpectedResponse(request=Request(method="GET", path="/"), response=Response(status_code=500)),
    )
