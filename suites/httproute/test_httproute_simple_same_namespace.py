"""Port of conformance/tests/httproute-simple-same-namespace.go (gateway-api v1.6.1)."""

from __future__ import annotations

from conformance import ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteSimpleSameNamespace",
    description="An HTTPRoute attached to a Gateway in its own namespace sends traffic to its backend",
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("httproute-simple-same-namespace.yaml",),
)


def test_httproute_simple_same_namespace(kube: Kube, http: HTTPProbe) -> None:
    route = NamespacedName(INFRA_NS, "gateway-conformance-infra-test")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    http.expect_eventually_consistent_response(
        gateway_address,
        ExpectedResponse(
            request=Request(path="/"),
            response=Response(status_code=200),
            backend=INFRA_BACKEND_V1,
            namespace=INFRA_NS,
        ),
    )
