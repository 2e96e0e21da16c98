"""Port of conformance/tests/gateway-secret-reference-grant-all-in-namespace.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, ExpectedListener, FeatureName, NamespacedName, SupportedKind
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="GatewaySecretReferenceGrantAllInNamespace",
    description=(
        "A ReferenceGrant for every Secret of the web-backend namespace lets an infra Gateway listener use "
        "web-backend/certificate: Programmed and ResolvedRefs True"
    ),
    features=(FeatureName.GATEWAY, FeatureName.REFERENCE_GRANT),
    manifests=("gateway-secret-reference-grant-all-in-namespace.yaml",),
    parallel=True,
)


def test_gateway_secret_reference_grant_all_in_namespace(kube: Kube, subtests: pytest.Subtests) -> None:
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
            NamespacedName(INFRA_NS, "gateway-secret-reference-grant-all-in-namespace"), [listener]
        )
