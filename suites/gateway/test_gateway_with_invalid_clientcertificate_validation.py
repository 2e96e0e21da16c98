"""Port of conformance/tests/gateway-with-invalid-clientcertificate-validation.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="GatewayInvalidFrontendClientCertificateValidation",
    description=(
        "Broken perPort client validation (a missing ConfigMap, a Service as CA, a ConfigMap in another namespace "
        "without a grant) takes down only the HTTPS listeners on those ports, each with the matching reason"
    ),
    features=(
        FeatureName.GATEWAY,
        FeatureName.HTTP_ROUTE,
        FeatureName.REFERENCE_GRANT,
        FeatureName.GATEWAY_FRONTEND_CLIENT_CERTIFICATE_VALIDATION,
    ),
    manifests=("gateway-with-invalid-clientcertificate-validation.yaml",),
    parallel=True,
)


def _broken(reason: str) -> tuple[Condition, ...]:
    return (
        Condition("ResolvedRefs", "False", reason),
        Condition("Accepted", "False", "NoValidCACertificate"),
        Condition("Programmed", "False"),
    )


CASES = (
    (
        "the default validation is valid",
        "https",
        (Condition("ResolvedRefs"), Condition("Accepted"), Condition("Programmed")),
    ),
    ("an unresolvable ConfigMap", "https-unresolved", _broken("InvalidCACertificateRef")),
    ("a reference of an unsupported kind", "https-invalid-kind", _broken("InvalidCACertificateKind")),
    ("a cross-namespace reference without a grant", "https-grant-missing", _broken("RefNotPermitted")),
)


def test_gateway_with_invalid_clientcertificate_validation(kube: Kube, subtests: pytest.Subtests) -> None:
    gateway = NamespacedName(INFRA_NS, "gateway-with-invalid-client-cert-validation")
    for what, listener, conditions in CASES:
        with subtests.test(msg=f"{what}: listener {listener} has {', '.join(map(str, conditions))}"):
            kube.gateway_listeners_must_have_conditions(gateway, conditions, [listener])
