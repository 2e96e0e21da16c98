"""Port of conformance/tests/gateway-http-listener-isolation.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="GatewayHTTPListenerIsolation",
    description=(
        "With several HTTP listeners on one port a request is served only by the routes of the most specific "
        "listener its host matches; routes of the other listeners answer 404, even when their hostnames "
        "overlap the request's host"
    ),
    features=(FeatureName.GATEWAY, FeatureName.GATEWAY_HTTP_LISTENER_ISOLATION, FeatureName.HTTP_ROUTE),
    manifests=(
        "gateway-http-listener-isolation.yaml",
        "gateway-http-listener-isolation-with-hostname-intersection.yaml",
    ),
    parallel=True,
)

#: Listener (and route path) names, and a host each listener is the most specific match for.
LISTENERS = {
    "empty-hostname": "bar.com",
    "wildcard-example-com": "bar.example.com",
    "wildcard-foo-example-com": "bar.foo.example.com",
    "abc-foo-example-com": "abc.foo.example.com",
}


def _cases() -> list[ExpectedResponse]:
    cases = []
    for owner, host in LISTENERS.items():
        for listener in LISTENERS:
            request = Request(host=host, path=f"/{listener}")
            if listener == owner:
                cases.append(ExpectedResponse(request=request, backend=INFRA_BACKEND_V1, namespace=INFRA_NS))
            else:
                cases.append(ExpectedResponse(request=request, response=Response(status_code=404)))
    return cases


def test_gateway_http_listener_isolation(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    kube.namespaces_must_be_ready([INFRA_NS])
    for label, suffix in (
        ("hostnames only on listeners", ""),
        ("hostnames on listeners and intersecting route hostnames", "-with-hostname-intersection"),
    ):
        with subtests.test(msg=label):
            gateway = NamespacedName(INFRA_NS, f"http-listener-isolation{suffix}")
            routes = [NamespacedName(INFRA_NS, f"attaches-to-{listener}{suffix}") for listener in LISTENERS]
            address = kube.gateway_and_routes_must_be_accepted_and_resolved(gateway, routes)
            http.expect_each(address, _cases(), subtests)
