"""Port of conformance/tests/gateway-invalid-default-frontend-client-certificate-validation.go (gateway-api v1.6.1)."""

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
from conformance.infra import INFRA_BACKEND_V1, INFRA_NS
from conformance.probes.tls import TLSClientOptions

CONFORMANCE = ConformanceTest(
    short_name="GatewayFrontendInvalidDefaultClientCertificateValidation",
    description=(
        "A default frontend validation naming a missing CA ConfigMap takes the HTTPS listener down "
        "(InvalidCACertificateRef, NoValidCACertificate, not Programmed) and leaves the HTTP listener serving"
    ),
    features=(
        FeatureName.GATEWAY,
        FeatureName.HTTP_ROUTE,
        FeatureName.GATEWAY_FRONTEND_CLIENT_CERTIFICATE_VALIDATION,
    ),
    manifests=("gateway-invalid-default-frontend-client-certificate-validation.yaml",),
    parallel=True,
)


def test_gateway_invalid_default_frontend_client_certificate_validation(
    kube: Kube, http: HTTPProbe, subtests: pytest.Subtests
) -> None:
    gateway = NamespacedName(INFRA_NS, "invalid-default-client-validation-config")
    # Only the address: listener conditions are checked one by one below.
    address = kube.wait_for_gateway_address(GatewayRef(gateway), use_port=False)
    server_cert, _ = kube.tls_secret(NamespacedName(INFRA_NS, "tls-validity-checks-certificate"))

    with subtests.test(msg="the HTTP listener is unaffected and serves example.org"):
        ready = (Condition("ResolvedRefs", "True"), Condition("Accepted", "True"), Condition("Programmed", "True"))
        kube.gateway_listeners_must_have_conditions(gateway, ready, ["http"])
        http.expect_eventually_consistent_response(
            f"{address}:80",
            ExpectedResponse(
                request=Request(host="example.org", path="/"),
                response=Response(status_code=200),
                backend=INFRA_BACKEND_V1,
                namespace=INFRA_NS,
            ),
        )

    with subtests.test(msg="the HTTPS listener reports the invalid CA reference and refuses connections"):
        broken = (
            Condition("ResolvedRefs", "False", "InvalidCACertificateRef"),
            Condition("Accepted", "False", "NoValidCACertificate"),
            Condition("Programmed", "False"),
        )
        kube.gateway_listeners_must_have_conditions(gateway, broken, ["https"])
        http.expect_eventually_consistent_tls_failure(
            f"{address}:443",
            ExpectedResponse(request=Request(host="example.org", path="/"), namespace=INFRA_NS),
            TLSClientOptions("example.org", server_cert),
        )
