"""Port of conformance/tests/httproute-request-header-modifier-backend-weights.go (gateway-api v1.6.1)."""

from __future__ import annotations

from conformance import ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteRequestHeaderModifierBackendWeights",
    description=(
        "With two equally weighted backendRefs that each set a Backend header naming themselves, every "
        "request carries exactly the header of the backend that served it"
    ),
    features=(
        FeatureName.GATEWAY,
        FeatureName.HTTP_ROUTE_BACKEND_REQUEST_HEADER_MODIFICATION,
        FeatureName.HTTP_ROUTE,
    ),
    manifests=("httproute-request-header-modifier-backend-weights.yaml",),
)

REQUESTS = 100


def test_httproute_request_header_modifier_backend_weights(kube: Kube, http: HTTPProbe) -> None:
    route = NamespacedName(INFRA_NS, "request-header-modifier-backend-weights")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    expected = ExpectedResponse(request=Request(path="/"), response=Response(status_code=200), namespace=INFRA_NS)
    http.expect_eventually_consistent_response(gateway_address, expected)

    sent = http.build(gateway_address, expected)
    for number in range(1, REQUESTS + 1):
        round_trip = http.round_trip(sent)
        named = {k.lower(): v for k, v in round_trip.request.headers.items()}.get("backend", [])
        assert len(named) == 1, (
            f"request {number}: expected exactly one Backend header at the backend, got {named} "
            f"({round_trip.describe()})"
        )
        assert round_trip.request.pod.startswith(named[0]), (
            f"request {number}: the Backend header says {named[0]!r} but pod {round_trip.request.pod!r} served it"
        )
