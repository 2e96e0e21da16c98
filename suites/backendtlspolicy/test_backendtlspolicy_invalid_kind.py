"""Port of conformance/tests/backendtlspolicy-invalid-kind.go (gateway-api v1.6.1)."""

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
    short_name="BackendTLSPolicyInvalidKind",
    description=(
        "A BackendTLSPolicy whose only CA reference has an unsupported kind is Accepted=False/NoValidCACertificate "
        "and ResolvedRefs=False/InvalidKind; its backend gets a 5xx"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.BACKEND_TLS_POLICY),
    manifests=("backendtlspolicy-invalid-kind.yaml",),
    parallel=True,
)

POLICIES = ("invalid-kind",)


def test_backendtlspolicy_invalid_kind(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    backend_tls_policies_must_be_refused(
        kube,
        http,
        subtests,
        route=NamespacedName(INFRA_NS, "backendtlspolicy-invalid-kind-test"),
        policies=POLICIES,
        unresolved_reason="InvalidKind",
    )
