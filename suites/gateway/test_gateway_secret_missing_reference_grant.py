"""Port of conformance/tests/gateway-secret-missing-reference-grant.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, ExpectedListener, FeatureName, NamespacedName, SupportedKind
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="GatewaySecretMissingReferenceGrant",
    description=(
        "A listener certificateRef to a Secret in another namespace, with no ReferenceGrant there, reports "
        "ResolvedRefs=False/RefNotPermitted"
    ),
    features=(FeatureName.GATEWAY, FeatureName.REFERENCE_GRANT),
    manifests=("gateway-secret-missing-reference-grant.yaml",),
    parallel=True,
)


def test_gateway_secret_missing_reference_grant(kube: Kube, subtests: pytest.Subtests) -> None:
    listener = ExpectedListener(
        name="https",
        attached_routes=0,
        supported_kinds=(SupportedKind("HTTPRoute"),),
        conditions=(Condition("ResolvedRefs", "False", "RefNotPermitted"),),
    )
    with subtests.test(msg="listener https has ResolvedRefs=False/RefNotPermitted"):
        kube.gateway_status_must_have_listeners(
            NamespacedName(INFRA_NS, "gateway-secret-missing-reference-grant"), [listener]
        )
