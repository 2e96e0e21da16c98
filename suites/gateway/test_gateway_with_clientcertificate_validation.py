"""Port of conformance/tests/gateway-with-clientcertificate-validation.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, ExpectedResponse, FeatureName, GatewayRef, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_BACKEND_V2, INFRA_NS
from conformance.probes.tls import TLSClientOptions

CONFORMANCE = ConformanceTest(
    short_name="GatewayFrontendClientCertificateValidation",
    description=(
        "Gateway spec.tls.frontend client validation applies per port: the default CA on 443, the perPort CA "
        "on 8443; each HTTPS listener accepts only client certificates its CA signed"
    ),
    features=(
        FeatureName.GATEWAY,
        FeatureName.HTTP_ROUTE,
        FeatureName.GATEWAY_FRONTEND_CLIENT_CERTIFICATE_VALIDATION,
    ),
    manifests=("gateway-with-clientcertificate-validation.yaml",),
    parallel=True,
)


def test_gateway_with_clientcertificate_validation(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    gateway = NamespacedName(INFRA_NS, "client-validation-default")
    routes = [
        NamespacedName(INFRA_NS, "client-certificate-validation-https-test"),
        NamespacedName(INFRA_NS, "client-certificate-validation-https-test-no-hostname"),
    ]
    # Two HTTPS ports: take the address alone and add each port.
    address = kube.gateway_and_routes_must_be_accepted_and_resolved(GatewayRef(gateway), routes, use_port=False)
    server_cert, _ = kube.tls_secret(NamespacedName(INFRA_NS, "tls-validity-checks-certificate"))
    default_cert, default_key = kube.tls_secret(NamespacedName(INFRA_NS, "tls-validity-checks-client-certificate"))
    port_cert, port_key = kube.tls_secret(NamespacedName(INFRA_NS, "tls-validity-checks-per-port-client-certificate"))

    with subtests.test(msg="443 (default validation): its CA's client certificate passes, the other one fails"):
        passing = ExpectedResponse(
            request=Request(host="example.org", path="/"),
            response=Response(status_code=200),
            backend=INFRA_BACKEND_V1,
            namespace=INFRA_NS,
        )
        tls = TLSClientOptions("example.org", server_cert, default_cert, default_key)
        http.expect_eventually_consistent_tls_response(f"{address}:443", passing, tls)
        failing = ExpectedResponse(request=Request(host="example.org", path="/"), namespace=INFRA_NS)
        tls = TLSClientOptions("example.org", server_cert, port_cert, port_key)
        http.expect_eventually_consistent_tls_failure(f"{address}:443", failing, tls)

    with subtests.test(msg="8443 (perPort validation): its CA's client certificate passes, the default one fails"):
        passing = ExpectedResponse(
            request=Request(host="second-example.org", path="/"),
            response=Response(status_code=200),
            backend=INFRA_BACKEND_V2,
            namespace=INFRA_NS,
        )
        tls = TLSClientOptions("second-example.org", server_cert, port_cert, port_key)
        http.expect_eventually_consistent_tls_response(f"{address}:8443", passing, tls)
        failing = ExpectedResponse(request=Request(host="second-example.org", path="/"), namespace=INFRA_NS)
        tls = TLSClientOptions("second-example.org", server_cert, default_cert, default_key)
        http.expect_eventually_consistent_tls_failure(f"{address}:8443", failing, tls)
