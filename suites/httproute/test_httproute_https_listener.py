"""Port of conformance/tests/httproute-https-listener.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import HTTPS_GATEWAY, INFRA_BACKEND_V1, INFRA_BACKEND_V2, INFRA_NS
from conformance.probes.tls import TLSClientOptions

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteHTTPSListener",
    description=(
        "HTTPRoutes on the HTTPS listeners of same-namespace-with-https-listener serve by SNI and Host "
        "(example.org and second-example.org); an unknown host gets a 404"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("httproute-https-listener.yaml",),
)

CASES = (
    ("example.org", 200, INFRA_BACKEND_V1),
    ("unknown-example.org", 404, ""),
    ("second-example.org", 200, INFRA_BACKEND_V2),
)


def test_httproute_https_listener(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    routes = [
        NamespacedName(INFRA_NS, "httproute-https-test"),
        NamespacedName(INFRA_NS, "httproute-https-test-no-hostname"),
    ]
    address = kube.gateway_and_routes_must_be_accepted_and_resolved(HTTPS_GATEWAY, routes)
    server_cert, _ = kube.tls_secret(NamespacedName(INFRA_NS, "tls-validity-checks-certificate"))

    for index, (host, status, backend) in enumerate(CASES):
        expected = ExpectedResponse(
            request=Request(host=host, path="/"),
            response=Response(status_code=status),
            backend=backend,
            namespace=INFRA_NS,
        )
        with subtests.test(msg=expected.case_name(index)):
            http.expect_eventually_consistent_tls_response(address, expected, TLSClientOptions(host, server_cert))
