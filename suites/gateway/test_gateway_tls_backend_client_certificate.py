"""Port of conformance/tests/gateway-tls-backend-client-certificate.go (gateway-api v1.6.1)."""

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
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="GatewayTLSBackendClientCertificate",
    description=(
        "A Gateway with spec.tls.backend.clientCertificateRef presents that certificate when it opens TLS to a "
        "backend (selected by a BackendTLSPolicy) that asks for one"
    ),
    features=(
        FeatureName.GATEWAY,
        FeatureName.GATEWAY_BACKEND_CLIENT_CERTIFICATE,
        FeatureName.HTTP_ROUTE,
        FeatureName.BACKEND_TLS_POLICY,
    ),
    manifests=("gateway-tls-backend-client-certificate.yaml",),
    parallel=True,
)


def test_gateway_tls_backend_client_certificate(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    gateway = NamespacedName(INFRA_NS, "gateway-tls-backend-client-certificate")
    route = NamespacedName(INFRA_NS, "gateway-tls-backend-client-certificate")
    policy = NamespacedName(INFRA_NS, "gateway-tls-backend-client-certificate-test")
    kube.namespaces_must_be_ready([INFRA_NS])
    address = kube.gateway_and_routes_must_be_accepted_and_resolved(GatewayRef(gateway), [route], use_port=False)
    kube.backend_tls_policy_must_have_condition(policy, gateway, Condition("Accepted", "True", "Accepted"))
    kube.gateway_must_have_condition(gateway, Condition("ResolvedRefs", "True", "ResolvedRefs"))

    with subtests.test(msg="the backend sees the Gateway's client certificate on a TLS connection for abc.example.com"):
        client_cert, _ = kube.tls_secret(NamespacedName(INFRA_NS, "tls-checks-client-certificate"))
        http.expect_eventually_consistent_response(
            address,
            ExpectedResponse(
                request=Request(
                    path="/", host="abc.example.com", sni="abc.example.com", client_cert=client_cert.decode()
                ),
                response=Response(status_codes=(200,)),
                namespace=INFRA_NS,
            ),
        )
