"""Port of conformance/tests/httproute-redirect-port-and-scheme.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import (
    ConformanceTest,
    ExpectedResponse,
    FeatureName,
    GatewayRef,
    NamespacedName,
    RedirectRequest,
    Request,
    Response,
)
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import HTTPS_GATEWAY, INFRA_NS, SAME_NAMESPACE_GATEWAY
from conformance.probes.tls import TLSClientOptions

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteRedirectPortAndScheme",
    description=(
        "Redirects on HTTP :80, HTTP :8080 and HTTPS :443 listeners fill in the scheme and port the filter leaves "
        "out: the scheme's well-known port may be omitted, any other port must appear in the Location"
    ),
    features=(
        FeatureName.GATEWAY,
        FeatureName.HTTP_ROUTE,
        FeatureName.HTTP_ROUTE_PORT_REDIRECT,
        FeatureName.GATEWAY_PORT8080,
    ),
    manifests=("httproute-redirect-port-and-scheme.yaml",),
)

GATEWAY_8080 = NamespacedName(INFRA_NS, "same-namespace-with-http-listener-on-8080")
HOST = "example.org"

# (path, expected scheme, expected port; "" = the scheme's well-known port or none), per listener.
VIA_80 = (
    ("/scheme-nil-and-port-nil", "http", ""),
    ("/scheme-nil-and-port-80", "http", ""),
    ("/scheme-nil-and-port-8080", "http", "8080"),
    ("/scheme-https-and-port-nil", "https", ""),
    ("/scheme-https-and-port-443", "https", ""),
    ("/scheme-https-and-port-8443", "https", "8443"),
)
VIA_8080 = (
    ("/scheme-nil-and-port-nil", "http", "8080"),
    ("/scheme-nil-and-port-80", "http", ""),
    ("/scheme-https-and-port-nil", "https", ""),
)
VIA_443 = (
    ("/scheme-nil-and-port-nil", "https", ""),
    ("/scheme-nil-and-port-443", "https", ""),
    ("/scheme-nil-and-port-8443", "https", "8443"),
    ("/scheme-http-and-port-nil", "http", ""),
    ("/scheme-http-and-port-80", "http", ""),
    ("/scheme-http-and-port-8080", "http", "8080"),
)


def redirect(path: str, scheme: str, port: str, *, host: str = "") -> ExpectedResponse:
    return ExpectedResponse(
        request=Request(path=path, host=host, unfollow_redirect=True),
        response=Response(status_code=302),
        redirect_request=RedirectRequest(scheme=scheme, host=HOST, port=port),
        namespace=INFRA_NS,
    )


def test_httproute_redirect_port_and_scheme(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    addresses = {}
    for gateway, route in (
        (SAME_NAMESPACE_GATEWAY, "http-route-for-listener-on-port-80"),
        (GATEWAY_8080, "http-route-for-listener-on-port-8080"),
        (HTTPS_GATEWAY, "http-route-for-listener-on-port-443"),
    ):
        route_nn = NamespacedName(INFRA_NS, route)
        addresses[gateway] = kube.gateway_and_routes_must_be_accepted_and_resolved(GatewayRef(gateway), [route_nn])
    server_cert, _ = kube.tls_secret(NamespacedName(INFRA_NS, "tls-validity-checks-certificate"))

    for index, (path, scheme, port) in enumerate(VIA_80):
        expected = redirect(path, scheme, port)
        with subtests.test(msg="http-listener-on-80/" + expected.case_name(index)):
            http.expect_eventually_consistent_response(addresses[SAME_NAMESPACE_GATEWAY], expected)
    for index, (path, scheme, port) in enumerate(VIA_8080):
        expected = redirect(path, scheme, port)
        with subtests.test(msg="http-listener-on-8080/" + expected.case_name(index)):
            http.expect_eventually_consistent_response(addresses[GATEWAY_8080], expected)
    for index, (path, scheme, port) in enumerate(VIA_443):
        expected = redirect(path, scheme, port, host=HOST)
        with subtests.test(msg="https-listener-on-443/" + expected.case_name(index)):
            http.expect_eventually_consistent_tls_response(
                addresses[HTTPS_GATEWAY], expected, TLSClientOptions(HOST, server_cert)
            )
