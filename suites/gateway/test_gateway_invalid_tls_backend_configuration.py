"""Port of conformance/tests/gateway-invalid-tls-backend-configuration.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="GatewayInvalidTLSBackendConfiguration",
    description=(
        "A Gateway whose spec.tls.backend.clientCertificateRef cannot be used (missing, foreign group, other "
        "kind, malformed Secret, another namespace without a grant) stays Accepted but reports ResolvedRefs=False"
    ),
    features=(
        FeatureName.GATEWAY,
        FeatureName.GATEWAY_BACKEND_CLIENT_CERTIFICATE,
        FeatureName.HTTP_ROUTE,
        FeatureName.BACKEND_TLS_POLICY,
    ),
    manifests=("gateway-invalid-tls-backend-configuration.yaml",),
    parallel=True,
)

CASES = (
    ("gateway-client-certificate-nonexistent-secret", "a Secret that does not exist", "InvalidClientCertificateRef"),
    ("gateway-client-certificate-unsupported-group", "an unsupported group", "InvalidClientCertificateRef"),
    ("gateway-client-certificate-unsupported-kind", "an unsupported kind", "InvalidClientCertificateRef"),
    ("gateway-client-certificate-malformed-secret", "a Secret without a key pair", "InvalidClientCertificateRef"),
    ("gateway-client-certificate-missing-reference-grant", "another namespace, no ReferenceGrant", "RefNotPermitted"),
)


def test_gateway_invalid_tls_backend_configuration(kube: Kube, subtests: pytest.Subtests) -> None:
    for name, what, reason in CASES:
        with subtests.test(msg=f"clientCertificateRef to {what}: ResolvedRefs=False/{reason}, still Accepted"):
            gateway = NamespacedName(INFRA_NS, name)
            kube.must_have_latest_conditions("Gateway", gateway)
            kube.gateway_must_have_condition(gateway, Condition("ResolvedRefs", "False", reason))
            kube.gateway_must_have_condition(gateway, Condition("Accepted", "True", "Accepted"))
