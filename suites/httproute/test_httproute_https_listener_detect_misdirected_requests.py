"""Port of conformance/tests/httproute-https-listener-detect-misdirected-requests.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import HTTPS_GATEWAY, INFRA_BACKEND_V1, INFRA_BACKEND_V2, INFRA_BACKEND_V3, INFRA_NS
from conformance.probes.tls import TLSClientOptions

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteHTTPSListenerDetectMisdirectedRequests",
    description=(
        "Over HTTP/2 with TLS, a request whose Host belongs to another HTTPS listener on the port than the one the "
        "SNI chose gets 421 Misdirected Request; a Host no other listener claims is routed (or 404)"
    ),
    features=(
        FeatureName.GATEWAY,
        FeatureName.GATEWAY_HTTPS_LISTENER_DETECT_MISDIRECTED_REQUESTS,
        FeatureName.HTTP_ROUTE,
    ),
    manifests=("httproute-https-listener-detect-misdirected-requests.yaml",),
)

# (SNI, Host, status, backend)
CASES = (
    ("example.org", "example.org", 200, INFRA_BACKEND_V1),
    ("example.org", "second-example.org", 421, ""),
    ("example.org", "unknown-example.org", 404, ""),
    ("second-example.org", "second-example.org", 200, INFRA_BACKEND_V2),
    ("second-example.org", "example.org", 421, ""),
    ("second-example.org", "unknown-example.org", 421, ""),
    ("third-example.wildcard.org", "third-example.wildcard.org", 200, INFRA_BACKEND_V3),
    ("third-example.wildcard.org", "fith-example.wildcard.org", 200, INFRA_BACKEND_V3),
    ("third-example.wildcard.org", "fourth-example.wildcard.org", 421, ""),
    ("third-example.wildcard.org", "second-example.org", 421, ""),
    ("third-example.wildcard.org", "unknown-example.org", 421, ""),
    # There is no fourth backend: the fourth route goes to infra-backend-v1 again.
    ("fourth-example.wildcard.org", "fourth-example.wildcard.org", 200, INFRA_BACKEND_V1),
    ("fourth-example.wildcard.org", "fith-example.wildcard.org", 421, ""),
    ("unknown-example.org", "example.org", 200, INFRA_BACKEND_V1),
    ("unknown-example.org", "unknown-example.org", 404, ""),
)


def test_httproute_https_listener_detect_misdirected_requests(
    kube: Kube, http: HTTPProbe, subtests: pytest.Subtests
) -> None:
    routes = [NamespacedName(INFRA_NS, f"https-listener-detect-misdirected-requests-test-{n}") for n in range(1, 5)]
    address = kube.gateway_and_routes_must_be_accepted_and_resolved(HTTPS_GATEWAY, routes)
    server_cert, _ = kube.tls_secret(NamespacedName(INFRA_NS, "tls-validity-checks-certificate"))

    for index, (sni, host, status, backend) in enumerate(CASES):
        expected = ExpectedResponse(
            request=Request(host=host, path="/detect-misdirected-requests", protocol="H2"),
            response=Response(status_codes=(status,)),
            backend=backend,
            namespace=INFRA_NS,
        )
        with subtests.test(msg=f"SNI {sni}: {expected.case_name(index)}"):
            http.expect_eventually_consistent_tls_response(address, expected, TLSClientOptions(sni, server_cert))
