"""Port of conformance/tests/gateway-invalid-tls-configuration.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, ExpectedListener, FeatureName, NamespacedName, SupportedKind
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="GatewayInvalidTLSConfiguration",
    description=(
        "An HTTPS listener whose certificateRef names a missing Secret, a foreign group, another kind or a "
        "Secret without PEM data reports ResolvedRefs=False/InvalidCertificateRef"
    ),
    features=(FeatureName.GATEWAY,),
    manifests=("gateway-invalid-tls-configuration.yaml",),
    parallel=True,
)

LISTENER = ExpectedListener(
    name="https",
    attached_routes=0,
    supported_kinds=(SupportedKind("HTTPRoute"),),
    conditions=(Condition("ResolvedRefs", "False", "InvalidCertificateRef"),),
)

CASES = {
    "gateway-certificate-nonexistent-secret": "a Secret that does not exist",
    "gateway-certificate-unsupported-group": "a certificateRef of an unsupported group",
    "gateway-certificate-unsupported-kind": "a certificateRef of an unsupported kind",
    "gateway-certificate-malformed-secret": "a Secret whose data is not PEM",
}


def test_gateway_invalid_tls_configuration(kube: Kube, subtests: pytest.Subtests) -> None:
    for name, what in CASES.items():
        with subtests.test(msg=f"{what}: listener https has ResolvedRefs=False/InvalidCertificateRef"):
            kube.gateway_status_must_have_listeners(NamespacedName(INFRA_NS, name), [LISTENER])
