"""Port of conformance/tests/gateway-secret-invalid-reference-grant.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, ExpectedListener, FeatureName, NamespacedName, SupportedKind
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="GatewaySecretInvalidReferenceGrant",
    description=(
        "ReferenceGrants that get the namespace, the from group/kind/namespace or the to group/kind/name wrong "
        "do not permit a cross-namespace listener certificateRef: ResolvedRefs=False/RefNotPermitted"
    ),
    features=(FeatureName.GATEWAY, FeatureName.REFERENCE_GRANT),
    manifests=("gateway-secret-invalid-reference-grant.yaml",),
    parallel=True,
)


def test_gateway_secret_invalid_reference_grant(kube: Kube, subtests: pytest.Subtests) -> None:
    listener = ExpectedListener(
        name="https",
        attached_routes=0,
        supported_kinds=(SupportedKind("HTTPRoute"),),
        conditions=(Condition("ResolvedRefs", "False", "RefNotPermitted"),),
    )
    with subtests.test(msg="listener https has ResolvedRefs=False/RefNotPermitted"):
        kube.gateway_status_must_have_listeners(
            NamespacedName(INFRA_NS, "gateway-secret-invalid-reference-grant"), [listener]
        )
