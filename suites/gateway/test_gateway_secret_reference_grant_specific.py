"""Port of conformance/tests/gateway-secret-reference-grant-specific.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, ExpectedListener, FeatureName, NamespacedName, SupportedKind
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="GatewaySecretReferenceGrantSpecific",
    description=(
        "A ReferenceGrant naming web-backend/certificate lets an infra Gateway listener use it: Programmed and "
        "ResolvedRefs True"
    ),
    features=(FeatureName.GATEWAY, FeatureName.REFERENCE_GRANT),
    manifests=("gateway-secret-reference-grant-specific.yaml",),
    parallel=True,
)


def test_gateway_secret_reference_grant_specific(kube: Kube, subtests: pytest.Subtests) -> None:
    listener = ExpectedListener(
        name="https",
        attached_routes=0,
        supported_kinds=(SupportedKind("HTTPRoute"),),
        conditions=(
            Condition("Programmed", "True", "Programmed"),
            Condition("ResolvedRefs", "True"),
        ),
    )
    with subtests.test(msg="listener https is Programmed with ResolvedRefs=True"):
        kube.gateway_status_must_have_listeners(
            NamespacedName(INFRA_NS, "gateway-secret-reference-grant-specific"), [listener]
        )
