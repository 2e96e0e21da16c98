"""Port of conformance/tests/backendtlspolicy-invalid-ca-certificate-ref.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import (
    ConformanceTest,
    FeatureName,
    NamespacedName,
)
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_NS
from conformance.steps.backend_tls_refused import backend_tls_policies_must_be_refused

CONFORMANCE = ConformanceTest(
    short_name="BackendTLSPolicyInvalidCACertificateRef",
    description=(
        "A BackendTLSPolicy whose only CA reference is a missing ConfigMap or one without ca.crt is "
        "Accepted=False/NoValidCACertificate and ResolvedRefs=False/InvalidCACertificateRef; its backend gets a 5xx"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.BACKEND_TLS_POLICY),
    manifests=("backendtlspolicy-invalid-ca-certificate-ref.yaml",),
    parallel=True,
)

POLICIES = ("nonexistent-ca-certificate-ref", "malformed-ca-certificate-ref")


def test_backendtlspolicy_invalid_ca_certificate_ref(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    backend_tls_policies_must_be_refused(
        kube,
        http,
        subtests,
        route=NamespacedName(INFRA_NS, "backendtlspolicy-invalid-ca-certificate-ref"),
        policies=POLICIES,
        unresolved_reason="InvalidCACertificateRef",
    )
