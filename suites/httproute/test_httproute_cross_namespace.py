"""Port of conformance/tests/httproute-cross-namespace.go (gateway-api v1.6.1)."""

from __future__ import annotations

from conformance import ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import BACKEND_NAMESPACES_GATEWAY, WEB_BACKEND, WEB_BACKEND_NS

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteCrossNamespace",
    description=(
        "An HTTPRoute in a backend namespace attaches to a Gateway in the infra namespace and reaches its backend"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("httproute-cross-namespace.yaml",),
)


def test_httproute_cross_namespace(kube: Kube, http: HTTPProbe) -> None:
    route = NamespacedName(WEB_BACKEND_NS, "cross-namespace")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(BACKEND_NAMESPACES_GATEWAY, [route])

    http.expect_eventually_consistent_response(
        gateway_address,
        ExpectedResponse(
            request=Request(path="/"),
            response=Response(status_code=200),
            backend=WEB_BACKEND,
            namespace=WEB_BACKEND_NS,
        ),
    )
