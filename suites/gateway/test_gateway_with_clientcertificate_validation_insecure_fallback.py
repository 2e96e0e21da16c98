"""Port of conformance/tests/gateway-with-clientcertificate-validation-insecure-fallback.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import (
    Condition,
    ConformanceTest,
    ExpectedResponse,
    FeatureName,
    GatewayRef,
    NamespacedName,
    Request,
    Response,
)
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_BACKEND_V2, INFRA_NS
from conformance.probes.tls import TLSClientOptions

CONFORMANCE = ConformanceTest(
    short_name="GatewayFrontendClientCertificateValidationInsecureFallback",
    description=(
        "With AllowInsecureFallback client validation the Gateway reports InsecureFrontendValidationMode and its "
        "HTTPS listeners ask for a client certificate but serve clients with a valid, an unrelated or no certificate"
    ),
    features=(
        FeatureName.GATEWAY,
        FeatureName.HTTP_ROUTE,
        FeatureName.GATEWAY_FRONTEND_CLIENT_CERTIFICATE_VALIDATION,
        FeatureName.GATEWAY_FRONTEND_CLIENT_CERTIFICATE_VALIDATION_INSECURE_FALLBACK,
    ),
    manifests=("gateway-with-clientcertificate-validation-insecure-fallback.yaml",),
    parallel=True,
)


def test_gateway_with_clientcertificate_validation_insecure_fallback(
    kube: Kube, http: HTTPProbe, subtests: pytest.Subtests
) -> None:
    gateway = NamespacedName(INFRA_NS, "client-validation-insecure-fallback")
    routes = [
        NamespacedName(INFRA_NS, "client-cert-validation-insecure-fallback-test"),
        NamespacedName(INFRA_NS, "client-cert-validation-insecure-fallback-test-no-hostname"),
    ]
    address = kube.gateway_and_routes_must_be_accepted_and_resolved(GatewayRef(gateway), routes, use_port=False)

    with subtests.test(msg="the Gateway reports InsecureFrontendValidationMode=True/ConfigurationChanged"):
        kube.gateway_must_have_condition(
            gateway, Condition("InsecureFrontendValidationMode", "True", "ConfigurationChanged")
        )

    server_cert, _ = kube.tls_secret(NamespacedName(INFRA_NS, "tls-validity-checks-certificate"))
    default_pair = kube.tls_secret(NamespacedName(INFRA_NS, "tls-validity-checks-client-certificate"))
    port_pair = kube.tls_secret(NamespacedName(INFRA_NS, "tls-validity-checks-per-port-client-certificate"))
    ports = (
        (443, "example.org", INFRA_BACKEND_V1, default_pair, port_pair),
        (8443, "second-example.org", INFRA_BACKEND_V2, port_pair, default_pair),
    )
    for port, host, backend, matching, other in ports:
        expected = ExpectedResponse(
            request=Request(host=host, path="/"),
            response=Response(status_code=200),
            backend=backend,
            namespace=INFRA_NS,
        )
        for what, pair in (("a matching", matching), ("a non-matching", other), ("no", None)):
            with subtests.test(msg=f"{port}: a client with {what} client certificate is served"):
                cert, key = pair if pair is not None else (None, None)
                http.expect_eventually_consistent_tls_response(
                    f"{address}:{port}", expected, TLSClientOptions(host, server_cert, cert, key)
                )
